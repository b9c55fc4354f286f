package dev.entropysentinel.influx.cli;

import dev.entropysentinel.schemas.BenchFigure;
import dev.entropysentinel.influx.InfluxSink;
import dev.entropysentinel.influx.InfluxSinkConfig;
import dev.entropysentinel.influx.InfluxWriter;
import dev.entropysentinel.influx.InfluxdProcess;
import dev.entropysentinel.influx.Measurements;
import dev.entropysentinel.influx.internal.MergedStep;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.influxdb.dto.Point;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel bench influx}: points per second the sink writes (Kafka → parse → merge → buffer →
 * influxdb-java batches → influxd) vs raw influxdb-java batch writes of the same points, in the same
 * run against the same influxd (goal ≥ 0.8). Rounds alternate the two sides.
 */
@Command(name = "influx", mixinStandardHelpOptions = true,
    description = "InfluxDB sink write rate vs raw influxdb-java batch writes of the same points (goal ratio >= 0.8). "
        + "Starts a local influxd from PATH unless --url is given, and an embedded Kafka broker.")
public final class InfluxBenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--points", defaultValue = "50000", description = "points per side per round (default ${DEFAULT-VALUE})")
  int points;

  @Option(names = "--rounds", defaultValue = "6", description = "rounds, alternating raw and sink; the raw side swings by +-20%% between rounds on 2 cores, so a verdict needs several (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--batch-size", defaultValue = "1000", description = "points per write request, both sides (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--url", description = "an influxd to use instead of starting one (its databases bench_raw_*/bench_sink_* are written)")
  String url;

  @Override
  public Integer call() throws Exception {
    if (points < batchSize) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--points must be >= --batch-size (" + batchSize + "), was " + points);
    }
    if (rounds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be >= 1, was " + rounds);
    }
    if (url == null && InfluxdProcess.binary().isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "no influxd on PATH: install it (apt-get install influxdb) or give --url of a running InfluxDB 1.x");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (InfluxdProcess local = url == null ? InfluxdProcess.start() : null;
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String influx = url != null ? url : local.url();
      List<StepStats> records = records();
      List<Point> sample = new ArrayList<>();
      records.forEach(s -> sample.add(Measurements.step(MergedStep.of(s))));
      produce(broker.bootstrapServers(), records);
      double[] raw = new double[rounds];
      double[] sink = new double[rounds];
      raw(influx, sample); // warm-up both sides
      sink(influx, broker.bootstrapServers());
      for (int r = 0; r < rounds; r++) {
        raw[r] = raw(influx, sample);
        sink[r] = sink(influx, broker.bootstrapServers());
      }
      out.printf("InfluxDB writes of %d step points per side per round, batches of %d, %d rounds (influxd at %s)%n",
          points, batchSize, rounds, influx);
      out.printf("  raw influxdb-java batch writes: %9.0f points/s (mean; rounds %s)%n", mean(raw), join(raw));
      out.printf("  sink (Kafka -> InfluxDB):       %9.0f points/s (mean; rounds %s)%n", mean(sink), join(sink));
      out.println(BenchFigure.atLeast("influx write ratio sink/raw", mean(sink) / mean(raw), 0.8).line());
      out.flush();
    }
    return 0;
  }

  private double raw(String influx, List<Point> sample) {
    try (InfluxWriter writer = new InfluxWriter(influx, "bench_raw_" + UUID.randomUUID().toString().substring(0, 8), null, null)) {
      writer.write(sample.subList(0, 1)); // creates the database outside the timing
      long t0 = System.nanoTime();
      for (int i = 0; i < sample.size(); i += batchSize) {
        writer.write(sample.subList(i, Math.min(sample.size(), i + batchSize)));
      }
      return sample.size() / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private double sink(String influx, String bootstrap) throws InterruptedException {
    String db = "bench_sink_" + UUID.randomUUID().toString().substring(0, 8);
    InfluxSinkConfig config = InfluxSinkConfig.of(influx, db).withBatchSize(batchSize).withFlushInterval(Duration.ofMillis(100));
    long t0 = System.nanoTime();
    long first = 0;
    try (InfluxSink sink = InfluxSink.start(config, new InfluxWriter(influx, db, null, null), bootstrap,
        "bench-" + UUID.randomUUID(), Clock.systemUTC())) {
      long deadline = t0 + Duration.ofMinutes(5).toNanos();
      while (sink.stats().written() < points) {
        if (first == 0 && sink.stats().read() > 0) {
          first = System.nanoTime();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the sink wrote " + sink.stats().written() + " of " + points + " points in 5 minutes");
        }
        Thread.sleep(2);
      }
      return points / ((System.nanoTime() - first) / 1e9);
    }
  }

  /** One single-rank step per point, spread over 100 runs, one second apart per run. */
  private List<StepStats> records() {
    List<StepStats> out = new ArrayList<>(points);
    Covariance cov = new Covariance(1000, 500, 2000, List.of(new Covariance.TopGroup(0.0002, 1, 5), new Covariance.TopGroup(0.2, 200, 300),
        new Covariance.TopGroup(1.0, 1000, 500)));
    for (int i = 0; i < points; i++) {
      String run = "bench-run-" + (i % 100);
      long step = i / 100;
      out.add(new StepStats(SchemaVersion.CURRENT, run, "gpu-0", 0, 1, step, 1_764_000_000_000L + step * 1000, "grpo",
          Map.of("klCoef", 1.0), 1000, 400 + (i % 7), 16, 4, 4, 3200, 3, 2, 0, 0, 1, 1000, cov, 10, 1.5, 900, -0.01, -0.012));
    }
    return out;
  }

  private static void produce(String bootstrap, List<StepStats> records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      for (StepStats s : records) {
        producer.send(new ProducerRecord<>(Topics.STEP_STATS, s.runId(), WireSerde.stepStats().serialize(Topics.STEP_STATS, s)));
      }
      producer.flush();
    }
  }

  private static double mean(double[] v) {
    return java.util.Arrays.stream(v).average().orElse(Double.NaN);
  }

  /** Per-round rates for the report, e.g. "1443, 1960, 2233". */
  private static String join(double[] v) {
    return java.util.Arrays.stream(v).mapToObj(x -> String.format("%.0f", x)).collect(java.util.stream.Collectors.joining(", "));
  }

}
