package dev.entropysentinel.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.forecaster.DriftShape;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProcessCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new ProcessCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static Path key(Path dir) throws IOException {
    Path file = dir.resolve("control.key");
    Files.writeString(file, "a-control-key-of-at-least-16-bytes\n");
    return file;
  }

  @Test
  void helpShowsTheDetectorDefaultsOfTheMonitor() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--collapse-fraction", "(default: 0.25)", "--policy", "(default: advise)",
        "SENTINEL_CONTROL_SECRET");
    assertThat(out.toString()).contains("--max-forgone=ACCURACY").contains("(default: 0.01)");
  }

  @Test
  void maxForgoneReachesTheMonitorAndABadOneNamesItsFlag(@TempDir Path dir) throws IOException {
    ProcessCommand command = new ProcessCommand();
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--bootstrap", "127.0.0.1:1", "--secret-file", key(dir).toString(), "--max-forgone", "0.02");
    assertThat(command.config().settings().monitor().maxForgone()).isEqualTo(0.02);
    assertThat(run("--bootstrap", "127.0.0.1:1", "--secret-file", key(dir).toString(), "--max-forgone", "1.5"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--max-forgone: monitor.maxForgone must be in (0, 1), was 1.5");
  }

  @Test
  void driftReachesTheMonitorLinearByDefault(@TempDir Path dir) throws IOException {
    ProcessCommand command = new ProcessCommand();
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--bootstrap", "127.0.0.1:1", "--secret-file", key(dir).toString());
    assertThat(command.config().settings().monitor().drift()).isEqualTo(DriftShape.LINEAR);
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--bootstrap", "127.0.0.1:1", "--secret-file", key(dir).toString(), "--drift", "log");
    assertThat(command.config().settings().monitor().drift()).isEqualTo(DriftShape.LOG);
    assertThat(run("--bootstrap", "127.0.0.1:1", "--secret-file", key(dir).toString(), "--drift", "cubic")).isEqualTo(2);
    assertThat(err.toString()).contains("--drift", "expected linear or log but was 'cubic'");
  }

  @Test
  void commandsCommitEarlyByDefaultAndANegativeSpacingNamesItsFlag(@TempDir Path dir) throws IOException {
    ProcessCommand command = new ProcessCommand();
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--bootstrap", "127.0.0.1:1", "--secret-file", key(dir).toString());
    assertThat(command.config().settings().commandCommit()).isEqualTo(ProcessorSettings.COMMAND_COMMIT);
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--bootstrap", "127.0.0.1:1", "--secret-file", key(dir).toString(),
        "--command-commit-ms", "0");
    assertThat(command.config().settings().commandCommit()).isZero();
    assertThat(run("--bootstrap", "127.0.0.1:1", "--secret-file", key(dir).toString(), "--command-commit-ms", "-1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--command-commit-ms: processor.commandCommit must be >= 0 (0: no early commit), "
        + "was -1 ms");
  }

  @Test
  void aBadThresholdExitsTwoNamingItsFlag(@TempDir Path dir) throws IOException {
    assertThat(run("--bootstrap", "127.0.0.1:1", "--secret-file", key(dir).toString(), "--collapse-fraction", "1.5"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--collapse-fraction: monitor.collapseFraction must be in (0, 1), was 1.5");
  }

  @Test
  void interventionChangesDefaultToThePapersKlCovAndABadKeyNamesItsFlag(@TempDir Path dir) throws IOException {
    ProcessCommand command = new ProcessCommand();
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--bootstrap", "b:1", "--secret-file", key(dir).toString());
    assertThat(command.config().settings().monitor().interventionChanges())
        .isEqualTo(Map.of("method", "kl-cov", "klCovRatio", "0.002", "klCoef", "1.0"));
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--bootstrap", "b:1", "--secret-file", key(dir).toString(),
        "--intervention-changes", "method=kl-cov,klCovRatio=0.1,klCoef=1");
    assertThat(command.config().settings().monitor().interventionChanges())
        .isEqualTo(Map.of("method", "kl-cov", "klCovRatio", "0.1", "klCoef", "1"));
    assertThat(run("--bootstrap", "b:1", "--secret-file", key(dir).toString(), "--intervention-changes",
        "method=kl-cov,klCovRate=0.1")).isEqualTo(2);
    assertThat(err.toString()).contains("--intervention-changes: monitor.interventionChanges must be method=NAME",
        "parameters.klCovRate", "unknown parameter; known:");
    assertThat(run("--bootstrap", "b:1", "--secret-file", key(dir).toString(), "--intervention-changes", "klCoef=2"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--intervention-changes: monitor.interventionChanges must name the method");
  }

  @Test
  void aMissingKeyFileIsNamedWithTheFix(@TempDir Path dir) {
    assertThat(run("--bootstrap", "127.0.0.1:1", "--secret-file", dir.resolve("absent").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--secret-file: cannot read the control key file");
  }

  @Test
  void anUnknownPolicyExitsTwo(@TempDir Path dir) throws IOException {
    assertThat(run("--bootstrap", "b:1", "--secret-file", key(dir).toString(), "--policy", "maybe")).isEqualTo(2);
    assertThat(err.toString()).contains("--policy");
  }

  @Test
  void flagsAreDerivedFromConfigKeys() {
    assertThat(ProcessCommand.flagOf("monitor.maxForgone must be in (0, 1), was -1")).isEqualTo("--max-forgone");
    assertThat(ProcessCommand.flagOf("processor.graceTime must be positive")).isEqualTo("--grace-ms");
  }
}
