package dev.entropysentinel.trainer.loss;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The token-level formulas of science.md §3, one method each, on detached values. Only valid
 * tokens enter means, budgets and selections.
 */
public final class TokenSelection {
  /** STEER clamps p to [P_MIN, 1 - P_MIN]. */
  static final double P_MIN = 1e-8;
  /** STEER exponential: k = -ln(w_min) / max(m_max, M_FLOOR). */
  static final double M_FLOOR = 0.02;

  private TokenSelection() {}

  /** {@code k = max(1, floor(ratio * nValid))}: how many tokens a fraction {@code ratio} selects. */
  public static int budget(double ratio, int nValid) {
    return Math.max(1, (int) Math.floor(ratio * nValid));
  }

  /**
   * {@code cov_i = (logp_i - mean(logp)) * (A_i - mean(A))}, means over valid tokens; NaN at masked
   * positions.
   */
  public static double[] tokenCovariance(float[] logp, float[] advantages, boolean[] mask) {
    return tokenCovariance(logp, advantages, mask, new double[logp.length]);
  }

  /** {@link #tokenCovariance(float[], float[], boolean[])} written into {@code cov} (at least as long as {@code logp}), which it returns. */
  public static double[] tokenCovariance(float[] logp, float[] advantages, boolean[] mask, double[] cov) {
    double sumLogp = 0;
    double sumA = 0;
    int n = 0;
    for (int i = 0; i < logp.length; i++) {
      if (mask[i]) {
        sumLogp += logp[i];
        sumA += advantages[i];
        n++;
      }
    }
    double meanLogp = n == 0 ? 0 : sumLogp / n;
    double meanA = n == 0 ? 0 : sumA / n;
    for (int i = 0; i < logp.length; i++) {
      cov[i] = mask[i] ? (logp[i] - meanLogp) * (advantages[i] - meanA) : Double.NaN;
    }
    return cov;
  }

  /** PPO clipping took effect below: {@code A < 0} and {@code ratio < 1 - epsLow}. */
  public static boolean[] clippedLow(TokenBatch b, double epsLow) {
    boolean[] out = new boolean[b.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.mask()[i] && b.advantages()[i] < 0 && ratio(b, i) < 1 - epsLow;
    }
    return out;
  }

  /** PPO clipping took effect above: {@code A > 0} and {@code ratio > 1 + epsHigh}. */
  public static boolean[] clippedHigh(TokenBatch b, double epsHigh) {
    boolean[] out = new boolean[b.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.mask()[i] && b.advantages()[i] > 0 && ratio(b, i) > 1 + epsHigh;
    }
    return out;
  }

  private static double ratio(TokenBatch b, int i) {
    return Math.exp((double) b.logp()[i] - b.oldLogp()[i]);
  }

  /**
   * Clip-Cov: among valid tokens not already clipped, those with {@code lb < cov < ub}; of them
   * {@code min(k, candidates)} chosen uniformly at random, {@code k = budget(clipCovRatio, N_valid)}.
   */
  public static boolean[] clipCovDetached(TokenBatch b, boolean[] clipped, double clipCovRatio, double lb, double ub,
      Random random) {
    double[] cov = tokenCovariance(b.logp(), b.advantages(), b.mask());
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < cov.length; i++) {
      if (b.mask()[i] && !clipped[i] && cov[i] > lb && cov[i] < ub) {
        candidates.add(i);
      }
    }
    int k = Math.min(budget(clipCovRatio, b.validCount()), candidates.size());
    boolean[] detached = new boolean[b.size()];
    for (int j = 0; j < k; j++) {
      int pick = j + random.nextInt(candidates.size() - j);
      java.util.Collections.swap(candidates, j, pick);
      detached[candidates.get(j)] = true;
    }
    return detached;
  }

  /** KL-Cov: the top {@code k = budget(klCovRatio, N_valid)} valid tokens by covariance. */
  public static boolean[] klCovPenalised(TokenBatch b, double klCovRatio) {
    double[] cov = tokenCovariance(b.logp(), b.advantages(), b.mask());
    return topValid(cov, b.mask(), budget(klCovRatio, b.validCount()));
  }

  /** Forking tokens: the top {@code k = budget(rho, N_valid)} valid tokens by rollout entropy. */
  public static boolean[] forkingTokens(TokenBatch b, double rho) {
    double[] h = new double[b.size()];
    for (int i = 0; i < h.length; i++) {
      h[i] = b.oldEntropy()[i];
    }
    return topValid(h, b.mask(), budget(rho, b.validCount()));
  }

  private static boolean[] topValid(double[] score, boolean[] mask, int k) {
    boolean[] selected = new boolean[score.length];
    IntStream.range(0, score.length).filter(i -> mask[i]).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> score[i]).reversed())
        .limit(k)
        .forEach(i -> selected[i] = true);
    return selected;
  }

  /**
   * STEER's estimated entropy-change influence {@code Ω_i = (A_i / exp(old_logp_i)) · p(1-p) ·
   * (ln p + H_i)}, p = exp(logp_i) clamped to [1e-8, 1 - 1e-8], H_i the rollout entropy.
   */
  public static double steerInfluence(double advantage, double logp, double oldLogp, double oldEntropy) {
    double p = Math.min(Math.max(Math.exp(logp), P_MIN), 1 - P_MIN);
    return advantage / Math.exp(oldLogp) * p * (1 - p) * (Math.log(p) + oldEntropy);
  }

  /**
   * STEER weights from {@code m_i = |Ω_i|} (non-finite → 0), m_min/m_max over valid tokens.
   * Linear: {@code clip(w_max - (m - m_min)(w_max - w_min)/(m_max - m_min), w_min, w_max)} (all
   * w_max when m_max = m_min); exponential: {@code clip(exp(-k m), w_min, 1)}, {@code k =
   * -ln(w_min)/max(m_max, 0.02)}. Masked tokens get weight 0.
   */
  public static float[] steerWeights(TokenBatch b, SteerMode mode, double wMin, double wMax) {
    double[] m = new double[b.size()];
    double mMin = Double.POSITIVE_INFINITY;
    double mMax = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < m.length; i++) {
      if (!b.mask()[i]) {
        continue;
      }
      double omega = Math.abs(steerInfluence(b.advantages()[i], b.logp()[i], b.oldLogp()[i], b.oldEntropy()[i]));
      m[i] = Double.isFinite(omega) ? omega : 0;
      mMin = Math.min(mMin, m[i]);
      mMax = Math.max(mMax, m[i]);
    }
    float[] w = new float[b.size()];
    double k = mode == SteerMode.EXPONENTIAL ? -Math.log(wMin) / Math.max(mMax, M_FLOOR) : 0;
    for (int i = 0; i < w.length; i++) {
      if (!b.mask()[i]) {
        continue;
      }
      double wi;
      if (mode == SteerMode.EXPONENTIAL) {
        wi = clamp(Math.exp(-k * m[i]), wMin, 1);
      } else {
        wi = mMax > mMin ? clamp(wMax - (m[i] - mMin) * (wMax - wMin) / (mMax - mMin), wMin, wMax) : wMax;
      }
      w[i] = (float) wi;
    }
    return w;
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.min(Math.max(v, lo), hi);
  }
}
