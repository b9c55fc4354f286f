package dev.entropysentinel.processor;

import static dev.entropysentinel.processor.TestRecords.collapsing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.schemas.WireSerde;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor in its own JVM killed with SIGKILL mid-run (no close, an open transaction) and
 * restarted on an empty state directory, so its state must come back from the changelog: nothing
 * lost, no decision sent twice.
 */
class ProcessorCrashIT {
  private static final Pattern READY = Pattern.compile("processor ready: http://127\\.0\\.0\\.1:(\\d+)/runs");
  private static final String RUN = "crash-run";

  @TempDir Path dir;

  private Process start(String bootstrap, Path key, Path stateDir, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
        ProcessorMain.class.getName(), "--bootstrap", bootstrap, "--http-port", "0", "--policy", "intervene",
        "--collapse-fraction", "0.6", "--secret-file", key.toString(), "--state-dir", stateDir.toString(),
        "--application-id", "crash-it", "--commit-interval-ms", "50", "--threads", "1");
    pb.redirectError(log.toFile());
    return pb.start();
  }

  /** Child logs kept under target/ for a failing run to be read. */
  private static Path logs() throws IOException {
    return Files.createDirectories(Path.of("target", "crash-it"));
  }

  private static int awaitReady(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          Matcher m = READY.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
        throw new IllegalStateException("the processor exited before it was ready");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    return port.get(60, TimeUnit.SECONDS);
  }

  private static void steps(KafkaProducer<String, byte[]> producer, int from, int to) {
    for (int s = from; s < to; s++) {
      for (int rank = 0; rank < 2; rank++) {
        producer.send(new ProducerRecord<>(Topics.STEP_STATS, RUN,
            WireJson.write(TestRecords.step(RUN, rank, 2, s, collapsing(s), 200))));
      }
      if (s % 10 == 0) {
        producer.send(new ProducerRecord<>(Topics.EVALS, RUN,
            WireJson.write(TestRecords.eval(RUN, s, 0.3 + 0.3 * (1 - collapsing(s) / 1.2)))));
      }
    }
    producer.flush();
  }

  private static JsonNode run(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/runs/" + RUN)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? new ObjectMapper().readTree(r.body()) : null;
  }

  @Tag("fault")
  @Test
  void aProcessorKilledMidRunRestoresItsStateAndSendsNoDecisionTwice() throws Exception {
    Path key = dir.resolve("control.key");
    Files.writeString(key, "crash-test-control-key-32-bytes!");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        KafkaProducer<String, byte[]> producer = ProcessorIT.producer(broker.bootstrapServers());
        TopicTail<ControlCommand> control = new TopicTail<>(broker.bootstrapServers(), Topics.CONTROL, WireSerde.control());
        TopicTail<Alert> alerts = new TopicTail<>(broker.bootstrapServers(), Topics.ALERTS, WireSerde.alerts())) {
      Process first = start(broker.bootstrapServers(), key, dir.resolve("state-1"), logs().resolve("first.log"));
      Process second = null;
      try {
        int port = awaitReady(first);
        producer.send(new ProducerRecord<>(Topics.RUNS, RUN, WireJson.write(TestRecords.run(RUN, 60, 2))));
        steps(producer, 0, 25);
        await().atMost(Duration.ofSeconds(60)).until(() -> !control.valuesFor(RUN).isEmpty());
        steps(producer, 25, 35);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        steps(producer, 35, 60);

        second = start(broker.bootstrapServers(), key, dir.resolve("state-2"), logs().resolve("second.log"));
        int restarted = awaitReady(second);
        // The killed member leaves the group only at its session timeout (45 s) and its open transaction is aborted at
        // the transaction timeout: the restart waits for both, then restores the state from the changelog.
        JsonNode state = await().atMost(Duration.ofSeconds(180)).until(() -> run(restarted),
            s -> s != null && s.path("lastStep").path("step").asLong() == 59);
        assertThat(state.path("decisions")).hasSize(1);
        assertThat(state.path("decisions").get(0).path("seq").asLong()).isEqualTo(1);
        assertThat(state.path("counters").path("commandsSent").asLong()).isEqualTo(1);
        assertThat(state.path("entropy").size()).isGreaterThan(20);
        assertThat(state.path("lastStep").path("ranks")).hasSize(2);
        List<ControlCommand> sent = control.valuesFor(RUN);
        assertThat(sent).as("one decision, sent once").hasSize(1);
        assertThat(sent.get(0).seq()).isEqualTo(1);
        assertThat(alerts.valuesFor(RUN).stream().filter(a -> a.type() == Alert.Type.ENTROPY_COLLAPSE
            && a.status() == Alert.Status.FIRING)).hasSize(1);
        assertThat(port).isPositive();
      } finally {
        first.destroyForcibly();
        if (second != null) {
          second.destroy();
          second.waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }
}
