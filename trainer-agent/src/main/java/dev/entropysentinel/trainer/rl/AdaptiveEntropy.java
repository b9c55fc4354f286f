package dev.entropysentinel.trainer.rl;

import dev.entropysentinel.trainer.loss.LossConfig;

/**
 * Skywork-OR1's adaptive entropy control: each step {@code α ← clip(α ± δ, 0, α_max)}, up while
 * the entropy is below the target and down above it; the bonus applies only while H &lt; target.
 */
final class AdaptiveEntropy {
  private final LossConfig config;
  private double alpha;

  AdaptiveEntropy(LossConfig config) {
    this(config, config.entropyCoef());
  }

  /** Continues from {@code alpha} (a resumed run). */
  AdaptiveEntropy(LossConfig config, double alpha) {
    this.config = config;
    this.alpha = alpha;
  }

  /** Updates α from this step's token-mean entropy and returns the coefficient to apply. */
  double coefficient(double entropy) {
    boolean below = entropy < config.targetEntropy();
    double next = alpha + (below ? config.entropyCoefDelta() : -config.entropyCoefDelta());
    alpha = Math.min(Math.max(next, 0), config.entropyCoefMax());
    return below ? alpha : 0;
  }

  double alpha() {
    return alpha;
  }
}
