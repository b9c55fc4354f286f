package dev.entropysentinel.processor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StreamsBenchCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new StreamsBenchCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void helpStatesTheThreeComparisonsAndTheirGoals() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " ")).contains("goal ratio >= 0.7", "goal ratio <= 5", "goal ratio <= 1.5", "--commit-interval-ms",
        "default: 1000", "--json");
  }

  @Test
  void aBadValueExitsTwoNamingTheFlag() {
    assertThat(run("--bootstrap", "127.0.0.1:1", "--runs", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--runs must be >= 1, was 0");
  }

  @Test
  void aNegativeCommandCommitIsAUsageError() {
    assertThat(run("--bootstrap", "127.0.0.1:1", "--command-commit-ms", "10,-1")).isEqualTo(2);
    assertThat(err.toString()).contains("--command-commit-ms must each be >= 0 (0: no early commit), was [10, -1]");
  }

  @Test
  void tooFewLatencyStepsForTheInterventionIsAUsageError() {
    assertThat(run("--bootstrap", "127.0.0.1:1", "--latency-steps", "10")).isEqualTo(2);
    assertThat(err.toString()).contains("--latency-steps must be >= 17");
  }

  @Test
  void partitionsAreTheEmbeddedBrokersOnly() {
    assertThat(run("--bootstrap", "127.0.0.1:1", "--partitions", "4")).isEqualTo(2);
    assertThat(err.toString()).contains("--partitions applies to the benchmark's own broker only");
  }

  @Test
  void withoutAnEmbeddedBrokerTheBootstrapIsRequired() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("--bootstrap is required");
  }

  @Test
  void samplesReportTheMeanAndTheNearestRankTail() {
    double[] values = new double[100];
    for (int i = 0; i < 100; i++) {
      values[i] = i + 1;
    }
    Samples s = Samples.of(values);
    assertThat(s.mean()).isEqualTo(50.5);
    assertThat(s.p50()).isEqualTo(50);
    assertThat(s.p99()).isEqualTo(99);
    assertThat(s.max()).isEqualTo(100);
    assertThat(s.spread()).isEqualTo(99 / 50.5);
  }
}
