package dev.entropysentinel.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainerBenchCommandTest {
  @Test
  void medianIgnoresAStepSlowedByAnotherProcess() {
    assertThat(TrainerBenchCommand.median(new double[] {100, 101, 400})).isEqualTo(101);
    assertThat(TrainerBenchCommand.median(new double[] {100, 102, 101, 900})).isEqualTo(101.5);
  }

  @Test
  void sumCoversTheHalfOpenRange() {
    assertThat(TrainerBenchCommand.sum(new double[] {1, 2, 4, 8}, 1, 3)).isEqualTo(6);
  }

  @Test
  void moreRoundsThanStepsIsAUsageErrorNamingTheFlag() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new TrainerBenchCommand());
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("--steps", "4", "--rounds", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("--rounds must be between 1 and --steps (4), was 5");
  }

  @Test
  void zeroStepsIsAUsageErrorNamingTheFlag() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new TrainerBenchCommand());
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("--steps", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--steps must be >= 1, was 0");
  }
}
