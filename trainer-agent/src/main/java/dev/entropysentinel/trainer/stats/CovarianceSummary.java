package dev.entropysentinel.trainer.stats;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.trainer.loss.TokenSelection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The step-stats covariance summary: moments of {@code cov_i} over valid tokens and the mean of
 * each of the paper's top groups ({@link Covariance#PAPER_GROUPS}), a group of fraction f being
 * the {@code max(1, floor(f·N))} largest values.
 */
public final class CovarianceSummary {
  private CovarianceSummary() {}

  public static Covariance of(float[] logp, float[] advantages, boolean[] mask) {
    return of(logp, advantages, mask, new double[logp.length]);
  }

  /** The same, computed in {@code scratch} (at least as long as {@code logp}; overwritten) instead of new arrays. */
  public static Covariance of(float[] logp, float[] advantages, boolean[] mask, double[] scratch) {
    double[] cov = TokenSelection.tokenCovariance(logp, advantages, mask, scratch);
    int n = 0;
    for (int i = 0; i < logp.length; i++) {
      if (!Double.isNaN(cov[i])) {
        cov[n++] = cov[i];
      }
    }
    if (n == 0) {
      return Covariance.empty();
    }
    Arrays.sort(cov, 0, n);
    double sum = 0;
    double sumSquares = 0;
    for (int i = 0; i < n; i++) {
      sum += cov[i];
      sumSquares += cov[i] * cov[i];
    }
    List<Covariance.TopGroup> groups = new ArrayList<>(Covariance.PAPER_GROUPS.size());
    for (double fraction : Covariance.PAPER_GROUPS) {
      int k = TokenSelection.budget(fraction, n);
      double top = 0;
      for (int i = n - k; i < n; i++) {
        top += cov[i];
      }
      groups.add(new Covariance.TopGroup(fraction, k, top));
    }
    return new Covariance(n, sum, sumSquares, groups);
  }
}
