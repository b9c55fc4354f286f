package dev.entropysentinel.trainer.rl;

/**
 * Draws a token from logits by inverse CDF: softmax, cumulative sum, first index whose cumulative
 * probability exceeds a uniform draw. (The PyTorch engine of DJL has no multinomial sampler.)
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
    double target = u * total;
    double cumulative = 0;
    for (int v = 0; v < vocab; v++) {
      cumulative += weights[v];
      if (target < cumulative) {
        return v;
      }
    }
    return vocab - 1;
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
