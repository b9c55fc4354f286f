package dev.entropysentinel.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each method's selection or weights on tiny batches computed by hand (science.md §3). */
class TokenSelectionTest {
  private static final float LN_HALF = (float) Math.log(0.5);
  private static final float LN_QUARTER = (float) Math.log(0.25);

  @Test
  void budgetIsTheFloorOfTheFractionButAtLeastOne() {
    assertThat(TokenSelection.budget(2e-4, 100)).isEqualTo(1);
    assertThat(TokenSelection.budget(0.25, 10)).isEqualTo(2);
    assertThat(TokenSelection.budget(0.3, 10)).isEqualTo(3);
    assertThat(TokenSelection.budget(0.002, 5000)).isEqualTo(10);
  }

  @Test
  void covarianceUsesMeansOverValidTokensOnly() {
    double[] cov = TokenSelection.tokenCovariance(new float[] {-1, -2, -3, 99}, new float[] {1, 0, -1, 99},
        new boolean[] {true, true, true, false});
    assertThat(cov[0]).isCloseTo(1, offset(1e-9));
    assertThat(cov[1]).isCloseTo(0, offset(1e-9));
    assertThat(cov[2]).isCloseTo(1, offset(1e-9));
    assertThat(cov[3]).isNaN();
  }

  @Test
  void klCovPenalisesTheTopCovarianceTokensAndNeverAMaskedOne() {
    // valid means: logp -2.4, A 0.8; cov: t0 1.68, t1 0.08, t2 0.48, t3 0.18, t5 0.18; t4 masked (would be huge)
    float[] logp = {-1, -2, -3, -3, 50, -3};
    float[] adv = {2, 1, 0, 0.5f, 50, 0.5f};
    boolean[] mask = {true, true, true, true, false, true};
    TokenBatch b = batch(logp, logp, adv, mask);
    LossPlanner planner = new LossPlanner(LossConfig.builder(Method.KL_COV).klCovRatio(0.4).klCoef(2).build(), new Random(1));
    TokenPlan plan = planner.plan(b);
    // k = max(1, floor(0.4 * 5)) = 2
    assertThat(plan.klPenalty()).containsExactly(2f, 0f, 2f, 0f, 0f, 0f);
    assertThat(plan.clippedLow()).containsOnly(false);
  }

  @Test
  void klCovPenalisesOneTokenEvenWhenTheFractionRoundsToZero() {
    TokenBatch b = batch(new float[] {-1, -2}, new float[] {-1, -2}, new float[] {1, -1}, new boolean[] {true, true});
    TokenPlan plan = new LossPlanner(LossConfig.defaults(Method.KL_COV), new Random(1)).plan(b);
    assertThat(plan.klPenalty()).containsExactly(1f, 0f);
  }

  @Test
  void clipCovDetachesOnlyUnclippedTokensWithCovarianceStrictlyInsideTheBounds() {
    float[] logp = {-0.5f, 0.0f, -1.0f, -2.0f, -3.5f, 9f};
    float[] old = {-0.5f, -0.5f, -1.0f, -2.0f, -3.5f, 9f};
    float[] adv = {1.0f, 3.0f, 5.0f, 1.0f, -2.0f, 9f};
    boolean[] mask = {true, true, true, true, true, false};
    // valid means: logp -1.4, A 1.6; cov: t0 -0.54, t1 1.96, t2 1.36, t3 0.36, t4 7.56 (t5 masked)
    // t1 is in (1, 5) but PPO already clipped it (ratio e^0.5 > 1.2, A > 0); so only t2 is a candidate
    // k = max(1, floor(0.5 * 5)) = 2 > 1 candidate
    LossConfig config = LossConfig.builder(Method.CLIP_COV).epsLow(0.2).epsHigh(0.2).clipCovRatio(0.5).build();
    TokenPlan plan = new LossPlanner(config, new Random(3)).plan(batch(logp, old, adv, mask));
    assertThat(plan.detached()).containsExactly(false, false, true, false, false, false);
    assertThat(plan.clippedHigh()).containsExactly(false, true, false, false, false, false);
  }

  @Test
  void clipCovChoosesExactlyTheBudgetAmongManyCandidates() {
    int n = 1000;
    float[] logp = new float[n];
    float[] adv = new float[n];
    boolean[] mask = new boolean[n];
    for (int i = 0; i < n; i++) {
      logp[i] = i % 2 == 0 ? 0f : -4f;
      adv[i] = i % 2 == 0 ? 1f : -1f;
      mask[i] = true;
    }
    // every token has cov (±2)(±1) = 2, inside (1, 5); k = max(1, floor(0.01 * 1000)) = 10
    LossConfig config = LossConfig.builder(Method.CLIP_COV).clipCovRatio(0.01).build();
    TokenPlan plan = new LossPlanner(config, new Random(5)).plan(batch(logp, logp, adv, mask));
    assertThat(TokenPlan.count(plan.detached(), mask)).isEqualTo(10);
  }

  @Test
  void ppoClippingIsCountedBelowAndAboveAndNeverOnMaskedTokens() {
    float[] old = {0, 0, 0, 0};
    float[] logp = {0.5f, -0.5f, 0.5f, -0.5f};
    float[] adv = {1, -1, -1, -1};
    boolean[] mask = {true, true, true, false};
    TokenPlan plan = new LossPlanner(LossConfig.defaults(Method.GRPO), new Random(1)).plan(batch(logp, old, adv, mask));
    assertThat(plan.clippedHigh()).containsExactly(true, false, false, false);
    assertThat(plan.clippedLow()).containsExactly(false, true, false, false);
  }

  @Test
  void steerLinearWeightsMapTheInfluenceRangeOntoMaxToMin() {
    TokenPlan plan = new LossPlanner(LossConfig.builder(Method.STEER).steerMode(SteerMode.LINEAR).build(), new Random(1))
        .plan(steerBatch());
    // |Ω| = 0, 0.153426, 1.329441 (see steerBatch); w = 1.2 - (m - 0) * 0.4 / 1.329441
    assertThat(plan.weight()[0]).isCloseTo(1.2f, offset(1e-5f));
    assertThat(plan.weight()[1]).isCloseTo(1.153838f, offset(1e-5f));
    assertThat(plan.weight()[2]).isCloseTo(0.8f, offset(1e-5f));
    assertThat(plan.weight()[3]).isZero();
  }

  @Test
  void steerExponentialWeightsDecayWithTheInfluence() {
    TokenPlan plan = new LossPlanner(LossConfig.defaults(Method.STEER), new Random(1)).plan(steerBatch());
    // k = -ln 0.8 / 1.329441 = 0.167848; w = exp(-k m) clipped to [0.8, 1]
    assertThat(plan.weight()[0]).isCloseTo(1f, offset(1e-6f));
    assertThat(plan.weight()[1]).isCloseTo(0.974577f, offset(1e-5f));
    assertThat(plan.weight()[2]).isCloseTo(0.8f, offset(1e-5f));
  }

  @Test
  void steerExponentialUsesTheFloorWhenAllInfluencesAreTiny() {
    TokenBatch b = batch(new float[] {LN_HALF}, new float[] {LN_HALF}, new float[] {0.01f}, new boolean[] {true});
    b.oldEntropy()[0] = 1f;
    // m = 0.01/0.5 * 0.25 * (ln 0.5 + 1) = 0.00153426 < 0.02, so k = -ln 0.8 / 0.02
    float w = new LossPlanner(LossConfig.defaults(Method.STEER), new Random(1)).plan(b).weight()[0];
    assertThat(w).isCloseTo((float) Math.exp(Math.log(0.8) / 0.02 * 0.00153426), offset(1e-5f));
  }

  @Test
  void forkingTokensKeepGradientOnlyOnTheHighestEntropyTokens() {
    TokenBatch b = batch(new float[5], new float[5], new float[5], new boolean[] {true, true, true, true, false});
    System.arraycopy(new float[] {0.1f, 2.0f, 0.5f, 1.0f, 9f}, 0, b.oldEntropy(), 0, 5);
    TokenPlan plan = new LossPlanner(LossConfig.builder(Method.FORKING_TOKENS).forkingRho(0.5).build(), new Random(1)).plan(b);
    assertThat(plan.weight()).containsExactly(0f, 1f, 0f, 1f, 0f);
  }

  @Test
  void aGlobalPlanSlicesBackIntoTheRanksParts() {
    TokenBatch r0 = batch(new float[] {-1, -2}, new float[] {-1, -2}, new float[] {1, -1}, new boolean[] {true, true});
    TokenBatch r1 = batch(new float[] {-3}, new float[] {-3}, new float[] {5}, new boolean[] {true});
    TokenBatch all = TokenBatch.concat(java.util.List.of(r0, r1));
    assertThat(all.logp()).containsExactly(-1, -2, -3);
    TokenPlan plan = new LossPlanner(LossConfig.defaults(Method.KL_COV), new Random(1)).plan(all);
    assertThat(plan.slice(2, 1).klPenalty().length).isEqualTo(1);
    assertThat(plan.slice(0, 2).klPenalty()).containsExactly(plan.klPenalty()[0], plan.klPenalty()[1]);
  }

  /**
   * Token 0: A=1, p=0.5, H=ln 2 → Ω = 0. Token 1: A=1, p=0.5, H=1 → Ω = 2·0.25·(1 - ln 2) =
   * 0.153426. Token 2: A=-2, p=0.25, H=0.5 → Ω = -8·0.1875·(0.5 - ln 4) = 1.329441. Token 3 masked.
   */
  private static TokenBatch steerBatch() {
    float[] logp = {LN_HALF, LN_HALF, LN_QUARTER, 0};
    TokenBatch b = batch(logp, logp.clone(), new float[] {1, 1, -2, 100}, new boolean[] {true, true, true, false});
    System.arraycopy(new float[] {(float) Math.log(2), 1f, 0.5f, 0f}, 0, b.oldEntropy(), 0, 4);
    return b;
  }

  static TokenBatch batch(float[] logp, float[] old, float[] adv, boolean[] mask) {
    return new TokenBatch(logp, old, adv, mask, new float[logp.length]);
  }
}
