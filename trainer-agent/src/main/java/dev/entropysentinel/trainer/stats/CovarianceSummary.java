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
    double[] cov = TokenSelection.tokenCovariance(logp, advantages, mask);
    int n = 0;
    for (double v : cov) {
      if (!Double.isNaN(v)) {
        cov[n++] = v;
      }
    }
    if (n == 0) {
      return Covariance.empty();
    }
    double[] valid = Arrays.copyOf(cov, n);
    Arrays.sort(valid);
    double sum = 0;
    double sumSquares = 0;
    for (double v : valid) {
      sum += v;
      sumSquares += v * v;
    }
    List<Covariance.TopGroup> groups = new ArrayList<>();
    for (double fraction : Covariance.PAPER_GROUPS) {
      int k = TokenSelection.budget(fraction, valid.length);
      double top = 0;
      for (int i = valid.length - k; i < valid.length; i++) {
        top += valid[i];
      }
      groups.add(new Covariance.TopGroup(fraction, k, top));
    }
    return new Covariance(valid.length, sum, sumSquares, groups);
  }
}
