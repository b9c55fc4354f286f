package dev.entropysentinel.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.entropysentinel.trainer.model.Engines;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The differentiable loss on hand-computed tokens: values and which tokens get gradient. */
class SurrogateLossTest {
  private static final float LN_1_5 = (float) Math.log(1.5);

  @BeforeAll
  static void engine() {
    Engines.pytorch(1);
  }

  @Test
  void ppoClipLossIsTheTokenMeanOfTheMaxOverValidTokens() {
    // t0: A=1, ratio 1.5 → max(-1.5, -1.2) = -1.2 (clipped, no gradient); t1: A=-1, ratio 1 → 1; t2 masked
    TokenBatch b = TokenSelectionTest.batch(new float[] {LN_1_5, 0, 3}, new float[] {0, 0, 0}, new float[] {1, -1, 5},
        new boolean[] {true, true, false});
    float[][] result = lossAndGradient(b, LossConfig.defaults(Method.GRPO), 0);
    assertThat(result[0][0]).isCloseTo(-0.1f, offset(1e-6f));
    assertThat(result[1]).containsExactly(new float[] {0f, 0.5f, 0f}, offset(1e-6f));
  }

  @Test
  void klCovPenaltyAndItsGradientAreZeroOnTheFirstOnPolicyUpdate() {
    float[] logp = {-1, -2, -0.5f};
    TokenBatch b = TokenSelectionTest.batch(logp, logp.clone(), new float[] {1, -1, 2}, new boolean[] {true, true, true});
    LossConfig klCov = LossConfig.builder(Method.KL_COV).klCovRatio(1.0).build();
    assertThat(new LossPlanner(klCov, new Random(1)).plan(b).anyPenalised()).isTrue();
    float[][] penalised = lossAndGradient(b, klCov, 0);
    float[][] plain = lossAndGradient(b, LossConfig.builder(Method.GRPO).build(), 0);
    assertThat(penalised[0][0]).isCloseTo(plain[0][0], offset(1e-7f));
    assertThat(penalised[1]).containsExactly(plain[1], offset(1e-7f));
  }

  @Test
  void klCovPenaltyActsOnceThePolicyHasMoved() {
    TokenBatch b = TokenSelectionTest.batch(new float[] {-0.5f}, new float[] {-1f}, new float[] {1}, new boolean[] {true});
    float[][] r = lossAndGradient(b, LossConfig.builder(Method.KL_COV).klCoef(1).build(), 0);
    double ratio = Math.exp(0.5);
    assertThat(r[0][0]).isCloseTo((float) (-ratio + 0.5), offset(1e-5f));
    assertThat(r[1][0]).isCloseTo((float) (-ratio + 1), offset(1e-5f));
  }

  @Test
  void clipCovDetachedTokensKeepTheirValueButLoseTheirGradient() {
    // cov: logp mean -2, A mean 0: t0 (1)(2) = 2 in (1,5); t1 (-1)(-2) = 2 as well; ratio 0.5 → one detached
    float[] logp = {-1, -3};
    TokenBatch b = TokenSelectionTest.batch(logp, logp.clone(), new float[] {2, -2}, new boolean[] {true, true});
    LossConfig clipCov = LossConfig.builder(Method.CLIP_COV).clipCovRatio(0.5).build();
    TokenPlan plan = new LossPlanner(clipCov, new Random(7)).plan(b);
    assertThat(TokenPlan.count(plan.detached(), b.mask())).isEqualTo(1);
    float[][] r = lossAndGradient(b, clipCov, 7);
    float[][] grpo = lossAndGradient(b, LossConfig.defaults(Method.GRPO), 0);
    assertThat(r[0][0]).isCloseTo(grpo[0][0], offset(1e-7f));
    int detached = plan.detached()[0] ? 0 : 1;
    assertThat(r[1][detached]).isZero();
    assertThat(r[1][1 - detached]).isCloseTo(grpo[1][1 - detached], offset(1e-7f));
  }

  @Test
  void entropyBonusSubtractsAlphaTimesTheTokenMeanEntropy() {
    float[] logp = {-1, -2};
    TokenBatch b = TokenSelectionTest.batch(logp, logp.clone(), new float[] {0, 0}, new boolean[] {true, true});
    float[][] r = lossAndGradient(b, LossConfig.defaults(Method.ENTROPY_BONUS), 0, new float[] {1.0f, 3.0f}, 0.5);
    assertThat(r[0][0]).isCloseTo(-0.5f * 2.0f, offset(1e-6f));
  }

  private static float[][] lossAndGradient(TokenBatch b, LossConfig config, long seed) {
    return lossAndGradient(b, config, seed, new float[b.size()], 0);
  }

  /** {loss}, d loss / d logp for the plan the planner makes from {@code b}. */
  private static float[][] lossAndGradient(TokenBatch b, LossConfig config, long seed, float[] entropy, double entropyCoef) {
    TokenPlan plan = new LossPlanner(config, new Random(seed)).plan(b);
    try (NDManager m = NDManager.newBaseManager(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray logp = m.create(b.logp(), new ai.djl.ndarray.types.Shape(1, b.size()));
      logp.setRequiresGradient(true);
      NDArray h = m.create(entropy, new ai.djl.ndarray.types.Shape(1, b.size()));
      NDArray loss = SurrogateLoss.loss(logp, h, b, plan, null, config, entropyCoef);
      collector.backward(loss);
      return new float[][] {{loss.getFloat()}, logp.getGradient().toFloatArray()};
    }
  }
}
