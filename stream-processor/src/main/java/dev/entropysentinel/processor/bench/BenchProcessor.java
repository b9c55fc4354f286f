package dev.entropysentinel.processor.bench;

import dev.entropysentinel.processor.Policy;
import dev.entropysentinel.processor.ProcessorApp;
import dev.entropysentinel.processor.ProcessorConfig;
import dev.entropysentinel.processor.ProcessorSettings;
import dev.entropysentinel.schemas.CommandSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One Streams instance for one measurement: a fresh application id and state directory, starting at
 * given input offsets so it sees exactly the measurement's records. Usually the real processor
 * ({@link ProcessorApp}: the production topology, exactly_once_v2, RocksDB stores with changelogs,
 * HTTP API); for the throughput's yardsticks, a {@link ReferenceApp} with the processor's own
 * Streams configuration.
 */
final class BenchProcessor implements AutoCloseable {
  /** Partitions of Sentinel topics the processor creates when missing (an external broker without them). */
  private static final int PARTITIONS = 3;

  private final KafkaStreams streams;
  private final String applicationId;
  private final Runnable stop;
  private final Path stateDir;
  private final List<Metric> processTotals = new ArrayList<>();

  private BenchProcessor(KafkaStreams streams, String applicationId, Runnable stop, Path stateDir) {
    this.streams = streams;
    this.applicationId = applicationId;
    this.stop = stop;
    this.stateDir = stateDir;
  }

  /** The processor's defaults with policy INTERVENE and collapse below 60% of the starting entropy, acting (not advice). */
  static ProcessorSettings intervening(CommandSigner signer) {
    ProcessorSettings defaults = ProcessorSettings.ofDefaults(signer);
    return defaults.withPolicy(Policy.INTERVENE).withMonitor(defaults.monitor().withCollapseFraction(0.6));
  }


  /**
   * Starts an instance reading from {@code from}. It may process records before its client state
   * is RUNNING (a thread with its tasks assigned does not wait for the others): callers that time
   * from its first record must not wait for {@link #awaitRunning()} first.
   */
  static BenchProcessor start(BenchKafka kafka, String applicationId, int threads, Duration commitInterval,
      ProcessorSettings settings, Map<TopicPartition, Long> from) {
    ProcessorConfig config = config(kafka, applicationId, threads, commitInterval, settings, from);
    ProcessorApp app = ProcessorApp.start(config);
    return new BenchProcessor(app.streams(), applicationId, app::close, config.stateDir());
  }

  /**
   * Starts reference app {@code kind} reading from {@code from} with the processor's Streams
   * configuration at {@code threads} and {@code commitInterval}; see {@link #start}.
   */
  static BenchProcessor startReference(BenchKafka kafka, ReferenceApp kind, String applicationId, int threads,
      Duration commitInterval, ProcessorSettings settings, Map<TopicPartition, Long> from) {
    ProcessorConfig config = config(kafka, applicationId, threads, commitInterval, settings, from);
    KafkaStreams streams = new KafkaStreams(kind.topology(kafka, applicationId), ProcessorApp.properties(config));
    streams.start();
    return new BenchProcessor(streams, applicationId, () -> streams.close(Duration.ofSeconds(30)), config.stateDir());
  }

  /** An instance's configuration with a fresh state directory, its group started at {@code from}. */
  private static ProcessorConfig config(BenchKafka kafka, String applicationId, int threads, Duration commitInterval,
      ProcessorSettings settings, Map<TopicPartition, Long> from) {
    Path dir;
    try {
      dir = Files.createTempDirectory("sentinel-bench-streams-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a state directory for the benchmark's processor", e);
    }
    kafka.startGroupAt(applicationId, from);
    return new ProcessorConfig(kafka.bootstrap(), applicationId, dir, "127.0.0.1", 0, threads, commitInterval, PARTITIONS,
        settings);
  }

  /** Waits until every stream thread runs; closes the instance and throws if that takes over 60 s. */
  BenchProcessor awaitRunning() {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || streams.state().hasCompletedShutdown()) {
        close();
        throw new IllegalStateException("Streams instance " + applicationId + " did not reach RUNNING within 60 s (state "
            + streams.state() + ")");
      }
      LockSupport.parkNanos(5_000_000);
    }
    return this;
  }

  /** Whether the instance stopped for good (NOT_RUNNING or ERROR, a failed start): nothing more will be processed. */
  boolean failed() {
    return streams.state().hasCompletedShutdown();
  }

  /**
   * Input records its stream threads have processed so far (Streams' own thread metric). The
   * metrics are looked up once the threads have registered them, then only read: a lookup goes
   * through all of the instance's metrics, and the benchmark asks every few milliseconds.
   */
  long processed() {
    if (processTotals.isEmpty()) {
      streams.metrics().forEach((name, metric) -> {
        if (name.name().equals("process-total") && name.group().equals("stream-thread-metrics")) {
          processTotals.add(metric);
        }
      });
    }
    double total = 0;
    for (Metric m : processTotals) {
      total += ((Number) m.metricValue()).doubleValue();
    }
    return (long) total;
  }

  String applicationId() {
    return applicationId;
  }

  @Override
  public void close() {
    stop.run();
    try (Stream<Path> files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
