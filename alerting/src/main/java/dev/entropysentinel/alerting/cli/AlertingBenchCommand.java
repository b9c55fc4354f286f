package dev.entropysentinel.alerting.cli;

import dev.entropysentinel.schemas.BenchFigure;
import com.sun.net.httpserver.HttpServer;
import dev.entropysentinel.alerting.AlertingConfig;
import dev.entropysentinel.alerting.AlertingService;
import dev.entropysentinel.alerting.DeliveryPolicy;
import dev.entropysentinel.alerting.ReceiverConfig;
import dev.entropysentinel.alerting.WebhookSecret;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel bench alerting}: shows that a slow receiver does not slow the others. The same
 * alerts go through the real service on the embedded broker twice per round, to a healthy signed
 * webhook alone, then to it next to one that answers in 2 s; the healthy receiver's delivery rate
 * with the slow one present over its rate alone is the figure (goal ≥ 0.9).
 */
@Command(name = "alerting", mixinStandardHelpOptions = true,
    description = "Alert delivery rate of a healthy receiver alone vs next to one answering in 2 s (goal ratio >= 0.9).")
public final class AlertingBenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--alerts", defaultValue = "2000", description = "distinct alerts per pass (default ${DEFAULT-VALUE})")
  int alerts;

  @Option(names = "--rounds", defaultValue = "3", description = "rounds of (alone, with the slow receiver) (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--slow-ms", defaultValue = "2000", description = "how long the slow receiver takes to answer (default ${DEFAULT-VALUE})")
  int slowMs;

  @Override
  public Integer call() throws Exception {
    if (alerts < 10) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--alerts must be >= 10, was " + alerts);
    }
    if (rounds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be >= 1, was " + rounds);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Receiver healthy = new Receiver(0);
        Receiver slow = new Receiver(slowMs)) {
      produce(broker.bootstrapServers());
      WebhookSecret secret = WebhookSecret.random();
      DeliveryPolicy policy = DeliveryPolicy.ofDefaults().withTimeout(Duration.ofMillis(slowMs + 3000L))
          .withQueueCapacity(Math.max(alerts, 1));
      ReceiverConfig healthyConfig = new ReceiverConfig("healthy", ReceiverConfig.Kind.WEBHOOK, healthy.url(), secret, policy);
      ReceiverConfig slowConfig = new ReceiverConfig("slow", ReceiverConfig.Kind.WEBHOOK, slow.url(), secret, policy);
      double[] alone = new double[rounds];
      double[] beside = new double[rounds];
      long slowStarted = 0;
      pass(broker, List.of(healthyConfig), healthy); // warm-up: JIT, HTTP client, group coordinator
      for (int r = 0; r < rounds; r++) {
        alone[r] = pass(broker, List.of(healthyConfig), healthy);
        long before = slow.arrived.get();
        beside[r] = pass(broker, List.of(slowConfig, healthyConfig), healthy);
        slowStarted += slow.arrived.get() - before;
      }
      double meanAlone = mean(alone);
      double meanBeside = mean(beside);
      out.printf("alert delivery to a healthy signed webhook, %d alerts per pass, %d rounds (real service, embedded Kafka)%n", alerts, rounds);
      out.printf("  alone:                        %8.0f alerts/s (mean; rounds %s)%n", meanAlone, rates(alone));
      out.printf("  next to a %5d ms receiver:   %8.0f alerts/s (mean; rounds %s)%n", slowMs, meanBeside, rates(beside));
      out.printf("  meanwhile the slow receiver started %d deliveries in total (one at a time, %d ms each; the rest waited in its queue)%n",
          slowStarted, slowMs);
      out.println(BenchFigure.atLeast("alert delivery ratio with a slow receiver/alone", meanBeside / meanAlone, 0.9).line());
      out.flush();
    }
    return 0;
  }

  /** One pass over all alerts with a fresh consumer group; the healthy receiver's rate from its first to its last alert. */
  private double pass(EmbeddedKafkaBroker broker, List<ReceiverConfig> receivers, Receiver healthy) throws InterruptedException {
    AlertingConfig config = new AlertingConfig(receivers, "http://localhost:3000/d/sentinel-run/sentinel-run?var-run={run}");
    healthy.reset();
    try (AlertingService service = AlertingService.start(config, broker.bootstrapServers(), "bench-" + UUID.randomUUID(),
        Clock.systemUTC())) {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (healthy.count.get() < alerts) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the healthy receiver got " + healthy.count.get() + " of " + alerts + " alerts in 2 minutes");
        }
        Thread.sleep(5);
      }
      return (alerts - 1) / ((healthy.last.get() - healthy.first.get()) / 1e9);
    }
  }

  private void produce(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < alerts; i++) {
        String run = "bench-run-" + i;
        Alert alert = new Alert(SchemaVersion.CURRENT, run + "/ENTROPY_COLLAPSE", run, Alert.Type.ENTROPY_COLLAPSE,
            Alert.Severity.CRITICAL, Alert.Status.FIRING, 100, 1_764_000_000_000L + i, null, "entropy collapsed",
            Map.of("entropy", 0.05, "ceiling", 0.6));
        producer.send(new ProducerRecord<>(Topics.ALERTS, run, WireSerde.alerts().serialize(Topics.ALERTS, alert)));
      }
      producer.flush();
    }
  }

  private static double mean(double[] v) {
    return java.util.Arrays.stream(v).average().orElse(Double.NaN);
  }

  /** Per-round rates for the report, e.g. "1443, 1960, 2233". */
  private static String rates(double[] v) {
    return java.util.Arrays.stream(v).mapToObj(x -> String.format("%.0f", x)).collect(java.util.stream.Collectors.joining(", "));
  }


  /** A webhook on 127.0.0.1 that answers 204 after {@code delayMs} and counts what it took. */
  private static final class Receiver implements AutoCloseable {
    final AtomicLong count = new AtomicLong();
    final AtomicLong arrived = new AtomicLong();
    final AtomicLong first = new AtomicLong();
    final AtomicLong last = new AtomicLong();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    Receiver(int delayMs) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      server.setExecutor(executor);
      server.createContext("/", exchange -> {
        exchange.getRequestBody().readAllBytes();
        arrived.incrementAndGet();
        if (delayMs > 0) {
          try {
            Thread.sleep(delayMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        long now = System.nanoTime();
        if (count.incrementAndGet() == 1) {
          first.set(now);
        }
        last.set(now);
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      });
      server.start();
    }

    void reset() {
      count.set(0);
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
