package dev.entropysentinel.alerting;

import dev.entropysentinel.alerting.internal.Deduplicator;
import dev.entropysentinel.alerting.internal.OffsetTracker;
import dev.entropysentinel.alerting.internal.ReceiverWorker;
import dev.entropysentinel.alerting.internal.Receivers;
import dev.entropysentinel.schemas.DeadLetterQueue;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.InvalidRecordException;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code sentinel.alerts} and hands each alert to every receiver, at least once (and
 * {@code sentinel.runs}, to know each run's method for the receivers that label alerts with it). Offsets are
 * committed only up to the first alert some receiver has not finished (delivered, or parked on
 * {@code sentinel.dlq} with the reason once its retry budget is spent). Each receiver has its own
 * thread and bounded queue; the consumer stops reading (pauses, keeps its group membership) only
 * when some queue is full. Unreadable records are parked with the reason; repeats of a fingerprint
 * (run, type, status) are suppressed.
 */
public final class AlertingService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertingService.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long COMMIT_EVERY_MS = 200;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final DeadLetterQueue dlq;
  private final List<ReceiverWorker> workers = new ArrayList<>();
  private final OffsetTracker tracker = new OffsetTracker();
  private final Deduplicator dedupe = new Deduplicator(100_000);
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  private final WireSerde<Alert> serde = WireSerde.alerts();
  /** Each run's current method, from {@code sentinel.runs}, for the receivers that label alerts with it. */
  private final Map<String, String> runMethods = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > 100_000;
    }
  });
  private final Thread loop;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final AtomicLong parked = new AtomicLong();
  private volatile boolean closing;
  private volatile Throwable failure;

  private AlertingService(AlertingConfig config, String bootstrapServers, String groupId, Clock clock) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(c);
    this.dlq = DeadLetterQueue.connect(bootstrapServers);
    for (ReceiverConfig rc : config.receivers()) {
      workers.add(new ReceiverWorker(Receivers.create(rc, config, runMethods::get), rc.policy(), clock));
    }
    this.loop = new Thread(this::run, "alerting-consumer");
  }

  /**
   * Starts consuming in a background thread.
   *
   * @param groupId the consumer group; instances sharing it split the partitions (both topics are
   *     keyed by run with equal partition counts, and the default range assignment gives an
   *     instance the runs partition matching its alerts partition)
   */
  public static AlertingService start(AlertingConfig config, String bootstrapServers, String groupId, Clock clock) {
    AlertingService service = new AlertingService(config, bootstrapServers, groupId, clock);
    service.loop.start();
    return service;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(Topics.ALERTS, Topics.RUNS), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
          commit();
          tracker.forget(revoked);
          pending.removeIf(r -> revoked.contains(new TopicPartition(r.topic(), r.partition())));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {}
      });
      long lastCommit = 0;
      while (!closing) {
        List<ConsumerRecord<byte[], byte[]>> alerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          read.incrementAndGet();
          if (Topics.RUNS.equals(r.topic())) {
            pending.add(r); // a run's method first, so the alerts polled with it carry it
          } else {
            alerts.add(r);
          }
        }
        pending.addAll(alerts);
        dispatchPending();
        if (pending.isEmpty()) {
          consumer.resume(consumer.paused());
        } else {
          consumer.pause(consumer.assignment());
        }
        long now = System.currentTimeMillis();
        if (now - lastCommit >= COMMIT_EVERY_MS) {
          commit();
          lastCommit = now;
        }
      }
    } catch (WakeupException e) {
      if (!closing) {
        failure = e;
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("alerting stopped: {}", e.getMessage(), e);
    } finally {
      try {
        commit();
      } catch (RuntimeException e) {
        LOG.warn("final commit failed ({}); uncommitted alerts will be delivered again", e.getMessage());
      }
      stopped.countDown();
    }
  }

  private void dispatchPending() {
    while (!pending.isEmpty() && workers.stream().allMatch(ReceiverWorker::hasRoom)) {
      dispatch(pending.poll());
    }
  }

  private void dispatch(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    if (Topics.RUNS.equals(record.topic())) {
      learnRun(tp, record);
      return;
    }
    Alert alert;
    try {
      alert = serde.deserialize(record.topic(), record.value());
    } catch (InvalidRecordException e) {
      unreadable.incrementAndGet();
      tracker.begin(tp, record.offset(), 1);
      park(record, "unreadable alert: " + e.getMessage());
      tracker.finish(tp, record.offset());
      return;
    }
    if (!dedupe.admit(alert)) {
      duplicates.incrementAndGet();
      tracker.begin(tp, record.offset(), 0);
      return;
    }
    tracker.begin(tp, record.offset(), workers.size());
    for (ReceiverWorker worker : workers) {
      worker.submit(alert, outcome -> {
        if (!outcome.delivered()) {
          park(record, outcome.reason());
        }
        tracker.finish(tp, record.offset());
      });
    }
  }

  private void learnRun(TopicPartition tp, ConsumerRecord<byte[], byte[]> record) {
    tracker.begin(tp, record.offset(), 1);
    try {
      RunInfo run = WireSerde.runs().deserialize(record.topic(), record.value());
      runMethods.put(run.runId(), run.method());
    } catch (InvalidRecordException e) {
      unreadable.incrementAndGet();
      park(record, "unreadable run record: " + e.getMessage());
    }
    tracker.finish(tp, record.offset());
  }

  /**
   * Writes the record to the dead-letter topic and waits for the broker's ack.
   *
   * @throws IllegalStateException when the dead letter cannot be written: the record then stays
   *     unfinished, its offset uncommitted, and it is delivered again after a restart
   */
  private void park(ConsumerRecord<byte[], byte[]> record, String reason) {
    dlq.park(record, reason);
    parked.incrementAndGet();
  }


  private void commit() {
    Map<TopicPartition, Long> positions = tracker.toCommit();
    if (positions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach((tp, pos) -> offsets.put(tp, new OffsetAndMetadata(pos)));
    consumer.commitSync(offsets);
    tracker.committed(positions);
  }

  /** A snapshot of the counters. */
  public DeliveryStats stats() {
    Map<String, Long> delivered = new LinkedHashMap<>();
    workers.forEach(w -> delivered.put(w.name(), w.delivered()));
    return new DeliveryStats(read.get(), duplicates.get(), unreadable.get(), parked.get(), delivered);
  }

  /** Blocks until the service stops (after {@link #close()} or a fatal error, which is rethrown). */
  public void awaitStop() throws InterruptedException {
    stopped.await();
    if (failure != null) {
      throw new IllegalStateException("alerting stopped: " + failure.getMessage(), failure);
    }
  }

  /**
   * Stops reading, commits what every receiver finished, and closes the receivers; alerts still in
   * a receiver's queue stay uncommitted and are delivered again on the next start.
   */
  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      if (!stopped.await(30, TimeUnit.SECONDS)) {
        LOG.warn("the alerting consumer did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.forEach(ReceiverWorker::close);
    consumer.close();
    dlq.close();
  }
}
