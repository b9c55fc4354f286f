package dev.entropysentinel.processor;

import static dev.entropysentinel.processor.TestRecords.collapsing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.DeadLetter;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.schemas.WireSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processor instances on a real broker: decisions, queries across instances, dead letters under fuzzing. */
class ProcessorIT {
  static final CommandSigner SIGNER = new CommandSigner("it-control-key-of-32-bytes-long!".getBytes(StandardCharsets.UTF_8));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static EmbeddedKafkaBroker broker;
  static ProcessorApp first;
  static ProcessorApp second;
  static KafkaProducer<String, byte[]> producer;
  static TopicTail<ControlCommand> control;
  static TopicTail<Forecast> forecasts;
  static TopicTail<DeadLetter> dlq;

  static ProcessorConfig config(String bootstrap, Path stateDir, ProcessorSettings settings) {
    return new ProcessorConfig(bootstrap, "sentinel-it", stateDir, "127.0.0.1", 0, 2, Duration.ofMillis(50), 3, settings);
  }

  static ProcessorSettings intervening(double collapseFraction) {
    ProcessorSettings defaults = ProcessorSettings.ofDefaults(SIGNER);
    return defaults.withPolicy(Policy.INTERVENE).withMonitor(defaults.monitor().withCollapseFraction(collapseFraction));
  }

  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.start();
    first = ProcessorApp.start(config(broker.bootstrapServers(), dir.resolve("first"), intervening(0.6)));
    second = ProcessorApp.start(config(broker.bootstrapServers(), dir.resolve("second"), intervening(0.6)));
    await().atMost(Duration.ofSeconds(60)).until(() -> first.streams().state() == KafkaStreams.State.RUNNING
        && second.streams().state() == KafkaStreams.State.RUNNING);
    producer = producer(broker.bootstrapServers());
    control = new TopicTail<>(broker.bootstrapServers(), Topics.CONTROL, WireSerde.control());
    forecasts = new TopicTail<>(broker.bootstrapServers(), Topics.FORECASTS, WireSerde.forecasts());
    dlq = new TopicTail<>(broker.bootstrapServers(), Topics.DLQ, WireSerde.deadLetters());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (AutoCloseable c : new AutoCloseable[] {control, forecasts, dlq}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
    if (producer != null) {
      producer.close();
    }
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  static void send(String topic, String key, Object record) {
    producer.send(new ProducerRecord<>(topic, key, WireJson.write(record)));
  }

  /** A 2-rank run collapsing over {@code steps} steps, planned for {@code steps}, validation every 10. */
  static void collapsingRun(String run, int steps) {
    send(Topics.RUNS, run, TestRecords.run(run, steps, 2));
    for (int s = 0; s < steps; s++) {
      send(Topics.STEP_STATS, run, TestRecords.step(run, 0, 2, s, collapsing(s), 200));
      send(Topics.STEP_STATS, run, TestRecords.step(run, 1, 2, s, collapsing(s), 200));
      if (s % 10 == 0) {
        send(Topics.EVALS, run, TestRecords.eval(run, s, 0.3 + 0.3 * (1 - collapsing(s) / 1.2)));
      }
    }
    producer.flush();
  }

  static JsonNode get(ProcessorApp app, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static String text(ProcessorApp app, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void collapsingRunsGetOneSignedInterveneEachAndEveryInstanceAnswersForEveryRun() throws Exception {
    List<String> runs = List.of("it-a", "it-b", "it-c", "it-d", "it-e", "it-f");
    for (String run : runs) {
      collapsingRun(run, 60);
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(control.values().stream().map(ControlCommand::runId).filter(runs::contains).distinct()).hasSize(6));
    for (String run : runs) {
      List<ControlCommand> commands = control.valuesFor(run);
      assertThat(commands).as(run).singleElement().satisfies(c -> {
        assertThat(c.action()).isEqualTo(ControlAction.INTERVENE);
        assertThat(c.seq()).isEqualTo(1);
        assertThat(c.dryRun()).isFalse();
        assertThat(c.parameters()).containsEntry("method", "kl-cov");
        assertThat(SIGNER.verify(c)).isTrue();
      });
    }
    Set<String> owners = new HashSet<>();
    for (String run : runs) {
      owners.add(first.streams().queryMetadataForKey(SentinelTopology.RUN_STATE_STORE, run, Serdes.String().serializer())
          .activeHost().toString());
    }
    assertThat(owners).as("runs spread over both instances").hasSize(2);
    for (ProcessorApp app : List.of(first, second)) {
      JsonNode all = get(app, "/runs");
      List<String> listed = new ArrayList<>();
      all.forEach(n -> listed.add(n.get("runId").asText()));
      assertThat(listed).containsAll(runs);
      for (String run : runs) {
        JsonNode detail = get(app, "/runs/" + run);
        assertThat(detail.get("runId").asText()).isEqualTo(run);
        assertThat(detail.get("lastStep").get("step").asLong()).isEqualTo(59);
        assertThat(detail.get("lastStep").get("ranks")).hasSize(2);
        assertThat(detail.get("fit").get("points").asLong()).isGreaterThanOrEqualTo(3);
        JsonNode f = detail.get("forecast");
        assertThat(f.get("predictedFinal").isNumber()).as(detail.toString()).isTrue();
        assertThat(f.get("predictedLo").asDouble()).isLessThanOrEqualTo(f.get("predictedHi").asDouble());
        assertThat(f.get("finalStep").asLong()).isEqualTo(60);
        assertThat(detail.get("decisions").get(0).get("seq").asLong()).isEqualTo(1);
      }
      assertThat(get(app, "/health").get("status").asText()).isEqualTo("UP");
      assertThat(text(app, "/metrics")).contains("kafka_stream");
    }
    HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + first.httpPort() + "/runs/no-such-run")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Tag("fault")
  @Test
  void tenThousandFuzzedRecordsReachTheDeadLetterTopicWithReasonsWhileAGoodRunKeepsForecasting() {
    Random random = new Random(42);
    String good = "it-good";
    send(Topics.RUNS, good, TestRecords.run(good, 400, 1));
    byte[] valid = WireJson.write(TestRecords.step(good, 0, 1, 1, 0.9, 100));
    String validJson = new String(valid, StandardCharsets.UTF_8);
    int fuzzed = 10_000;
    int goodStep = 0;
    for (int i = 0; i < fuzzed; i++) {
      producer.send(new ProducerRecord<>(Topics.STEP_STATS, good, fuzz(i, validJson, random)));
      if (i % 50 == 0) {
        StepStats s = TestRecords.step(good, 0, 1, goodStep, collapsing(goodStep / 4), 100);
        send(Topics.STEP_STATS, good, s);
        if (goodStep % 5 == 0) {
          send(Topics.EVALS, good, TestRecords.eval(good, goodStep, 0.2 + 0.002 * goodStep));
        }
        goodStep++;
      }
    }
    producer.flush();
    await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
        assertThat(dlq.values().stream().filter(d -> d.sourceTopic().equals(Topics.STEP_STATS))).hasSize(fuzzed));
    assertThat(dlq.values()).allSatisfy(d -> assertThat(d.reason()).matches("(?s)^[$A-Za-z][^:]*: .+"));
    assertThat(dlq.values().stream().map(d -> d.reason().split(":")[0]).distinct())
        .contains("$", "schemaVersion", "step", "entropySum", "runId");
    int lastGood = goodStep - 1;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<Forecast> mine = forecasts.valuesFor(good);
      assertThat(mine.size()).isGreaterThanOrEqualTo(lastGood / 5 - 2);
      assertThat(mine.get(mine.size() - 1).step()).isGreaterThanOrEqualTo(lastGood - 5);
    });
  }

  /** One bad record of ten kinds: bad JSON, another major, NaN, negative step, 1 MB string, wrong types, ... */
  static byte[] fuzz(int i, String validJson, Random random) {
    String s = switch (i % 8) {
      case 0 -> "{\"schemaVersion\": \"1.0\", \"runId\": ";
      case 1 -> validJson.replace("\"schemaVersion\":\"" + SchemaVersion.CURRENT + "\"", "\"schemaVersion\":\"2.0\"");
      case 2 -> validJson.replaceFirst("\"entropySum\":[^,]+", "\"entropySum\":NaN");
      case 3 -> validJson.replaceFirst("\"step\":[0-9]+", "\"step\":-" + (1 + random.nextInt(1000)));
      case 4 -> i % 1000 == 4
          ? validJson.replaceFirst("\"runId\":\"[^\"]+\"", "\"runId\":\"" + "x".repeat(1_000_000) + "\"")
          : validJson.replaceFirst("\"runId\":\"[^\"]+\"", "\"runId\":\"" + "y".repeat(300) + "\"");
      case 5 -> validJson.replaceFirst("\"step\":[0-9]+", "\"step\":\"twelve\"");
      case 6 -> validJson.replaceFirst("\"entropySum\":[^,]+", "\"entropySum\":-1.5");
      default -> {
        byte[] noise = new byte[1 + random.nextInt(64)];
        random.nextBytes(noise);
        yield new String(noise, StandardCharsets.ISO_8859_1);
      }
    };
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
