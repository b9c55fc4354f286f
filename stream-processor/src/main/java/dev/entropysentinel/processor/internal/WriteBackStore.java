package dev.entropysentinel.processor.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A task's changelogged key-value store whose processor works on a {@link StoreMirror} (the values
 * deserialized in memory) and whose changes reach the real store — and so its changelog — once per
 * commit: every input used to re-encode its run's state and send it to the changelog, which was most
 * of the stream thread's time; now a run written to many times between two commits is encoded and
 * logged once.
 *
 * <p>Exactly once: Kafka Streams flushes a task's caches (Kafka's {@link CachedStateStore}) before
 * it flushes the task's producer and commits the transaction, so the mirror's changes are written
 * inside the transaction that commits the inputs which made them. The public {@code
 * StateStore.flush()}/{@code commit()} would not do: Streams calls them only after the transaction
 * committed (to checkpoint). A task closed dirty drops the mirror with the store; its processor
 * builds a new one after restoration.
 *
 * <p>Read through the {@link KeyValueStore} interface (interactive queries, tests), the store answers
 * from the real store, so it shows the state as of the last commit.
 */
public final class WriteBackStore<V> implements KeyValueStore<String, V>, CachedStateStore<String, V> {
  private final KeyValueStore<String, V> inner;
  private final Builder<V> builder;
  private TaskId task;
  private StoreMirror<V> mirror;

  private WriteBackStore(KeyValueStore<String, V> inner, Builder<V> builder) {
    this.inner = inner;
    this.builder = builder;
  }

  /**
   * Builds the stores of a topology and hands each task's store to that task's processor: Streams
   * gives a processor its stores only behind a decorator, which would hide {@link #mirror()}.
   */
  public static final class Builder<V> implements StoreBuilder<WriteBackStore<V>> {
    private final StoreBuilder<KeyValueStore<String, V>> inner;
    private final Map<TaskId, WriteBackStore<V>> byTask = new ConcurrentHashMap<>();

    /** @param inner the real store, changelogged, without Streams' own (serialized) cache */
    public Builder(StoreBuilder<KeyValueStore<String, V>> inner) {
      this.inner = inner.withCachingDisabled();
    }

    /** The store of {@code task}, initialised by Streams before the task's processors. */
    WriteBackStore<V> of(TaskId task) {
      WriteBackStore<V> store = byTask.get(task);
      if (store == null) {
        throw new IllegalStateException("store " + name() + " of task " + task + " is not initialised");
      }
      return store;
    }

    @Override
    public WriteBackStore<V> build() {
      return new WriteBackStore<>(inner.build(), this);
    }

    @Override
    public Builder<V> withCachingEnabled() {
      throw new UnsupportedOperationException(name() + " is its own cache: a write-back mirror of deserialized values");
    }

    @Override
    public Builder<V> withCachingDisabled() {
      return this;
    }

    @Override
    public Builder<V> withLoggingEnabled(Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public Builder<V> withLoggingDisabled() {
      inner.withLoggingDisabled();
      return this;
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }

  /**
   * The task's in-memory values, read from the store the first time after (re)initialisation:
   * called by the processor's {@code init}, which Streams runs after restoration.
   */
  StoreMirror<V> mirror() {
    if (mirror == null) {
      mirror = new StoreMirror<>(inner);
    }
    return mirror;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    mirror = null;
    inner.init(context, root);
    task = context.taskId();
    builder.byTask.put(task, this);
  }

  /**
   * Writes the values changed since the last commit to the real store; Streams calls it before
   * committing (which {@link CommandCommits} is told: the commands emitted so far are in this commit).
   */
  @Override
  public void flushCache() {
    CommandCommits.ofThisThread().committing();
    if (mirror != null) {
      mirror.writeBack();
    }
  }

  /** Streams is turning the task into a standby: nothing may be written any more. */
  @Override
  public void clearCache() {
    mirror = null;
  }

  @Override
  public boolean setFlushListener(org.apache.kafka.streams.state.internals.CacheFlushListener<String, V> listener,
      boolean sendOldValues) {
    return false;
  }

  @Override
  public void close() {
    mirror = null;
    if (task != null) {
      builder.byTask.remove(task, this);
    }
    inner.close();
  }

  @Override
  public V get(String key) {
    return inner.get(key);
  }

  @Override
  public KeyValueIterator<String, V> range(String from, String to) {
    return inner.range(from, to);
  }

  @Override
  public KeyValueIterator<String, V> all() {
    return inner.all();
  }

  @Override
  public long approximateNumEntries() {
    return inner.approximateNumEntries();
  }

  @Override
  public ReadOnlyKeyValueStore<String, V> readOnly(IsolationLevel isolationLevel) {
    return inner.readOnly(isolationLevel);
  }

  /** Writes go through the processor's mirror; a direct write would be overwritten by the mirror's value. */
  @Override
  public void put(String key, V value) {
    throw writesGoThroughTheMirror();
  }

  @Override
  public V putIfAbsent(String key, V value) {
    throw writesGoThroughTheMirror();
  }

  @Override
  public void putAll(List<KeyValue<String, V>> entries) {
    throw writesGoThroughTheMirror();
  }

  @Override
  public V delete(String key) {
    throw writesGoThroughTheMirror();
  }

  private UnsupportedOperationException writesGoThroughTheMirror() {
    return new UnsupportedOperationException("store " + name() + " is written through its processor's mirror only");
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public void flush() {
    inner.flush();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    inner.commit(changelogOffsets);
  }

  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return inner.query(query, positionBound, config);
  }

  @Override
  public long approximateNumUncommittedBytes() {
    return inner.approximateNumUncommittedBytes();
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }

  @Override
  public String toString() {
    return "WriteBackStore[" + Objects.toString(task) + "/" + name() + "]";
  }
}
