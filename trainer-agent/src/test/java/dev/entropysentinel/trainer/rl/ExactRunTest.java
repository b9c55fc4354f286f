package dev.entropysentinel.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import dev.entropysentinel.trainer.model.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reproducibility: the same seed gives the same steps, and a run stopped, checkpointed and resumed
 * takes the steps the uninterrupted run took (weights, AdamW moments and random streams restored).
 */
class ExactRunTest {
  @BeforeAll
  static void engine() {
    Engines.pytorch(2);
  }

  /** KL-Cov with 2 mini-batches × 2 epochs: off-policy updates, selections and the ΔH subsample all draw. */
  private static TrainerConfig.Builder tiny() {
    return TrainerConfig.builder().modelDim(16).heads(2).layers(1).promptsPerStep(4).groupSize(4).warmStartSteps(5)
        .warmStartBatch(8).evalSize(8).passK(2).steps(20).entropyChangeSample(0.25)
        .loss(LossConfig.builder(Method.KL_COV).klCovRatio(0.1).build());
  }

  @Test
  void sameSeedGivesIdenticalStepStatistics() {
    List<StepStats> first = run(tiny().build(), 8);
    List<StepStats> second = run(tiny().build(), 8);
    assertThat(withoutTimes(second)).isEqualTo(withoutTimes(first));
    assertThat(first).extracting(StepStats::skippedUpdates).containsOnly(0L);
  }

  @Test
  void resumedRunEndsWithTheUninterruptedRunsWeightsAndStatistics(@TempDir Path dir) throws IOException {
    assertResumeIsExact(tiny().checkpointDir(dir).build());
  }

  /** Ref-KL's reference is the policy the run started from, not the weights it resumed with. */
  @Test
  void resumedRefKlRunKeepsItsReference(@TempDir Path dir) throws IOException {
    assertResumeIsExact(tiny().checkpointDir(dir).loss(LossConfig.builder(Method.REF_KL).refKlCoef(1).build()).build());
    assertThat(dir.resolve(TrainingSession.REFERENCE_FILE)).isRegularFile();
  }

  /**
   * A run switched to adaptive entropy by a control command at step 5 and resumed at step 10 goes
   * on with the α it had reached, not the initial one.
   */
  @Test
  void resumedRunKeepsTheAdaptiveAlphaOfAMethodSetByControl(@TempDir Path dir) throws IOException {
    TrainerConfig config = tiny().checkpointDir(dir).build();
    LossConfig adaptive = LossConfig.builder(Method.ADAPTIVE_ENTROPY).targetEntropy(5).build();
    List<StepStats> straight;
    try (TrainingSession session = TrainingSession.start(config, Clock.systemUTC(), Device.cpu())) {
      straight = stepsSwitchingAtFive(session, 20, adaptive);
    }
    List<StepStats> interrupted;
    try (TrainingSession session = TrainingSession.start(config, Clock.systemUTC(), Device.cpu())) {
      interrupted = stepsSwitchingAtFive(session, 10, adaptive);
      session.checkpoint();
    }
    try (TrainingSession resumed = TrainingSession.resume(config, Clock.systemUTC(), Device.cpu(), dir)) {
      resumed.resumeLoss(adaptive);
      for (int i = 0; i < 10; i++) {
        interrupted.addAll(resumed.step());
      }
    }
    assertThat(straight.get(19).methodParams().get("entropyCoefCurrent")).isNotEqualTo(straight.get(5).methodParams().get("entropyCoefCurrent"));
    assertThat(withoutTimes(interrupted)).isEqualTo(withoutTimes(straight));
  }

  private static List<StepStats> stepsSwitchingAtFive(TrainingSession session, int steps, LossConfig next) {
    List<StepStats> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      if (i == 5) {
        session.switchLoss(next);
      }
      out.addAll(session.step());
    }
    return out;
  }

  private static void assertResumeIsExact(TrainerConfig config) throws IOException {
    Path dir = config.checkpointDir();
    List<StepStats> straight = new ArrayList<>();
    float[][] straightWeights;
    try (TrainingSession session = TrainingSession.start(config, Clock.systemUTC(), Device.cpu())) {
      for (int i = 0; i < 20; i++) {
        straight.addAll(session.step());
      }
      straightWeights = weights(session);
    }
    List<StepStats> interrupted = new ArrayList<>();
    try (TrainingSession session = TrainingSession.start(config, Clock.systemUTC(), Device.cpu())) {
      for (int i = 0; i < 10; i++) {
        interrupted.addAll(session.step());
      }
      session.checkpoint();
    }
    try (TrainingSession resumed = TrainingSession.resume(config, Clock.systemUTC(), Device.cpu(), dir)) {
      for (int i = 0; i < 10; i++) {
        interrupted.addAll(resumed.step());
      }
      float[][] resumedWeights = weights(resumed);
      for (int p = 0; p < straightWeights.length; p++) {
        for (int i = 0; i < straightWeights[p].length; i++) {
          assertThat(resumedWeights[p][i]).isCloseTo(straightWeights[p][i], org.assertj.core.data.Offset.offset(1e-6f));
        }
      }
    }
    assertThat(withoutTimes(interrupted)).isEqualTo(withoutTimes(straight));
  }

  /**
   * Statistics ride along: the ΔH subsample joins the next rollout's forward pass, so turning them
   * off must not change a single training figure; the change of step k's update is reported by
   * step k+1 (flagged), and step 0 reports none.
   */
  @Test
  void statisticsDoNotChangeTrainingAndReportTheEntropyChangeOneStepLate() {
    List<StepStats> on = run(tiny().build(), 4);
    List<StepStats> off = run(tiny().statsEnabled(false).build(), 4);
    assertThat(off.stream().map(ExactRunTest::training).toList()).isEqualTo(on.stream().map(ExactRunTest::training).toList());
    assertThat(on.get(0).absentFields()).containsExactly("entropyChangeMeasured", "entropyChangePredicted");
    assertThat(on.subList(1, on.size())).allSatisfy(s -> {
      assertThat(s.absentFields()).isEmpty();
      assertThat(s.methodParams()).containsEntry("entropyChangeLagSteps", 1.0);
      assertThat(s.entropyChangeMeasured()).isFinite().isNotZero();
      assertThat(s.entropyChangePredicted()).isFinite().isNotZero();
    });
  }

  /** What training produced in a step, without the statistics-only fields. */
  private static List<Object> training(StepStats s) {
    return List.of(s.step(), s.tokenCount(), s.entropySum(), s.rewardSum(), s.correctCount(), s.responseLengthSum(),
        s.clipLowCount(), s.clipHighCount(), s.detachedCount(), s.penalizedCount(), s.klSum(), s.gradNorm(), s.skippedUpdates());
  }

  @Test
  void checkpointWithoutOptimizerStateIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
    TrainerConfig config = tiny().checkpointDir(dir).build();
    try (TrainingSession session = TrainingSession.start(config, Clock.systemUTC(), Device.cpu())) {
      session.step();
      session.checkpoint();
    }
    Files.delete(dir.resolve(TrainingSession.OPTIMIZER_FILE));
    assertThatThrownBy(() -> TrainingSession.resume(config, Clock.systemUTC(), Device.cpu(), dir))
        .isInstanceOf(IOException.class).hasMessageContaining(TrainingSession.OPTIMIZER_FILE);
  }

  private static List<StepStats> run(TrainerConfig config, int steps) {
    List<StepStats> out = new ArrayList<>();
    try (TrainingSession session = TrainingSession.start(config, Clock.systemUTC(), Device.cpu())) {
      for (int i = 0; i < steps; i++) {
        out.addAll(session.step());
      }
    }
    return out;
  }

  private static float[][] weights(TrainingSession session) {
    return session.policy().parameters().stream().map(p -> p.getValue().getArray().toFloatArray()).toArray(float[][]::new);
  }

  /** The records with wall-clock fields (timestamp, step time) zeroed: everything else must match. */
  static List<StepStats> withoutTimes(List<StepStats> stats) {
    return stats.stream().map(s -> new StepStats(s.schemaVersion(), s.runId(), s.host(), s.rank(), s.worldSize(), s.step(), 0,
        s.method(), s.methodParams(), s.tokenCount(), s.entropySum(), s.responseCount(), s.rewardSum(), s.correctCount(),
        s.responseLengthSum(), s.clipLowCount(), s.clipHighCount(), s.detachedCount(), s.penalizedCount(), s.steerWeightMin(),
        s.steerWeightSum(), s.covariance(), s.klSum(), s.gradNorm(), 0, s.entropyChangePredicted(), s.entropyChangeMeasured(),
        s.absentFields(), s.skippedUpdates())).toList();
  }
}
