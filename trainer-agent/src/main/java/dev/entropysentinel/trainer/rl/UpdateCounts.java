package dev.entropysentinel.trainer.rl;

import dev.entropysentinel.trainer.loss.TokenBatch;
import dev.entropysentinel.trainer.loss.TokenPlan;

/** Token counts of the last PPO epoch, where every valid token is seen exactly once. */
final class UpdateCounts {
  long clipLow;
  long clipHigh;
  long detached;
  long penalised;
  double weightMin = Double.POSITIVE_INFINITY;
  double weightSum;
  double klSum;

  /** {@code zeroWeightIsDetached}: forking tokens' weight-0 tokens get no gradient, like Clip-Cov's detached ones. */
  void add(TokenBatch b, TokenPlan plan, boolean zeroWeightIsDetached) {
    boolean[] mask = b.mask();
    clipLow += TokenPlan.count(plan.clippedLow(), mask);
    clipHigh += TokenPlan.count(plan.clippedHigh(), mask);
    detached += TokenPlan.count(plan.detached(), mask);
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] && zeroWeightIsDetached && plan.weight()[i] == 0f && !plan.detached()[i]) {
        detached++;
      }
      if (mask[i]) {
        penalised += plan.klPenalty()[i] != 0 ? 1 : 0;
        weightMin = Math.min(weightMin, plan.weight()[i]);
        weightSum += plan.weight()[i];
        klSum += (double) b.oldLogp()[i] - b.logp()[i];
      }
    }
  }

  double weightMin() {
    return Double.isFinite(weightMin) ? weightMin : 1.0;
  }
}
