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
   * Sized for this trainer's ~150-token mini-batches (science.md, "what that means for a small
   * trainer"; the trainer README's table shows how they were chosen): 4 PPO mini-batches per epoch
   * (8 updates per rollout with the default 2 epochs, 7 of them off-policy) for every method, so
   * GRPO is compared at the same update count. KL-Cov: the top 10% of valid tokens by covariance,
   * kl_coef 2 (≥ |A|·ratio for the selected tokens). Clip-Cov: GRPO's own PPO clip (0.2/0.2, not
   * the paper's 1: at this learning rate GRPO clips 1–9% of tokens, and removing that brake would
   * speed the collapse Clip-Cov is meant to slow), covariance bounds (0.2, 100) read off the
   * observed distribution (lb near its 85th–90th percentile late in a run; no upper bound in effect,
   * because here the top 2% of tokens, which carry the net covariance, lie above Qwen's ub 5), and
   * up to 15% of the tokens detached, so late in a run every candidate is. STEER w_min 0.5.
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
      builder.klCovRatio(0.1).klCoef(2).clipCovRatio(0.18).clipCovLb(0.2).clipCovUb(100).steerWMin(0.5);
      if (builder.method() == Method.CLIP_COV) {
        builder.epsLow(0.2).epsHigh(0.2);
      }
    }
    return builder;
  }

  /** PPO mini-batches per epoch this preset sets for every method, or empty to keep the trainer's. */
  public java.util.OptionalInt miniBatches() {
    return this == TINY ? java.util.OptionalInt.of(4) : java.util.OptionalInt.empty();
  }
}
