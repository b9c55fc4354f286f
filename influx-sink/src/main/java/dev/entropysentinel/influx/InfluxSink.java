package dev.entropysentinel.influx;

import dev.entropysentinel.influx.internal.EvalJoin;
import dev.entropysentinel.influx.internal.MergedStep;
import dev.entropysentinel.influx.internal.StepMerger;
import dev.entropysentinel.schemas.DeadLetterQueue;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.InvalidRecordException;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.influxdb.dto.Point;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies Sentinel's topics into InfluxDB for Grafana: runs, merged steps, forecasts, evals, alerts
 * and decisions ({@link Measurements}). Points wait in a bounded buffer and are written in batches,
 * a pipeline: the consumer thread reads and parses, an encoder thread turns the next batch into
 * line protocol while a writer thread sends the previous one (one request at a time, in order);
 * when influxd is down the buffer keeps them and writes are retried with exponential backoff and
 * jitter; once the buffer is full the sink stops reading (Kafka holds the rest). Offsets are
 * committed only after the points of every record before them are written, so a crash or an
 * outage loses nothing; replays write the same points again, which overwrite themselves.
 */
public final class InfluxSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InfluxSink.class);
  private static final Duration POLL = Duration.ofMillis(50);
  /** How long an eval waits for its step's entropy and a fit (both normally follow within seconds). */
  private static final long EVAL_MAX_WAIT_MS = 30_000;
  /** The topics read; each record is keyed by run, so all ranks of a run's step share a partition. */
  public static final List<String> TOPICS = List.of(Topics.RUNS, Topics.STEP_STATS, Topics.EVALS, Topics.FORECASTS, Topics.ALERTS, Topics.CONTROL);

  private final InfluxSinkConfig config;
  private final PointWriter writer;
  private final Clock clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final DeadLetterQueue dlq;
  private final StepMerger merger;
  private final IntervalFunction backoff;
  private final List<Point> buffer = new ArrayList<>();
  private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final EvalJoin evals;
  private final Thread loop;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();
  private volatile int buffered;
  /** Encodes batches (line protocol: most of a write's CPU) ahead of {@link #io}, which sends them one at a time, in order. */
  private final ExecutorService encoder = daemonThread("influx-encoder");
  private final ExecutorService io = daemonThread("influx-writer");
  /** Batches cut from the buffer, in read order, waiting to be written; consumer thread only. */
  private final ArrayDeque<Batch> sealed = new ArrayDeque<>();
  /** Batches being encoded or written, in order (they are written in that order); consumer thread only. */
  private final ArrayDeque<WriteJob> inFlight = new ArrayDeque<>();
  /** Points in {@link #sealed} and {@link #inFlight}. */
  private int pendingPoints;
  private int failuresInARow;
  private long nextAttemptMs;
  private long lastSealMs;
  private volatile boolean closing;
  private volatile Throwable failure;

  /**
   * Batches handed over at once: one being sent, the next encoded meanwhile, one more queued, so
   * influxd never waits for the sink's CPU work (parsing, encoding) nor for the consumer thread to
   * notice a finished write.
   */
  private static final int MAX_IN_FLIGHT = 3;

  /** Points to write in one go and the commit positions they complete (every record before them is written or in an earlier batch). */
  private record Batch(List<Point> points, Map<TopicPartition, Long> positions) {}

  /** A batch handed to the encoder and writer threads. */
  private record WriteJob(Batch batch, Future<?> done) {}

  private InfluxSink(InfluxSinkConfig config, PointWriter writer, String bootstrapServers, String groupId, Clock clock) {
    this.config = config;
    this.writer = writer;
    this.clock = clock;
    this.merger = new StepMerger(config.maxPendingSteps());
    this.evals = new EvalJoin(EVAL_MAX_WAIT_MS, 100_000);
    this.backoff = IntervalFunction.ofExponentialRandomBackoff(config.initialBackoff(), 2.0, 0.5, config.maxBackoff());
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(Math.max(500, config.batchSize())));
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(c);
    this.dlq = DeadLetterQueue.connect(bootstrapServers);
    this.loop = new Thread(this::run, "influx-sink");
  }

  /**
   * Starts reading in a background thread.
   *
   * @param writer where points go ({@link InfluxWriter}); closed with the sink
   */
  public static InfluxSink start(InfluxSinkConfig config, PointWriter writer, String bootstrapServers, String groupId, Clock clock) {
    InfluxSink sink = new InfluxSink(config, writer, bootstrapServers, groupId, clock);
    sink.loop.start();
    return sink;
  }

  private void run() {
    try {
      consumer.subscribe(TOPICS, new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
          flush(true);
          merger.forget(revoked);
          evals.forget(revoked);
          revoked.forEach(nextOffsets::remove);
          revoked.forEach(committed::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {}
      });
      lastSealMs = clock.millis();
      while (!closing) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          handle(r);
        }
        addEvals(evals.expire(clock.millis()));
        flush(false);
        if (buffered >= config.bufferCapacity()) {
          consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
          consumer.resume(consumer.paused());
        }
      }
    } catch (WakeupException e) {
      if (!closing) {
        failure = e;
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("influx sink stopped: {}", e.getMessage(), e);
    } finally {
      try {
        flush(true);
      } catch (RuntimeException e) {
        LOG.warn("final flush failed ({}); uncommitted records will be written again on restart", e.getMessage());
      }
      stopped.countDown();
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> r) {
    read.incrementAndGet();
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    nextOffsets.put(tp, r.offset() + 1);
    try {
      switch (r.topic()) {
        case Topics.RUNS -> buffer.add(Measurements.run(WireSerde.runs().deserialize(r.topic(), r.value())));
        case Topics.STEP_STATS -> {
          for (MergedStep s : merger.add(WireSerde.stepStats().deserialize(r.topic(), r.value()), tp, r.offset())) {
            buffer.add(Measurements.step(s));
            addEvals(evals.step(s, clock.millis()));
          }
        }
        case Topics.FORECASTS -> {
          Forecast f = WireSerde.forecasts().deserialize(r.topic(), r.value());
          buffer.add(Measurements.forecast(f));
          addEvals(evals.forecast(f, clock.millis()));
        }
        case Topics.EVALS -> addEvals(evals.eval(WireSerde.evals().deserialize(r.topic(), r.value()), tp, r.offset(), clock.millis()));
        case Topics.ALERTS -> buffer.add(Measurements.alert(WireSerde.alerts().deserialize(r.topic(), r.value())));
        case Topics.CONTROL -> buffer.add(Measurements.decision(WireSerde.control().deserialize(r.topic(), r.value())));
        default -> throw new InvalidRecordException("$", "topic " + r.topic() + " is not one the sink reads");
      }
    } catch (InvalidRecordException e) {
      unreadable.incrementAndGet();
      park(r, "influx sink cannot read the record: " + e.getMessage());
    }
    if (buffer.size() >= config.batchSize()) {
      seal(clock.millis()); // a full batch goes to the writer at once, not after the rest of the poll is parsed
      drain(false);
    }
    updateBuffered();
  }

  private void addEvals(List<EvalJoin.Joined> ready) {
    ready.forEach(j -> buffer.add(Measurements.eval(j)));
  }

  /**
   * Cuts the buffer into a batch when it holds a batch's worth, when the flush interval passed, or
   * when {@code force}d (which also writes everything and waits), then keeps the writer fed
   * ({@link #drain}). Parsing goes on while influxd works.
   */
  private void flush(boolean force) {
    long now = clock.millis();
    if (!buffer.isEmpty() && (force || buffer.size() >= config.batchSize() || now - lastSealMs >= config.flushInterval().toMillis())) {
      seal(now);
    }
    drain(force);
    if (buffer.isEmpty() && sealed.isEmpty() && inFlight.isEmpty()) {
      commit(positions(), force); // records that made no point (parked, or waiting in the merger) still move the commit
    }
    updateBuffered();
  }

  private void seal(long now) {
    sealed.addLast(new Batch(new ArrayList<>(buffer), positions()));
    pendingPoints += buffer.size();
    buffer.clear();
    lastSealMs = now;
  }

  /**
   * Finishes the writes that are done, in order (committing each batch's positions), and hands
   * sealed batches to the encoder and writer, up to {@link #MAX_IN_FLIGHT} at a time (one while influxd
   * is failing, and none before the backoff has passed). {@code force} waits for every write and
   * ignores the backoff; it stops at the first failure.
   */
  private void drain(boolean force) {
    while (true) {
      while (!inFlight.isEmpty() && (force || inFlight.peekFirst().done().isDone())) {
        if (!finish(inFlight.pollFirst(), force) && force) {
          return;
        }
      }
      int limit = failuresInARow > 0 ? 1 : MAX_IN_FLIGHT;
      while (!sealed.isEmpty() && inFlight.size() < limit && (force || clock.millis() >= nextAttemptMs)) {
        Batch batch = sealed.pollFirst();
        inFlight.addLast(new WriteJob(batch, CompletableFuture.supplyAsync(() -> encode(batch.points()), encoder)
            .thenAcceptAsync(bodies -> bodies.forEach(writer::write), io)));
      }
      if (!force || (inFlight.isEmpty() && sealed.isEmpty())) {
        return;
      }
    }
  }

  /** One request body per {@code batchSize} points. */
  private List<String> encode(List<Point> points) {
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < points.size(); i += config.batchSize()) {
      bodies.add(writer.encode(points.subList(i, Math.min(points.size(), i + config.batchSize()))));
    }
    return bodies;
  }

  private static ExecutorService daemonThread(String name) {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Waits for a write; on success commits its positions. On failure its batch and every later one
   * (once their writes ended, whatever the outcome: points are idempotent) go back to the front of
   * the sealed queue in order, and the next attempt waits a backoff.
   *
   * @return whether the write succeeded
   */
  private boolean finish(WriteJob job, boolean sync) {
    try {
      job.done().get();
      pendingPoints -= job.batch().points().size();
      written.addAndGet(job.batch().points().size());
      if (failuresInARow > 0) {
        LOG.info("influxd at {} is back after {} failed attempts; the buffered points are written", config.url(), failuresInARow);
        failuresInARow = 0;
      }
      commit(job.batch().positions(), sync);
      return true;
    } catch (ExecutionException e) {
      requeue(job);
      failedWrites.incrementAndGet();
      failuresInARow++;
      long wait = backoff.apply(failuresInARow);
      nextAttemptMs = clock.millis() + wait;
      if (failuresInARow == 1 || failuresInARow % 10 == 0) {
        LOG.warn("influxd at {} did not take {} points ({}); keeping them (buffer {}/{}), attempt {} failed, next in {} ms",
            config.url(), job.batch().points().size(), e.getCause().getMessage(), buffer.size() + pendingPoints,
            config.bufferCapacity(), failuresInARow, wait);
      }
    } catch (InterruptedException e) {
      requeue(job);
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private void requeue(WriteJob failed) {
    List<Batch> back = new ArrayList<>();
    back.add(failed.batch());
    while (!inFlight.isEmpty()) {
      WriteJob later = inFlight.pollFirst();
      try {
        later.done().get();
      } catch (ExecutionException ignored) {
        // written again with the failed batch
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      back.add(later.batch());
    }
    for (int i = back.size() - 1; i >= 0; i--) {
      sealed.addFirst(back.get(i));
    }
  }

  private void updateBuffered() {
    buffered = buffer.size() + pendingPoints;
  }

  /** Per partition: the first offset whose points are not all in the buffer or written yet. */
  private Map<TopicPartition, Long> positions() {
    Map<TopicPartition, Long> out = new HashMap<>();
    nextOffsets.forEach((tp, next) -> {
      long position = next;
      for (Long open : new Long[] {merger.firstOpenOffset(tp), evals.firstOpenOffset(tp)}) {
        position = open == null ? position : Math.min(position, open);
      }
      out.put(tp, position);
    });
    return out;
  }

  /** Commits where they moved; asynchronously while running (the next poll completes it), synchronously when {@code sync}. */
  private void commit(Map<TopicPartition, Long> positions, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach((tp, position) -> {
      if (nextOffsets.containsKey(tp) && !position.equals(committed.get(tp))) {
        offsets.put(tp, new OffsetAndMetadata(position));
      }
    });
    if (!offsets.isEmpty()) {
      if (sync) {
        consumer.commitSync(offsets);
      } else {
        consumer.commitAsync(offsets, (done, e) -> {
          if (e != null) {
            LOG.warn("committing {} failed ({}); those records are written again after a restart", done, e.getMessage());
          }
        });
      }
      offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    }
  }

  private void park(ConsumerRecord<byte[], byte[]> r, String reason) {
    dlq.park(r, reason);
  }


  /** A snapshot of the counters. */
  public SinkStats stats() {
    return new SinkStats(read.get(), unreadable.get(), written.get(), buffered, failedWrites.get());
  }

  /** Blocks until the sink stops (after {@link #close()} or a fatal error, which is rethrown). */
  public void awaitStop() throws InterruptedException {
    stopped.await();
    if (failure != null) {
      throw new IllegalStateException("influx sink stopped: " + failure.getMessage(), failure);
    }
  }

  /** Stops reading, tries a last write and commit, and closes the consumer and the writer. */
  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      if (!stopped.await(30, TimeUnit.SECONDS)) {
        LOG.warn("the influx sink did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    encoder.shutdownNow();
    io.shutdownNow();
    consumer.close();
    dlq.close();
    writer.close();
  }
}
