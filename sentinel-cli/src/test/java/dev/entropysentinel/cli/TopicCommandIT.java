package dev.entropysentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sentinel topic produce / read} against a real broker: what goes in comes out, JSON as JSON, bytes as base64. */
class TopicCommandIT {
  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = Sentinel.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute(args)).as(String.join(" ", args)).isZero();
    return out.toString();
  }

  @Test
  void recordsProducedFromAFileAreReadBackInOrder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("records");
    Files.writeString(file, "{\"a\": 1}\nplain text\n");
    Path binary = dir.resolve("binary");
    Files.write(binary, new byte[] {(byte) 0xff, 0, (byte) 0xfe});
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String b = broker.bootstrapServers();
      assertThat(run("topic", "produce", "--bootstrap", b, "--topic", Topics.EVALS, "--key", "k", "--file", file.toString(),
          "--lines")).contains("sent 8 bytes to " + Topics.EVALS);
      run("topic", "produce", "--bootstrap", b, "--topic", Topics.EVALS, "--key", "k", "--file", binary.toString());
      List<JsonNode> lines = run("topic", "read", "--bootstrap", b, "--topic", Topics.EVALS, "--idle-s", "2").lines()
          .map(l -> {
            try {
              return new ObjectMapper().readTree(l);
            } catch (Exception e) {
              throw new AssertionError(l, e);
            }
          }).toList();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0).get("value").get("a").asInt()).isEqualTo(1);
      assertThat(lines.get(1).get("value").asText()).isEqualTo("plain text");
      assertThat(lines.get(2).get("valueBase64").asText()).isEqualTo("/wD+");
      assertThat(lines).allSatisfy(l -> assertThat(l.get("key").asText()).isEqualTo("k"));
    }
  }
}
