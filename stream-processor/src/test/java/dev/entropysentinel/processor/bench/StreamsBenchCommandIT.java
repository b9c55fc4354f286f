package dev.entropysentinel.processor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A tiny run of the whole benchmark on a real broker, given by --bootstrap: every figure present and plausible. */
class StreamsBenchCommandIT {
  @Test
  void aTinyRunReportsEveryFigureAsJsonAndCleansUpItsChangelogTopics() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new StreamsBenchCommand());
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      int code = cli.execute("--bootstrap", broker.bootstrapServers(), "--runs", "20", "--throughput-steps", "20",
          "--threads", "1", "--commit-interval-ms", "50", "--command-commit-ms", "10,0", "--latency-steps", "17", "--step-interval-ms", "100",
          "--changelog-steps", "200", "--rounds", "1", "--max-rounds", "1", "--no-warmup", "--json");
      assertThat(code).as(err.toString()).isZero();
      assertThat(err.toString()).contains("throughput round 1", "latency, commit 50 ms, command commit 10 ms",
          "latency, commit 50 ms, no early command commit", "changelog, steady run");

      JsonNode report = new ObjectMapper().readTree(out.toString());
      JsonNode throughput = report.get("throughput").get("summary").get(0);
      assertThat(report.get("throughput").get("backlogRecords").asLong()).isEqualTo(20 * 20 * 2 + 20 * 2 + 20);
      assertThat(throughput.get("plainMeanPerSec").asDouble()).isPositive();
      assertThat(throughput.get("streamsMeanPerSec").asDouble()).isPositive();
      for (String reference : new String[] {"parseOnly", "passthrough"}) {
        assertThat(throughput.get(reference + "MeanPerSec").asDouble()).as(reference).isPositive();
        assertThat(throughput.get(reference + "RatioOfMeans").asDouble()).as(reference)
            .isCloseTo(throughput.get(reference + "MeanPerSec").asDouble() / throughput.get("plainMeanPerSec").asDouble(),
                org.assertj.core.data.Offset.offset(1e-9));
      }
      assertThat(err.toString()).contains("parse-only Streams app", "passthrough Streams app");
      assertThat(throughput.get("ratioOfMeans").asDouble())
          .isCloseTo(throughput.get("streamsMeanPerSec").asDouble() / throughput.get("plainMeanPerSec").asDouble(),
              org.assertj.core.data.Offset.offset(1e-9));

      JsonNode latency = report.get("latency").get("summary").get(0);
      assertThat(latency.get("commitMs").asLong()).isEqualTo(50);
      assertThat(report.get("latency").get("summary")).extracting(s -> s.get("commandCommitMs").asLong())
          .containsExactly(10L, 0L);
      assertThat(report.get("throughput").get("summary")).extracting(s -> s.get("commandCommitMs").asLong())
          .containsExactly(10L, 0L);
      assertThat(latency.get("control").get("count").asInt()).as("every run got its INTERVENE").isEqualTo(20);
      assertThat(latency.get("commandsMissing").asInt()).isZero();
      assertThat(latency.get("control").get("p99").asDouble()).isGreaterThanOrEqualTo(latency.get("control").get("p50").asDouble());
      assertThat(latency.get("ratioP99").asDouble())
          .isEqualTo(latency.get("control").get("p99").asDouble() / latency.get("plain").get("p99").asDouble());
      assertThat(report.get("latency").get("rounds").get(0).get("plain").get("count").asInt())
          .as("every step record of every run timed by the plain consumer").isEqualTo(20 * 17 * 2);

      JsonNode runs = report.get("changelog").get("runs");
      assertThat(runs).hasSize(2);
      for (JsonNode run : runs) {
        assertThat(run.get("points")).hasSize(2);
        assertThat(run.get("points").get(0).get("step").asLong()).isEqualTo(100);
        assertThat(run.get("points").get(1).get("step").asLong()).isEqualTo(200);
        assertThat(run.get("points").get(0).get("bytesPerInputRecord").asDouble()).isGreaterThan(100);
        assertThat(run.get("points").get(0).get("inputRecords").asInt()).isEqualTo(11);
        assertThat(run.get("ratio").asDouble()).isPositive();
      }

      Properties p = new Properties();
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      try (Admin admin = Admin.create(p)) {
        assertThat(admin.listTopics().names().get()).noneMatch(t -> t.startsWith("bench-"));
      }
    }
  }
}
