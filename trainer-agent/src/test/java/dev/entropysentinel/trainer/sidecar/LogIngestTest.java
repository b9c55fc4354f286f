package dev.entropysentinel.trainer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.StepStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogIngestTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(5_000), ZoneOffset.UTC);
  private final List<String> notices = new ArrayList<>();

  private LogIngest ingest(Captured sink, List<String> command, LogFormat format) {
    JobSpec job = JobSpec.of(command, null, null, null, null);
    return new LogIngest("r", job, format, new LogRecords("r", "h", job.method(), null, null), sink, CLOCK,
        IngestProgress.START, notices::add);
  }

  @Test
  void trlStdoutIsDetectedNumberedByTheCommandsLoggingStepsAndItsAbsentFieldsAreNamed() {
    Captured sink = new Captured();
    LogIngest ingest = ingest(sink, List.of("accelerate", "launch", "train_grpo.py", "--max_steps", "40", "--logging_steps=5"), null);
    // transformers' ProgressCallback.on_log: str(logs) per log call (integrations.md)
    ingest.line(" 10%|#         | 4/40 [00:04<00:36,  1.00s/it]");
    ingest.line("{'loss': 0.01, 'grad_norm': 0.9, 'reward': 0.25, 'kl': 0.001, 'entropy': 0.61, 'completions/mean_length': 180.5, 'epoch': 0.12}");
    ingest.line("{'loss': 0.02, 'reward': -0.5, 'entropy': 0.55, 'epoch': 0.25}");
    ingest.line("{'eval_loss': 0.03, 'eval_reward': -0.25, 'eval_entropy': 0.5, 'epoch': 0.25}");
    ingest.line("{'train_runtime': 40.0, 'train_loss': 0.02, 'epoch': 1.0}");

    assertThat(ingest.format()).isEqualTo(LogFormat.TRL_STDOUT);
    assertThat(sink.stats).extracting(StepStats::step).containsExactly(5L, 10L);
    StepStats first = sink.stats.get(0);
    assertThat(first.entropyMean()).isEqualTo(0.61);
    assertThat(first.rewardMean()).isEqualTo(0.25);
    assertThat(first.responseLengthMean()).isEqualTo(180.5);
    assertThat(first.absentFields()).contains("tokenCount", "covariance", "stepTimeMs").doesNotContain("rewardSum", "klSum", "gradNorm");
    assertThat(sink.stats.get(1).absentFields()).contains("klSum", "gradNorm", "responseLengthSum");
    assertThat(sink.evals).singleElement().satisfies(e -> {
      assertThat(e.step()).isEqualTo(10);
      assertThat(e.benchmark()).isEqualTo("eval_reward");
      assertThat(e.score()).isEqualTo(-0.25);
    });
    assertThat(sink.runs).extracting(RunInfo::scoreScale).containsExactly(RunInfo.ScoreScale.ACCURACY, RunInfo.ScoreScale.REWARD);
    assertThat(sink.runs).allSatisfy(r -> {
      assertThat(r.plannedSteps()).isEqualTo(40L);
      assertThat(r.source()).isEqualTo("sidecar:trl-stdout");
    });
  }

  @Test
  void trainerStateJsonFromTheNewestCheckpointIsReadAsItIsRewritten(@TempDir Path dir) throws Exception {
    Captured sink = new Captured();
    LogIngest ingest = ingest(sink, List.of(), LogFormat.TRL);
    TrainerStateFollower f = new TrainerStateFollower(dir, ingest::row, notices::add);
    assertThat(f.poll()).isFalse();
    Files.createDirectories(dir.resolve("checkpoint-20"));
    // transformers' TrainerState.save_to_json: log_history entries carry step and epoch
    Files.writeString(dir.resolve("checkpoint-20/trainer_state.json"), """
        {"global_step": 20, "log_history": [
          {"step": 10, "entropy": 0.6, "reward": 0.3, "epoch": 0.5},
          {"step": 10, "eval_reward": 0.25, "epoch": 0.5},
          {"step": 20, "entropy": 0.5, "reward": 0.4, "epoch": 1.0}]}""");
    assertThat(f.poll()).isTrue();
    assertThat(f.poll()).as("unchanged").isFalse();
    Files.createDirectories(dir.resolve("checkpoint-30"));
    Files.writeString(dir.resolve("checkpoint-30/trainer_state.json"), """
        {"global_step": 30, "log_history": [
          {"step": 10, "entropy": 0.6, "reward": 0.3, "epoch": 0.5},
          {"step": 10, "eval_reward": 0.25, "epoch": 0.5},
          {"step": 20, "entropy": 0.5, "reward": 0.4, "epoch": 1.0},
          {"step": 30, "entropy": 0.45, "reward": 0.45, "epoch": 1.5},
          {"step": 30, "eval_accuracy": 0.5, "epoch": 1.5}]}""");
    Files.createDirectories(dir.resolve("checkpoint-4"));
    assertThat(f.poll()).isTrue();
    assertThat(sink.stats).extracting(StepStats::step).containsExactly(10L, 20L, 30L);
    assertThat(sink.validation()).containsExactly(java.util.Map.entry(10, 0.25), java.util.Map.entry(30, 0.5));
  }

  @Test
  void theCommandLineGivesPlannedStepsCheckpointsAndMethodAndFlagsWin() {
    List<String> verl = List.of("python3", "-m", "verl.trainer.main_ppo", "trainer.total_training_steps=500",
        "trainer.default_local_dir=/ckpt/run1", "actor_rollout_ref.actor.policy_loss.loss_mode=kl_cov",
        "actor_rollout_ref.model.path=Qwen/Qwen2.5-7B");
    JobSpec job = JobSpec.of(verl, null, null, null, null);
    assertThat(job.trainer()).isEqualTo(JobSpec.Trainer.VERL);
    assertThat(job.plannedSteps()).isEqualTo(500L);
    assertThat(job.checkpointDir()).isEqualTo(Path.of("/ckpt/run1"));
    assertThat(job.method()).isEqualTo("kl-cov");
    assertThat(job.modelName()).isEqualTo("Qwen/Qwen2.5-7B");
    assertThat(JobSpec.of(verl, null, 300L, Path.of("/other"), null).plannedSteps()).isEqualTo(300L);
    JobSpec none = JobSpec.of(List.of("python3", "train.py"), null, null, null, null);
    assertThat(none.plannedSteps()).as("unknown, not guessed").isNull();
    assertThat(none.loggingSteps()).isEqualTo(JobSpec.TRL_DEFAULT_LOGGING_STEPS);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobSpec.of(List.of("x.py", "--max_steps", "ten"), null, null, null, null))
        .hasMessageContaining("max_steps must be a positive whole number, was \"ten\"");
  }
}
