package dev.entropysentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.processor.Policy;
import dev.entropysentinel.processor.ProcessorApp;
import dev.entropysentinel.processor.ProcessorConfig;
import dev.entropysentinel.processor.ProcessorSettings;
import dev.entropysentinel.schemas.CommandSigner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole loop on a real broker: a 2-rank GRPO run of the built-in trainer, sending to Kafka; the
 * processor merges its ranks, detects the collapse a near-1 threshold makes certain and sends a
 * signed INTERVENE; the trainer applies it at the next step boundary (its records switch method)
 * and acknowledges it; the processor's merged entropy equals the trainer's own.
 */
class LivePipelineIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aCollapsingTwoRankRunIsToldToInterveneAndSwitchesMethod() throws Exception {
    Path key = dir.resolve("control.key");
    Files.writeString(key, "live-pipeline-test-key-32-bytes!\n");
    Path out = dir.resolve("run.jsonl");
    MonitorConfig d = MonitorConfig.ofDefaults();
    MonitorConfig certainCollapse = new MonitorConfig(2, 0.999, d.explosionFactor(), d.sustainSteps(), d.hysteresis(),
        d.fitTolerance(), d.maxForgone(), d.drift(), d.minStopSaving(), 1.0, d.targetScore(), d.silenceTimeout(), d.interventionChanges(), false);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        ProcessorApp processor = ProcessorApp.start(new ProcessorConfig(broker.bootstrapServers(), "live-it",
            dir.resolve("state"), "127.0.0.1", 0, 1, Duration.ofMillis(50), 3,
            ProcessorSettings.ofDefaults(CommandSigner.fromFile(key)).withMonitor(certainCollapse)
                .withPolicy(Policy.INTERVENE)))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> processor.streams().state() == KafkaStreams.State.RUNNING);
      StringWriter err = new StringWriter();
      CommandLine cli = Sentinel.commandLine();
      cli.setErr(new PrintWriter(err, true));
      int exit = cli.execute("train", "--bootstrap", broker.bootstrapServers(), "--run-id", "live", "--ranks", "2",
          "--steps", "24", "--secret-file", key.toString(), "--out", out.toString(), "--spool-dir",
          dir.resolve("spool").toString(), "--model-dim", "16", "--heads", "2", "--layers", "1", "--prompts", "4",
          "--group-size", "4", "--warm-start-steps", "3", "--warm-start-batch", "8", "--eval-size", "8", "--pass-k", "2",
          "--eval-every", "4", "--threads", "1");
      assertThat(exit).as(err.toString()).isZero();

      Map<Long, List<JsonNode>> steps = new TreeMap<>();
      for (String line : Files.readAllLines(out)) {
        JsonNode n = JSON.readTree(line);
        if (n.get("type").asText().equals("step-stats")) {
          steps.computeIfAbsent(n.get("record").get("step").asLong(), s -> new ArrayList<>()).add(n.get("record"));
        }
      }
      assertThat(steps.get(0L)).extracting(r -> r.get("method").asText()).containsOnly("grpo");
      long switched = steps.entrySet().stream().filter(e -> e.getValue().get(0).get("method").asText().equals("kl-cov"))
          .mapToLong(Map.Entry::getKey).min().orElseThrow(() -> new AssertionError("no step switched to kl-cov: " + err));
      assertThat(steps.get(switched)).allSatisfy(r -> assertThat(r.get("methodParams").has("klCovRatio")).isTrue());

      JsonNode run = await().atMost(Duration.ofSeconds(60)).until(() -> get(processor, "/runs/live"),
          r -> r != null && r.path("lastStep").path("step").asLong() == 23
              && r.path("decisions").path(0).path("ack").asText().equals("APPLIED"));
      JsonNode decision = run.get("decisions").get(0);
      assertThat(decision.get("action").asText()).isEqualTo("INTERVENE");
      assertThat(decision.get("seq").asLong()).isEqualTo(1);
      assertThat(decision.get("step").asLong()).isLessThan(switched);
      assertThat(err.toString()).contains("applied INTERVENE seq=1");

      List<JsonNode> last = steps.get(23L);
      double ownEntropy = last.stream().mapToDouble(r -> r.get("entropySum").asDouble()).sum()
          / last.stream().mapToDouble(r -> r.get("tokenCount").asDouble()).sum();
      JsonNode merged = run.get("lastStep");
      assertThat(merged.get("ranks")).hasSize(2);
      assertThat(merged.get("entropySum").asDouble() / merged.get("tokenCount").asDouble()).isEqualTo(ownEntropy);
    }
  }

  private static JsonNode get(ProcessorApp app, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
  }
}
