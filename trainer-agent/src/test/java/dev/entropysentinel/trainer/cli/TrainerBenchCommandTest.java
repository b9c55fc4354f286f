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
  void zeroStepsIsAUsageErrorNamingTheFlag() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new TrainerBenchCommand());
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("--steps", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--steps must be >= 1, was 0");
  }
}
