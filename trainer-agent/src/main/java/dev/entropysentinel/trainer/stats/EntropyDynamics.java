package dev.entropysentinel.trainer.stats;

/**
 * Entropy of a softmax policy and its first-order change (science.md §2), per state, on logits.
 * The trainer applies {@link #lemma1Predicted} to each sampled state with the logits before and
 * after a step; the tabular theorems are here so tests can check them against exact updates.
 */
public final class EntropyDynamics {
  private EntropyDynamics() {}

  /** {@code log softmax(z)}, computed stably. */
  public static double[] logSoftmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double logZ = max + Math.log(sum);
    double[] out = new double[z.length];
    for (int a = 0; a < z.length; a++) {
      out[a] = z[a] - logZ;
    }
    return out;
  }

  /** {@code H = -Σ_a π(a) log π(a)}. */
  public static double entropy(double[] z) {
    double[] logp = logSoftmax(z);
    double h = 0;
    for (double lp : logp) {
      h -= Math.exp(lp) * lp;
    }
    return h;
  }

  /** {@code Cov_{a~π}(x(a), y(a)) = Σ π x y - (Σ π x)(Σ π y)}. */
  public static double covariance(double[] logp, double[] x, double[] y) {
    double exy = 0;
    double ex = 0;
    double ey = 0;
    for (int a = 0; a < logp.length; a++) {
      double p = Math.exp(logp[a]);
      exy += p * x[a] * y[a];
      ex += p * x[a];
      ey += p * y[a];
    }
    return exy - ex * ey;
  }

  /** Lemma 1: {@code H(z1) - H(z0) ≈ -Cov_{a~π0}(log π0(a), z1(a) - z0(a))}. */
  public static double lemma1Predicted(double[] z0, double[] z1) {
    double[] logp = logSoftmax(z0);
    double[] dz = new double[z0.length];
    for (int a = 0; a < dz.length; a++) {
      dz[a] = z1[a] - z0[a];
    }
    return -covariance(logp, logp, dz);
  }

  /** Theorem 1 (vanilla policy gradient, step η): {@code ΔH ≈ -η Cov(log π(a), π(a)·A(a))}. */
  public static double vanillaPgPredicted(double[] z, double[] advantage, double eta) {
    double[] logp = logSoftmax(z);
    double[] pa = new double[z.length];
    for (int a = 0; a < z.length; a++) {
      pa[a] = Math.exp(logp[a]) * advantage[a];
    }
    return -eta * covariance(logp, logp, pa);
  }

  /** Theorem 2 (natural policy gradient, step η): {@code ΔH ≈ -η Cov(log π(a), A(a))}. */
  public static double naturalPgPredicted(double[] z, double[] advantage, double eta) {
    double[] logp = logSoftmax(z);
    return -eta * covariance(logp, logp, advantage);
  }

  /**
   * Sums of predicted (Lemma 1) and measured entropy changes over the valid states of flattened
   * logits {@code [n × vocab]} taken before ({@code z0}) and after ({@code z1}) an update. One pass
   * per state, no allocation per state: the same quantities as {@link #lemma1Predicted} and
   * {@link #entropy}.
   *
   * @return {predictedSum, measuredSum}
   */
  public static double[] changeSums(float[] z0, float[] z1, int vocab, boolean[] valid) {
    return changeSums(z0, z1, vocab, valid, new double[vocab]);
  }

  /** {@link #changeSums(float[], float[], int, boolean[])} with a caller's scratch array of {@code vocab} doubles (overwritten). */
  public static double[] changeSums(float[] z0, float[] z1, int vocab, boolean[] valid, double[] logp0) {
    double predicted = 0;
    double measured = 0;
    for (int s = 0; s < valid.length; s++) {
      if (!valid[s]) {
        continue;
      }
      int o = s * vocab;
      double logZ0 = logSumExp(z0, o, vocab);
      double logZ1 = logSumExp(z1, o, vocab);
      double h0 = 0;
      double h1 = 0;
      for (int v = 0; v < vocab; v++) {
        logp0[v] = z0[o + v] - logZ0;
        h0 -= Math.exp(logp0[v]) * logp0[v];
        double lp1 = z1[o + v] - logZ1;
        h1 -= Math.exp(lp1) * lp1;
      }
      // -Cov_{a~π0}(log π0, Δz) = -(E[log π0 · Δz] - E[log π0] E[Δz])
      double exy = 0;
      double ey = 0;
      for (int v = 0; v < vocab; v++) {
        double p = Math.exp(logp0[v]);
        double dz = (double) z1[o + v] - z0[o + v];
        exy += p * logp0[v] * dz;
        ey += p * dz;
      }
      predicted -= exy - (-h0) * ey;
      measured += h1 - h0;
    }
    return new double[] {predicted, measured};
  }

  private static double logSumExp(float[] z, int offset, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < n; v++) {
      max = Math.max(max, z[offset + v]);
    }
    double sum = 0;
    for (int v = 0; v < n; v++) {
      sum += Math.exp(z[offset + v] - max);
    }
    return max + Math.log(sum);
  }
}
