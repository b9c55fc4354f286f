package dev.entropysentinel.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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
 * {@code sentinel train} twice with the same seed writes the same JSON lines apart from wall-clock
 * fields, and no step skips an update (KL-Cov, several off-policy updates, validation between).
 */
class TrainDeterminismIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void sameSeedWritesIdenticalJsonLinesAsideFromTimes(@TempDir Path dir) throws IOException {
    List<JsonNode> first = train(dir.resolve("a.jsonl"));
    List<JsonNode> second = train(dir.resolve("b.jsonl"));
    assertThat(second).isEqualTo(first);
    assertThat(first).filteredOn(n -> n.get("type").asText().equals("step-stats")).hasSize(12)
        .allSatisfy(n -> assertThat(n.get("record").get("skippedUpdates").asLong()).isZero());
  }

  private static List<JsonNode> train(Path out) throws IOException {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new TrainCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("--method", "kl-cov", "--kl-cov-ratio", "0.1", "--seed", "11", "--steps", "12", "--threads", "1",
        "--model-dim", "16", "--heads", "2", "--layers", "1", "--prompts", "4", "--group-size", "4", "--mini-batches", "2",
        "--warm-start-steps", "20", "--warm-start-batch", "16", "--eval-size", "16", "--eval-every", "4", "--out", out.toString());
    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      JsonNode node = JSON.readTree(line);
      JsonNode record = node.get("record");
      if (record instanceof ObjectNode o) {
        o.remove(List.of("timestampMs", "stepTimeMs", "startedAtMs"));
      }
      lines.add(node);
    }
    return lines;
  }
}
