package dev.entropysentinel.processor.internal;

import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A task's key-value store with its values also kept deserialized in memory, so an input does not
 * decode its run's state again (decoding was most of the stream thread's time). Write-through:
 * {@link #put} writes the store first, so every change is in the changelog within the input's
 * transaction, exactly as without the mirror; the mirror only saves reads. Built from the store
 * when the processor is initialised — after restoration, and again when a task is revived or moves
 * — so it never holds anything the store does not.
 */
final class StoreMirror<V> {
  private final KeyValueStore<String, V> store;
  /** In key order, as the store iterates. */
  private final TreeMap<String, V> values = new TreeMap<>();

  StoreMirror(KeyValueStore<String, V> store) {
    this.store = store;
    try (KeyValueIterator<String, V> all = store.all()) {
      all.forEachRemaining(kv -> values.put(kv.key, kv.value));
    }
  }

  /** The value of {@code key}, {@code null} when the store has none. */
  V get(String key) {
    return values.get(key);
  }

  /** Writes {@code value} to the store (and so its changelog), then to the mirror. */
  void put(String key, V value) {
    store.put(key, value);
    values.put(key, value);
  }

  /** The keys held now, in store order; a copy, so a caller may put while going through them. */
  List<String> keys() {
    return List.copyOf(values.keySet());
  }
}
