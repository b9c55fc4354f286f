package dev.entropysentinel.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.trainer.loss.LossConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Usage errors exit 2 and name the flag; no engine is loaded for them. */
class TrainCommandTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new TrainCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void invalidGroupSizeNamesTheFlag() {
    assertThat(run("--group-size", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("--group-size").contains("trainer.groupSize must be >= 2, was 1");
  }

  @Test
  void entropyChangeSampleOutsideAFractionNamesTheFlag() {
    assertThat(run("--dh-sample", "1.5")).isEqualTo(2);
    assertThat(err.toString()).contains("--dh-sample").contains("trainer.entropyChangeSample");
  }

  @Test
  void unknownMethodListsTheValidOnes() {
    assertThat(run("--method", "ppo")).isEqualTo(2);
    assertThat(err.toString()).contains("--method").contains("kl-cov");
  }

  @Test
  void percentageGivenForAFractionIsRefusedNamingTheFlag() {
    assertThat(run("--method", "kl-cov", "--kl-cov-ratio", "20")).isEqualTo(2);
    assertThat(err.toString()).contains("--kl-cov-ratio");
  }

  @Test
  void tinyPresetScalesTheSelectionsAndExplicitFlagsStillWin() throws Exception {
    assertThat(parse("--method", "kl-cov").loss().klCovRatio()).isEqualTo(2e-3);
    assertThat(parse("--method", "kl-cov", "--preset", "tiny").loss().klCovRatio()).isEqualTo(0.1);
    assertThat(parse("--method", "kl-cov", "--preset", "tiny").loss().klCoef()).isEqualTo(2);
    LossConfig clipCov = parse("--method", "clip-cov", "--preset", "tiny").loss();
    assertThat(List.of(clipCov.clipCovRatio(), clipCov.clipCovLb(), clipCov.clipCovUb(), clipCov.epsLow(), clipCov.epsHigh()))
        .containsExactly(0.18, 0.2, 100.0, 0.2, 0.2);
    assertThat(parse("--method", "clip-cov", "--preset", "paper").loss().epsLow()).as("the paper's Clip-Cov clip").isEqualTo(1);
    assertThat(parse("--method", "clip-higher", "--preset", "tiny").loss().epsHigh()).as("only Clip-Cov's clip moves").isEqualTo(0.28);
    assertThat(parse("--method", "clip-cov", "--preset", "tiny", "--eps-low", "0.3").loss().epsLow()).isEqualTo(0.3);
    assertThat(parse("--method", "steer", "--preset", "tiny").loss().steerWMin()).isEqualTo(0.5);
    assertThat(parse("--method", "kl-cov", "--preset", "tiny", "--kl-cov-ratio", "0.3").loss().klCovRatio()).isEqualTo(0.3);
    assertThat(parse("--method", "grpo", "--preset", "tiny").miniBatches()).as("every method, so GRPO is compared alike").isEqualTo(4);
    assertThat(parse("--method", "grpo", "--preset", "tiny", "--mini-batches", "2").miniBatches()).isEqualTo(2);
    assertThat(parse("--method", "grpo").miniBatches()).isEqualTo(2);
  }

  private static dev.entropysentinel.trainer.TrainerConfig parse(String... args) {
    CommandLine cl = new CommandLine(new TrainCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    cl.parseArgs(args);
    TrainCommand cmd = cl.getCommand();
    cmd.spec = cl.getCommandSpec();
    return cmd.config();
  }

  @Test
  void helpShowsTheDefaultsOfTheConfigurationRecords() {
    String usage = new CommandLine(new TrainCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    dev.entropysentinel.trainer.TrainerConfig d = dev.entropysentinel.trainer.TrainerConfig.builder().build();
    var grpo = dev.entropysentinel.trainer.loss.LossConfig.defaults(dev.entropysentinel.trainer.loss.Method.GRPO);
    assertThat(usage.replaceAll("\\s+", " "))
        .contains("RL steps (default " + d.steps() + ")")
        .contains("peak AdamW learning rate of the RL steps (default " + d.learningRate() + ")")
        .contains("transformer width (default " + d.model().modelDim() + ")")
        .contains("KL-Cov: penalty coefficient (default " + grpo.klCoef() + ")")
        .contains("run id on every record (default train-<method>-<seed>)");
  }

  @Test
  void optionsNotGivenLeaveTheRecordsDefaults() {
    assertThat(parse("--method", "clip-cov").loss()).isEqualTo(dev.entropysentinel.trainer.loss.LossConfig.defaults(
        dev.entropysentinel.trainer.loss.Method.CLIP_COV));
    assertThat(parse().learningRate()).isEqualTo(dev.entropysentinel.trainer.TrainerConfig.builder().build().learningRate());
  }

  @Test
  void methodNamesWithHyphensParse() throws Exception {
    CommandLine cl = new CommandLine(new TrainCommand());
    cl.parseArgs("--method", "clip-cov", "--ranks", "2", "--cov-scope", "GLOBAL");
    TrainCommand cmd = cl.getCommand();
    cmd.spec = cl.getCommandSpec();
    assertThat(cmd.config().loss().method().wireName()).isEqualTo("clip-cov");
    assertThat(cmd.config().ranks()).isEqualTo(2);
  }

  @Test
  void aBootstrapWithoutAPortNamesTheFlag() {
    assertThat(run("--bootstrap", "localhost")).isEqualTo(2);
    assertThat(err.toString()).contains("--bootstrap must be HOST:PORT");
  }

  @Test
  void anUnreadableSecretFileNamesTheFlagAndHowToCreateOne() {
    assertThat(run("--bootstrap", "127.0.0.1:9", "--secret-file", "/nonexistent/key")).isEqualTo(2);
    assertThat(err.toString()).contains("--secret-file").contains("/nonexistent/key").contains("urandom");
  }

  @Test
  void aTinySpoolLimitNamesTheFlag() {
    assertThat(run("--bootstrap", "127.0.0.1:9", "--spool-max-bytes", "10")).isEqualTo(2);
    assertThat(err.toString()).contains("--spool-max-bytes").contains("emitter.spoolMaxBytes must be >= 4096, was 10");
  }

  @Test
  void aBootstrapGivesTheRunACheckpointDirectoryNextToTheOutput() {
    assertThat(parse("--bootstrap", "127.0.0.1:9", "--out", "/tmp/x/run.jsonl").checkpointDir())
        .isEqualTo(java.nio.file.Path.of("/tmp/x/run.jsonl.checkpoint"));
    assertThat(parse("--out", "/tmp/x/run.jsonl").checkpointDir()).isNull();
  }
}
