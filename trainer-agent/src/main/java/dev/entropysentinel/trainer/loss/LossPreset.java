package dev.entropysentinel.trainer.loss;

/**
 * Starting points for the covariance-controlled methods' parameters. {@link #PAPER} keeps the
 * science.md defaults, which were set for 7B–32B models with hundreds of thousands of tokens per
 * batch. On the built-in tiny trainer a mini-batch holds only ~300–600 valid tokens, so the paper's
 * ratios ({@code clip_cov_ratio 2e-4}, {@code kl_cov_ratio 2e-3}) select a single token and the
 * intervention barely acts; {@link #TINY} scales the selections to tens of tokens and strengthens
 * STEER's down-weighting so the intervention is visible in entropy at the same seed and steps.
 * Flags given explicitly always override a preset.
 */
public enum LossPreset {
  /** science.md defaults. */
  PAPER,
  /**
   * Clip-Cov ratio 0.1, KL-Cov ratio 0.1 (k = 10% of valid tokens, kl_coef 1), STEER w_min 0.5;
   * other parameters as in {@link #PAPER}. Measured on the default task, seed 7, 150 steps: mean
   * entropy over steps 10..149 GRPO 0.34, Clip-Cov 0.40, KL-Cov 0.43, STEER 0.35, at the same final
   * validation mean@4 (0.56). Ratios 0.02 barely differed from GRPO; KL-Cov with kl_coef 5 held
   * entropy near 0.9 but stopped learning (0.25).
   */
  TINY;

  /**
   * @throws IllegalArgumentException listing the valid names when {@code name} is unknown
   */
  public static LossPreset parse(String name) {
    for (LossPreset p : values()) {
      if (p.name().equalsIgnoreCase(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown preset '" + name + "', expected paper or tiny");
  }

  /** Applies this preset's values to {@code builder} (before any explicit flag). */
  public LossConfig.Builder apply(LossConfig.Builder builder) {
    if (this == TINY) {
      builder.clipCovRatio(0.1).klCovRatio(0.1).steerWMin(0.5);
    }
    return builder;
  }
}
