package dev.entropysentinel.processor.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.entropysentinel.processor.ProcessorSettings;
import dev.entropysentinel.schemas.InvalidRecordException;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Throughput of the real processor under exactly_once_v2 vs a plain {@link KafkaConsumer} that
 * reads and parses ({@link WireSerde}) the same backlog, each from its first record to its last:
 * for the processor, from its first processed record until the offsets of the last are committed
 * (its outputs are then visible to read_committed readers), so start-up and rebalance are left out
 * and the exactly-once commit is counted.
 */
final class ThroughputBench {
  /** One side-by-side measurement, records per second. */
  record Round(int threads, @JsonUnwrapped CommitSetting commit, double plainPerSec, double streamsPerSec) {
    @JsonProperty
    double ratio() {
      return streamsPerSec / plainPerSec;
    }

    /** What the round measured at: stream threads and commits. */
    String setting() {
      return threads + " threads, " + commit.label();
    }
  }

  /** The plain consumer reads the backlog again until this much time was measured. */
  private static final long PLAIN_MIN_NANOS = 2_000_000_000L;

  private final BenchKafka kafka;
  private final ProcessorSettings settings;
  private final PrintWriter progress;
  private final String applicationIdPrefix;
  private int instances;

  ThroughputBench(BenchKafka kafka, ProcessorSettings settings, String applicationIdPrefix, PrintWriter progress) {
    this.kafka = kafka;
    this.applicationIdPrefix = applicationIdPrefix;
    this.settings = settings;
    this.progress = progress;
  }

  /** Reads the backlog once each way; the side going first alternates with {@code round} so neither always gets a cold broker cache. */
  Round round(Backlog backlog, int threads, CommitSetting commit, int round) {
    String applicationId = applicationIdPrefix + "-tp" + (++instances);
    double plain;
    double streams;
    if (round % 2 == 0) {
      plain = plain(backlog);
      streams = streams(backlog, threads, commit, applicationId);
    } else {
      streams = streams(backlog, threads, commit, applicationId);
      plain = plain(backlog);
    }
    Round r = new Round(threads, commit, plain, streams);
    progress.printf(Locale.ROOT, "  throughput round %d, %d stream thread(s), %s: plain consumer %,.0f rec/s, "
        + "processor %,.0f rec/s, ratio %.3f%n", round + 1, threads, commit.label(), plain, streams, r.ratio());
    progress.flush();
    return r;
  }

  /**
   * Records per second of one plain consumer parsing every record of the backlog with its wire
   * serde, reading the backlog again until {@link #PLAIN_MIN_NANOS} have passed: one pass of a fast
   * consumer is too short to be timed reliably on a shared machine.
   */
  double plain(Backlog backlog) {
    long records = 0;
    long nanos = 0;
    do {
      long[] pass = plainPass(backlog);
      records += pass[0];
      nanos += pass[1];
    } while (nanos < PLAIN_MIN_NANOS);
    return records / (nanos / 1e9);
  }

  /** One pass over the backlog: {records, nanoseconds from the first batch to the last record parsed}. */
  private long[] plainPass(Backlog backlog) {
    Map<String, WireSerde<?>> serdes = Map.of(Topics.STEP_STATS, WireSerde.stepStats(), Topics.RUNS, WireSerde.runs(),
        Topics.EVALS, WireSerde.evals(), Topics.CONTROL_ACKS, WireSerde.controlAcks());
    long records = 0;
    long parsed = 0;
    long start = 0;
    try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(backlog.from())) {
      while (!reached(consumer, backlog.to())) {
        ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(100));
        if (start == 0 && !batch.isEmpty()) {
          start = System.nanoTime();
        }
        for (ConsumerRecord<String, byte[]> r : batch) {
          records++;
          try {
            parsed += serdes.get(r.topic()).deserialize(r.topic(), r.value()) == null ? 0 : 1;
          } catch (InvalidRecordException e) {
            // an unreadable record costs its parse like any other
          }
        }
      }
    }
    if (parsed == 0) {
      throw new IllegalStateException("the plain consumer parsed no record of the backlog");
    }
    return new long[] {records, System.nanoTime() - start};
  }

  private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> to) {
    return to.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  /** Records per second of the processor from its first processed record until the backlog's last offsets are committed. */
  double streams(Backlog backlog, int threads, CommitSetting commit, String applicationId) {
    try (BenchProcessor processor = BenchProcessor.start(kafka, applicationId, threads, commit.interval(),
        commit.applyTo(settings), backlog.from())) {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (processor.processed() == 0) {
        await(deadline, 1_000_000, "its first record");
      }
      long start = System.nanoTime();
      // Asking the broker for the group's offsets costs CPU on this machine too: ask every few
      // milliseconds only once the stream threads have processed the whole backlog, and twice a
      // second before (in case some record never counts as processed).
      long asked = start;
      while (true) {
        boolean processedAll = processor.processed() >= backlog.records();
        if (processedAll || System.nanoTime() - asked > 500_000_000L) {
          asked = System.nanoTime();
          if (kafka.committedUpTo(applicationId, backlog.to())) {
            break;
          }
        }
        await(deadline, processedAll ? 5_000_000 : 2_000_000, "committing the whole backlog");
      }
      return backlog.records() / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static void await(long deadline, long pollNanos, String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("the processor did not get to " + what + " within 10 minutes");
    }
    LockSupport.parkNanos(pollNanos);
  }
}
