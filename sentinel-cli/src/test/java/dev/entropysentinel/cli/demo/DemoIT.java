package dev.entropysentinel.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.cli.Sentinel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sentinel demo --quick} as a user runs it: real broker, processor, alerting and trainer
 * agents in their own processes. The GRPO run's collapse is detected, alerted through the signed
 * webhook and answered with a command the agent applies; every topic is recorded.
 */
class DemoIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theQuickDemoDetectsTheGrpoCollapseActsOnItAndRecordsEverything() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Sentinel.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    Path report = dir.resolve("report");
    int exit = cli.execute("demo", "--quick", "--http-port", "0", "--out", report.toString(), "--refresh-s", "2");
    assertThat(exit).as(out + "\n" + err).isZero();

    List<JsonNode> alerts = records(report.resolve("topics/alerts.jsonl"));
    assertThat(alerts).as("alerts").anySatisfy(a -> {
      assertThat(a.get("runId").asText()).isEqualTo("demo-grpo");
      assertThat(a.get("type").asText()).isEqualTo("ENTROPY_COLLAPSE");
    });
    List<JsonNode> commands = commands(report, "demo-grpo");
    assertThat(commands).as("commands to the GRPO run").isNotEmpty();
    long seq = commands.get(0).get("seq").asLong();
    assertThat(records(report.resolve("topics/control-acks.jsonl"))).as("acks").anySatisfy(a -> {
      assertThat(a.get("runId").asText()).isEqualTo("demo-grpo");
      assertThat(a.get("seq").asLong()).isEqualTo(seq);
      assertThat(a.get("status").asText()).isEqualTo("APPLIED");
    });
    assertThat(records(report.resolve("topics/step-stats.jsonl"))).extracting(s -> s.get("runId").asText())
        .contains("demo-grpo", "demo-kl-cov", "demo-verl");
    assertThat(commands(report, "demo-verl")).as("the verl run plateaus on the real log: STOP through the sidecar")
        .anySatisfy(c -> assertThat(c.get("action").asText()).isEqualTo("STOP"));
    assertThat(Files.readString(report.resolve("logs/demo-verl.log"))).contains("stop hook");

    String printed = out.toString();
    assertThat(printed).contains("dashboard http://127.0.0.1:", "--- final ---")
        .containsPattern("webhook  FIRING +demo-grpo +ENTROPY_COLLAPSE")
        .containsPattern("demo-grpo +step +\\d+/60")
        .containsPattern("demo-kl-cov +step +\\d+/60")
        .containsPattern("demo-verl +step +\\d+/105");
  }

  private static List<JsonNode> commands(Path report, String runId) throws Exception {
    return records(report.resolve("topics/control.jsonl")).stream().filter(c -> c.get("runId").asText().equals(runId))
        .toList();
  }

  private static List<JsonNode> records(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }
}
