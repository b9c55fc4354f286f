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
 * One real processor instance ({@link ProcessorApp}: the production topology, exactly_once_v2,
 * RocksDB stores with changelogs, HTTP API) for one measurement: a fresh application id and state
 * directory, starting at given input offsets so it sees exactly the measurement's records.
 */
final class BenchProcessor implements AutoCloseable {
  /** Partitions of Sentinel topics the processor creates when missing (an external broker without them). */
  private static final int PARTITIONS = 3;

  private final ProcessorApp app;
  private final Path stateDir;
  private final List<Metric> processTotals = new ArrayList<>();

  private BenchProcessor(ProcessorApp app, Path stateDir) {
    this.app = app;
    this.stateDir = stateDir;
  }

  /** The processor's defaults with policy INTERVENE and collapse below 60% of the starting entropy, acting (not advice). */
  static ProcessorSettings intervening(CommandSigner signer) {
    ProcessorSettings defaults = ProcessorSettings.ofDefaults(signer);
    return defaults.withPolicy(Policy.INTERVENE).withMonitor(defaults.monitor().withCollapseFraction(0.6));
  }


  /** Starts an instance reading from {@code from} and waits until its stream threads run. */
  static BenchProcessor start(BenchKafka kafka, String applicationId, int threads, Duration commitInterval,
      ProcessorSettings settings, Map<TopicPartition, Long> from) {
    Path dir;
    try {
      dir = Files.createTempDirectory("sentinel-bench-streams-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a state directory for the benchmark's processor", e);
    }
    kafka.startGroupAt(applicationId, from);
    ProcessorApp app = ProcessorApp.start(new ProcessorConfig(kafka.bootstrap(), applicationId, dir, "127.0.0.1", 0, threads,
        commitInterval, PARTITIONS, settings));
    BenchProcessor processor = new BenchProcessor(app, dir);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (app.streams().state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || app.streams().state().hasCompletedShutdown()) {
        processor.close();
        throw new IllegalStateException("the processor did not reach RUNNING within 60 s (state "
            + app.streams().state() + ")");
      }
      LockSupport.parkNanos(5_000_000);
    }
    return processor;
  }

  /**
   * Input records its stream threads have processed so far (Streams' own thread metric). The
   * metrics are looked up once the threads have registered them, then only read: a lookup goes
   * through all of the instance's metrics, and the benchmark asks every few milliseconds.
   */
  long processed() {
    if (processTotals.isEmpty()) {
      app.streams().metrics().forEach((name, metric) -> {
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
    return app.config().applicationId();
  }

  @Override
  public void close() {
    app.close();
    try (Stream<Path> files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
