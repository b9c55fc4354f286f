package dev.entropysentinel.processor.internal;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A task's key-value store with its values kept deserialized in memory, written back to the store
 * once per commit by {@link WriteBackStore}: an input neither decodes its run's state again nor
 * encodes and logs it. Built from the store when the processor is initialised — after restoration,
 * and again when a task is revived or moves — so it never holds anything the store and the inputs
 * since the last commit do not. Used by the stream thread only.
 */
final class StoreMirror<V> {
  private final KeyValueStore<String, V> store;
  private final HashMap<String, V> values = new HashMap<>();
  /** Keys put since the last write-back, in the order first put. */
  private final Set<String> dirty = new LinkedHashSet<>();

  StoreMirror(KeyValueStore<String, V> store) {
    this.store = store;
    try (KeyValueIterator<String, V> all = store.all()) {
      all.forEachRemaining(kv -> values.put(kv.key, kv.value));
    }
  }

  /** The value of {@code key}, {@code null} when there is none. */
  V get(String key) {
    return values.get(key);
  }

  /** Sets {@code key}'s value; the store gets it at the next commit. */
  void put(String key, V value) {
    values.put(key, value);
    dirty.add(key);
  }

  /** The keys held now, in key order (as the store iterates); a copy, so a caller may put while going through them. */
  List<String> keys() {
    return values.keySet().stream().sorted().toList();
  }

  /** Writes every value put since the last write-back to the store (and so its changelog). */
  void writeBack() {
    for (String key : dirty) {
      store.put(key, values.get(key));
    }
    dirty.clear();
  }
}
