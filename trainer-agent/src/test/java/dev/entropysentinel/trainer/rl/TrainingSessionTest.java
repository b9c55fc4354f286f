package dev.entropysentinel.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.loss.CovScope;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import dev.entropysentinel.trainer.model.Engines;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny model for a few steps: memory stays flat, statistics are consistent, checkpoints resume. */
class TrainingSessionTest {
  @BeforeAll
  static void engine() {
    Engines.pytorch(2);
  }

  private static TrainerConfig.Builder tiny() {
    return TrainerConfig.builder().modelDim(16).heads(2).layers(1).promptsPerStep(4).groupSize(4).warmStartSteps(3)
        .warmStartBatch(8).evalSize(8).passK(2);
  }

  @Test
  void parameterManagerDoesNotGrowAcrossSteps() {
    try (TrainingSession session = TrainingSession.start(tiny().build(), Clock.systemUTC(), Device.cpu())) {
      NDManager parameters = session.policy().parameterManager();
      session.step();
      int after1 = parameters.getManagedArrays().size();
      for (int i = 0; i < 3; i++) {
        session.step();
        session.evaluate();
      }
      assertThat(parameters.getManagedArrays().size()).isEqualTo(after1);
    }
  }

  @Test
  void eachRankReportsItsOwnExactCountsUnderGlobalScope() {
    TrainerConfig config = tiny().ranks(2).covScope(CovScope.GLOBAL).loss(LossConfig.builder(Method.KL_COV).klCovRatio(0.1).build()).build();
    try (TrainingSession session = TrainingSession.start(config, Clock.systemUTC(), Device.cpu())) {
      List<StepStats> stats = session.step();
      assertThat(stats).extracting(StepStats::rank).containsExactly(0, 1);
      for (StepStats s : stats) {
        assertThat(s.worldSize()).isEqualTo(2);
        assertThat(s.responseCount()).isEqualTo(16);
        assertThat(s.tokenCount()).isEqualTo((long) s.responseLengthSum());
        assertThat(s.covariance().count()).isEqualTo(s.tokenCount());
        assertThat(s.covariance().topGroups()).hasSize(6);
        assertThat(s.methodParams()).containsEntry("globalCovScope", 1.0);
      }
      long penalised = stats.stream().mapToLong(StepStats::penalizedCount).sum();
      long tokens = stats.stream().mapToLong(StepStats::tokenCount).sum();
      // last epoch, 2 mini-batches: k = max(1, floor(0.1 * N_global)) per mini-batch
      assertThat(penalised).isBetween(2L, tokens / 10 + 2);
    }
  }

  @Test
  void resumedRunContinuesAfterTheSavedStepWithTheSavedWeights(@TempDir Path dir) throws Exception {
    TrainerConfig config = tiny().checkpointDir(dir).build();
    float[] saved;
    int[] probe = new int[2 * 14];
    try (TrainingSession session = TrainingSession.start(config, Clock.systemUTC(), Device.cpu())) {
      session.step();
      session.step();
      session.checkpoint();
      saved = logits(session, probe);
    }
    try (TrainingSession resumed = TrainingSession.resume(config, Clock.systemUTC(), Device.cpu(), dir)) {
      assertThat(resumed.nextStep()).isEqualTo(2);
      assertThat(logits(resumed, probe)).containsExactly(saved);
      assertThat(resumed.step().get(0).step()).isEqualTo(2);
    }
  }

  private static float[] logits(TrainingSession session, int[] tokens) {
    try (NDManager m = NDManager.newBaseManager()) {
      return session.policy().logits(m.create(tokens, new Shape(2, 14))).toFloatArray();
    }
  }

  @Test
  void entropyChangeSubsampleHoldsDistinctRowsInOrder() {
    int[] rows = StepStatistics.subsample(128, 16, new java.util.Random(1));
    assertThat(rows).hasSize(16).isSorted().doesNotHaveDuplicates();
    assertThat(rows[15]).isLessThan(128);
    assertThat(StepStatistics.subsample(8, 16, new java.util.Random(1))).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void forkingTokensReportTheirNoGradientTokensAsDetached() {
    TrainerConfig config = tiny().warmStartSteps(0).loss(LossConfig.builder(Method.FORKING_TOKENS).forkingRho(0.25).build()).build();
    try (TrainingSession session = TrainingSession.start(config, Clock.systemUTC(), Device.cpu())) {
      StepStats s = session.step().get(0);
      // per mini-batch max(1, floor(0.25·N_mb)) tokens keep gradient, the rest are detached
      assertThat(s.detachedCount()).isBetween(s.tokenCount() - s.tokenCount() / 4 - 2, s.tokenCount() - 2);
      assertThat(s.methodParams()).containsKey("learningRate");
    }
  }

  @Test
  void everyMethodRunsAStep() {
    List<String> ran = new ArrayList<>();
    for (Method method : Method.values()) {
      try (TrainingSession session = TrainingSession.start(tiny().warmStartSteps(0).loss(LossConfig.defaults(method)).build(),
          Clock.systemUTC(), Device.cpu())) {
        StepStats s = session.step().get(0);
        assertThat(s.method()).isEqualTo(method.wireName());
        assertThat(s.gradNorm()).isFinite().isNotNegative();
        assertThat(s.tokenCount()).isPositive();
        ran.add(s.method());
      }
    }
    assertThat(ran).hasSize(Method.values().length);
  }
}
