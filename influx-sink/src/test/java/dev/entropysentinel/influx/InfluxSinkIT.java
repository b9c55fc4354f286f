package dev.entropysentinel.influx;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import dev.entropysentinel.schemas.WireJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;
import java.util.stream.Collectors;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The sink against a real Kafka broker and a real influxd: every record kind lands as the
 * dashboards expect, nothing is lost while influxd is down (the outage lasts
 * {@code -Dsentinel.it.influxOutageMs}, 3 s by default), and a replay writes the same points.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfluxSinkIT {
  static final String DB = "sentinel_it";
  private static final Duration OUTAGE = Duration.ofMillis(Long.getLong("sentinel.it.influxOutageMs", 3000));
  private static EmbeddedKafkaBroker broker;
  private static InfluxdProcess influxd;
  private static KafkaProducer<String, byte[]> producer;
  private static InfluxWriter queries;
  private static InfluxSink sink;

  @BeforeAll
  static void start() throws Exception {
    if (InfluxdProcess.binary().isEmpty()) {
      String why = "influxd is not on PATH: apt-get install influxdb (./run-tests does)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    influxd = InfluxdProcess.start();
    broker = EmbeddedKafkaBroker.start();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
    queries = new InfluxWriter(influxd.url(), DB, null, null);
    sink = startSink("it-sink");
    send(TestTelemetry.run("run-a", 30, 1, true));
    send(TestTelemetry.run("run-b", 20, 2, true));
    producer.send(new ProducerRecord<>(Topics.STEP_STATS, "run-a", "{\"schemaVersion\":\"1.0\"}".getBytes(StandardCharsets.UTF_8))).get();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {sink, producer, queries, broker, influxd}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("close failed: " + e);
      }
    }
  }

  static InfluxSink startSink(String group) {
    InfluxSinkConfig config = InfluxSinkConfig.of(influxd.url(), DB).withBatchSize(100).withFlushInterval(Duration.ofMillis(100))
        .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500));
    return InfluxSink.start(config, new InfluxWriter(influxd.url(), DB, null, null), broker.bootstrapServers(), group, Clock.systemUTC());
  }

  @Test
  @Order(1)
  void everyRecordKindLandsWithRanksMergedAndTheDatabaseCreated() {
    await().atMost(ofSeconds(30)).untilAsserted(() -> assertThat(counts()).isEqualTo(Map.of(
        "run", 2L, "step", 50L, "forecast", 50L, "eval", 10L, "alert", 4L, "decision", 2L)));
    // run-b has two ranks: entropy is the token-weighted mean over both
    List<Object> row = single("SELECT \"entropy\", \"ranks\", \"covTop_0_02\", \"host\" FROM \"step\" WHERE \"run\" = 'run-b' AND \"step\" = 3");
    double h = TestTelemetry.entropy(3);
    assertThat((Double) row.get(1)).isCloseTo((h * 1000 + (h + 0.01) * 1100) / 2100, within(1e-12));
    assertThat(row.get(2)).isEqualTo(2.0);
    assertThat(row.get(3)).isEqualTo(5.5);
    assertThat(row.get(4)).isEqualTo("gpu-0");
    assertThat(sink.stats().unreadable()).isEqualTo(1);
    List<Object> alert = single("SELECT \"summary\", \"status\" FROM \"alert\" WHERE \"run\" = 'run-a' AND \"status\" = 'RESOLVED'");
    assertThat(alert.get(1)).isEqualTo("entropy recovered");
  }

  /**
   * Runs every InfluxQL query of the provisioned dashboards (panels, annotations, variables) with
   * Grafana's macros filled in, and checks each returns series in which every selected column
   * has values, and that per-run groupings show every run that has such data.
   */
  @Test
  @Order(2)
  void everyDashboardQueryReturnsTheSeriesItsPanelShows() throws Exception {
    List<Path> dashboards;
    try (var files = Files.list(Path.of("..", "docker", "grafana", "dashboards"))) {
      dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(dashboards).hasSize(2);
    int checked = 0;
    for (Path file : dashboards) {
      JsonNode root = WireJson.mapper().readTree(file.toFile());
      List<String> queries = new ArrayList<>();
      root.get("panels").forEach(panel -> panel.get("targets").forEach(t -> queries.add(t.get("query").asText())));
      root.get("annotations").get("list").forEach(a -> {
        if (a.has("query")) {
          queries.add(a.get("query").asText());
        }
      });
      root.get("templating").get("list").forEach(v -> queries.add(v.get("query").asText()));
      for (String raw : queries) {
        String q = raw.replace("$timeFilter", "time >= " + (TestTelemetry.T0 - 60_000) + "ms AND time <= " + (TestTelemetry.T0 + 3_600_000) + "ms")
            .replace("$__interval", "10s").replace("$run", "run-b");
        List<QueryResult.Series> series = query(q).getResults().get(0).getSeries();
        assertThat(series).as(file.getFileName() + ": " + q).isNotNull().isNotEmpty();
        if (q.startsWith("SHOW TAG VALUES")) {
          assertThat(series.get(0).getValues()).as(q).extracting(row -> row.get(1)).contains("run-a", "run-b");
          checked++;
          continue;
        }
        List<String> columns = series.get(0).getColumns();
        for (int c = 1; c < columns.size(); c++) {
          int col = c;
          boolean hasValue = series.stream().flatMap(s -> s.getValues().stream()).anyMatch(row -> row.get(col) != null);
          assertThat(hasValue).as(file.getFileName() + ": column " + columns.get(c) + " of " + q).isTrue();
        }
        if (q.contains("GROUP BY") && q.contains("\"run\"") && !q.contains("=~")) {
          Set<String> runs = series.stream().map(s -> s.getTags().get("run")).collect(Collectors.toSet());
          assertThat(runs).as(q).isEqualTo(Set.of("run-a", "run-b"));
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(20);
  }

  @Tag("fault")
  @Test
  @Order(3)
  void noPointIsLostWhileInfluxdIsDown() throws Exception {
    await().atMost(ofSeconds(30)).until(() -> counts().get("step") == 50L);
    influxd.stop();
    try {
      send(TestTelemetry.run("run-c", 40, 1, false));
      await().atMost(ofSeconds(10)).until(() -> sink.stats().failedWrites() > 0);
      Thread.sleep(OUTAGE.toMillis()); // the outage itself: influxd stays down this long
      assertThat(sink.stats().buffered()).isEqualTo(1 + 40 + 40 + 8);
    } finally {
      influxd.resume();
    }
    await().atMost(ofSeconds(30)).untilAsserted(() -> assertThat(counts()).containsEntry("step", 90L)
        .containsEntry("forecast", 90L).containsEntry("eval", 18L));
    await().atMost(ofSeconds(5)).until(() -> sink.stats().buffered() == 0);
  }

  @Test
  @Order(4)
  void aReplayOfTheSameRecordsWritesTheSamePoints() throws Exception {
    await().atMost(ofSeconds(30)).until(() -> counts().get("step") == 90L);
    Map<String, Long> before = counts();
    try (InfluxSink replay = startSink("it-replay")) {
      long total = 3 + 30 + 30 + 6 + 3 + 40 + 20 + 4 + 3 + 40 + 40 + 8 + 1;
      await().atMost(ofSeconds(30)).until(() -> replay.stats().read() == total && replay.stats().buffered() == 0);
    }
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  @Order(5)
  void batchesWrittenWhileEarlierOnesFailAreWrittenAgainInOrderAndNoneIsLost() throws Exception {
    String db = "sentinel_it_flaky";
    InfluxSinkConfig config = InfluxSinkConfig.of(influxd.url(), db).withBatchSize(10).withFlushInterval(Duration.ofMillis(100))
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(50));
    FailingEveryThirdWrite writer = new FailingEveryThirdWrite(new InfluxWriter(influxd.url(), db, null, null));
    Map<String, Long> expected = counts();
    long points = expected.values().stream().mapToLong(Long::longValue).sum();
    try (InfluxSink flaky = InfluxSink.start(config, writer, broker.bootstrapServers(), "it-flaky", Clock.systemUTC())) {
      await().atMost(ofSeconds(60)).until(() -> flaky.stats().written() >= points && flaky.stats().buffered() == 0);
      assertThat(flaky.stats().written()).as("each point counted once, when its batch is finally written").isEqualTo(points);
      assertThat(flaky.stats().failedWrites()).isGreaterThan(5);
    }
    assertThat(counts(db)).isEqualTo(expected);
  }

  /** The real writer, except that every third request fails before reaching influxd. */
  private record FailingEveryThirdWrite(InfluxWriter delegate, java.util.concurrent.atomic.AtomicInteger calls) implements PointWriter {
    FailingEveryThirdWrite(InfluxWriter delegate) {
      this(delegate, new java.util.concurrent.atomic.AtomicInteger());
    }

    @Override
    public String encode(List<org.influxdb.dto.Point> points) {
      return delegate.encode(points);
    }

    @Override
    public void write(String encoded) {
      if (calls.incrementAndGet() % 3 == 0) {
        throw new IllegalStateException("injected failure");
      }
      delegate.write(encoded);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  static Map<String, Long> counts() {
    return counts(DB);
  }

  static Map<String, Long> counts(String db) {
    Map<String, Long> out = new TreeMap<>();
    for (String m : List.of("run", "step", "forecast", "eval", "alert", "decision")) {
      QueryResult r = query("SELECT count(\"step\") FROM \"" + m + "\"", db);
      List<QueryResult.Series> series = r.getResults().get(0).getSeries();
      out.put(m, series == null ? 0L : ((Double) series.get(0).getValues().get(0).get(1)).longValue());
    }
    return out;
  }

  static QueryResult query(String influxQl) {
    return query(influxQl, DB);
  }

  static QueryResult query(String influxQl, String db) {
    InfluxDB client = queries.client();
    QueryResult r = client.query(new Query(influxQl, db));
    if (r.hasError() || r.getResults().get(0).hasError()) {
      throw new AssertionError(influxQl + ": " + (r.hasError() ? r.getError() : r.getResults().get(0).getError()));
    }
    return r;
  }

  private static List<Object> single(String influxQl) {
    List<QueryResult.Series> series = query(influxQl).getResults().get(0).getSeries();
    assertThat(series).as(influxQl).hasSize(1);
    assertThat(series.get(0).getValues()).as(influxQl).hasSize(1);
    return series.get(0).getValues().get(0);
  }

  private static void send(List<ProducerRecord<String, byte[]>> records) throws Exception {
    for (ProducerRecord<String, byte[]> r : records) {
      producer.send(r);
    }
    producer.flush();
  }
}
