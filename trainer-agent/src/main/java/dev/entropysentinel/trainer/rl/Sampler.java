package dev.entropysentinel.trainer.rl;

/**
 * Draws a token from logits by inverse CDF: softmax, cumulative sum, first index whose cumulative
 * probability exceeds a uniform draw. (The PyTorch engine of DJL has no multinomial sampler.) A
 * token whose probability underflows to 0 is never drawn.
 */
public final class Sampler {
  private Sampler() {}

  /** The token for uniform draw {@code u} in [0, 1) from {@code logits[offset, offset + vocab)}. */
  public static int inverseCdf(float[] logits, int offset, int vocab, double u) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      max = Math.max(max, logits[offset + v]);
    }
    double total = 0;
    double[] weights = new double[vocab];
    for (int v = 0; v < vocab; v++) {
      weights[v] = Math.exp(logits[offset + v] - max);
      total += weights[v];
    }
    if (!(total >= 1)) {
      throw new IllegalStateException("logits are not finite (max " + max + "), cannot sample");
    }
    double target = u * total;
    double cumulative = 0;
    int lastPossible = 0;
    for (int v = 0; v < vocab; v++) {
      if (weights[v] == 0) {
        continue;
      }
      cumulative += weights[v];
      lastPossible = v;
      if (target < cumulative) {
        return v;
      }
    }
    // Rounding left the draw at the very top of the CDF: the last token that has probability, never
    // one whose probability underflowed (its log-probability would make the PPO ratio overflow later).
    return lastPossible;
  }

  /** The most probable token (greedy decoding). */
  public static int argmax(float[] logits, int offset, int vocab) {
    int best = 0;
    for (int v = 1; v < vocab; v++) {
      if (logits[offset + v] > logits[offset + best]) {
        best = v;
      }
    }
    return best;
  }
}
