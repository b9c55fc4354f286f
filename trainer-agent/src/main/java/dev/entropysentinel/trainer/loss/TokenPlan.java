package dev.entropysentinel.trainer.loss;

/**
 * What the loss does with each token, decided from detached values before the differentiable
 * loss is built: a weight that carries no gradient (STEER; forking tokens' 0/1 mask), whether the
 * term is detached (Clip-Cov), and the KL-Cov penalty coefficient. Also counts PPO clipping.
 */
public record TokenPlan(float[] weight, boolean[] detached, float[] klPenalty, boolean[] clippedLow, boolean[] clippedHigh) {

  /** The neutral plan: weight 1, nothing detached or penalised, nothing clipped. */
  public static TokenPlan neutral(int n) {
    float[] w = new float[n];
    java.util.Arrays.fill(w, 1f);
    return new TokenPlan(w, new boolean[n], new float[n], new boolean[n], new boolean[n]);
  }

  public int size() {
    return weight.length;
  }

  /** The plan of tokens {@code [offset, offset + length)}: one rank's part of a global plan. */
  public TokenPlan slice(int offset, int length) {
    return new TokenPlan(
        java.util.Arrays.copyOfRange(weight, offset, offset + length),
        java.util.Arrays.copyOfRange(detached, offset, offset + length),
        java.util.Arrays.copyOfRange(klPenalty, offset, offset + length),
        java.util.Arrays.copyOfRange(clippedLow, offset, offset + length),
        java.util.Arrays.copyOfRange(clippedHigh, offset, offset + length));
  }

  public boolean anyDetached() {
    for (boolean d : detached) {
      if (d) {
        return true;
      }
    }
    return false;
  }

  public boolean anyPenalised() {
    for (float c : klPenalty) {
      if (c != 0) {
        return true;
      }
    }
    return false;
  }

  /** Number of valid tokens with the flag set. */
  public static long count(boolean[] flags, boolean[] mask) {
    long n = 0;
    for (int i = 0; i < flags.length; i++) {
      n += flags[i] && mask[i] ? 1 : 0;
    }
    return n;
  }
}
