package dev.entropysentinel.processor.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.entropysentinel.processor.ProcessorSettings;
import dev.entropysentinel.schemas.WireSerde;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
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
 * and the exactly-once commit is counted. Two {@link ReferenceApp}s are timed the same way beside
 * them, so the report shows how much of the gap is the Streams runtime's before any logic.
 *
 * <p>The backlog must not end the log: more records must follow it (the command writes the warm-up's
 * after it). At the end of the log a consumer's fetch for a partition it has finished waits up to
 * {@code fetch.max.wait.ms} (500 ms) at the broker, and while it waits no fetch for the other
 * partitions goes out: measured here, the plain consumer then read 70-80 000 instead of 200 000
 * records/s, and every ratio looked 2.5 times better than it is.
 */
final class ThroughputBench {
  /**
   * One side-by-side measurement, records per second: the plain consumer, the {@link ReferenceApp}s
   * and the processor.
   */
  record Round(int threads, @JsonUnwrapped CommitSetting commit, double plainPerSec, double parseOnlyPerSec,
      double passthroughPerSec, double streamsPerSec) {
    /** The goal's ratio: processor / plain consumer. */
    @JsonProperty
    double ratio() {
      return streamsPerSec / plainPerSec;
    }

    @JsonProperty
    double parseOnlyRatio() {
      return parseOnlyPerSec / plainPerSec;
    }

    @JsonProperty
    double passthroughRatio() {
      return passthroughPerSec / plainPerSec;
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

  /**
   * Reads the backlog once with each of the four readers; the order reverses with {@code round} so
   * none always gets a cold broker cache or a machine still busy with the previous one.
   */
  Round round(Backlog backlog, int threads, CommitSetting commit, int round) {
    String prefix = applicationIdPrefix + "-tp" + (++instances);
    List<DoubleSupplier> readers = List.of(() -> plain(backlog),
        () -> reference(backlog, ReferenceApp.PARSE_ONLY, threads, commit, prefix + "-c"),
        () -> reference(backlog, ReferenceApp.PASSTHROUGH, threads, commit, prefix + "-p"),
        () -> streams(backlog, threads, commit, prefix));
    double[] perSec = new double[readers.size()];
    for (int i = 0; i < readers.size(); i++) {
      int reader = round % 2 == 0 ? i : readers.size() - 1 - i;
      perSec[reader] = readers.get(reader).getAsDouble();
    }
    Round r = new Round(threads, commit, perSec[0], perSec[1], perSec[2], perSec[3]);
    progress.printf(Locale.ROOT, "  throughput round %d, %d stream thread(s), %s: plain consumer %,.0f rec/s, "
        + "%s %,.0f (%.3f), %s %,.0f (%.3f), processor %,.0f rec/s, ratio %.3f%n", round + 1, threads, commit.label(),
        r.plainPerSec(), ReferenceApp.PARSE_ONLY.label(), r.parseOnlyPerSec(), r.parseOnlyRatio(),
        ReferenceApp.PASSTHROUGH.label(), r.passthroughPerSec(), r.passthroughRatio(), r.streamsPerSec(), r.ratio());
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
          parsed += Backlog.parses(r.topic(), r.value()) ? 1 : 0;
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
    return timed(backlog, () -> BenchProcessor.start(kafka, applicationId, threads, commit.interval(),
        commit.applyTo(settings), backlog.from()));
  }

  /** Records per second of reference app {@code kind}, timed like the processor. */
  double reference(Backlog backlog, ReferenceApp kind, int threads, CommitSetting commit, String applicationId) {
    return timed(backlog, () -> BenchProcessor.startReference(kafka, kind, applicationId, threads, commit.interval(),
        settings, backlog.from()));
  }

  private double timed(Backlog backlog, Supplier<BenchProcessor> start) {
    try (BenchProcessor processor = start.get()) {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (processor.processed() == 0) {
        if (processor.failed()) {
          throw new IllegalStateException("the Streams instance " + processor.applicationId() + " stopped before processing");
        }
        await(deadline, 200_000, "its first record");
      }
      long begin = System.nanoTime();
      // Asking the broker for the group's offsets costs CPU on this machine too: ask every few
      // milliseconds only once the stream threads have processed the whole backlog, and twice a
      // second before (in case some record never counts as processed).
      long asked = begin;
      while (true) {
        boolean processedAll = processor.processed() >= backlog.records();
        if (processedAll || System.nanoTime() - asked > 500_000_000L) {
          asked = System.nanoTime();
          if (kafka.committedUpTo(processor.applicationId(), backlog.to())) {
            break;
          }
        }
        await(deadline, processedAll ? 5_000_000 : 2_000_000, "committing the whole backlog");
      }
      return backlog.records() / ((System.nanoTime() - begin) / 1e9);
    }
  }

  private static void await(long deadline, long pollNanos, String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("the processor did not get to " + what + " within 10 minutes");
    }
    LockSupport.parkNanos(pollNanos);
  }
}
