package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.finite;
import static dev.entropysentinel.schemas.internal.Require.list;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;

import java.util.List;

/**
 * Summary of the token-level covariance cov_i = (logp_i − mean logp)(A_i − mean A) of a step
 * (science.md §2): mergeable moments plus the paper's top-group table (top 0.02%, 0.2%, 2%, 20%,
 * 50%, all). Top groups of different ranks merge approximately (sums and counts add; the union
 * of local tops is not the global top), which the stream processor states where it shows them.
 */
public record Covariance(long count, double sum, double sumSquares, List<TopGroup> topGroups) {

  /** The paper's groups, as fractions of valid tokens. */
  public static final List<Double> PAPER_GROUPS = List.of(0.0002, 0.002, 0.02, 0.2, 0.5, 1.0);

  public Covariance {
    nonNegative("covariance.count", count);
    finite("covariance.sum", sum);
    nonNegative("covariance.sumSquares", sumSquares);
    topGroups = list("covariance.topGroups", topGroups);
  }

  public static Covariance empty() {
    return new Covariance(0, 0, 0, List.of());
  }

  public double mean() {
    return count == 0 ? 0 : sum / count;
  }

  /** Mean covariance of the tokens whose covariance is in the top {@code fraction} of the batch. */
  public record TopGroup(double fraction, long count, double sum) {
    public TopGroup {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new InvalidRecordException("covariance.topGroups.fraction", "must be in (0, 1], was " + fraction);
      }
      nonNegative("covariance.topGroups.count", count);
      finite("covariance.topGroups.sum", sum);
    }

    public double mean() {
      return count == 0 ? 0 : sum / count;
    }
  }
}
