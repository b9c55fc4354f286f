package dev.entropysentinel.forecaster.internal;

import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;
import dev.entropysentinel.forecaster.EntropyLawFit;
import dev.entropysentinel.forecaster.ValidationPoint;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The models the forecast combines. Each predicts the score at a target step from the validation
 * points and entropies seen up to an origin step, so the same code serves the forecast and its
 * out-of-sample checks.
 */
public enum CandidateModel {
  /** Carries the last validation score forward: the baseline to beat. */
  LAST_VALUE("last-value", 1) {
    @Override
    Optional<IntToDoubleFunction> fitRaw(List<ValidationPoint> history, NavigableMap<Integer, Double> entropy) {
      double last = history.get(history.size() - 1).score();
      return Optional.of(step -> last);
    }
  },
  /**
   * The entropy law's gain still to come, anchored at the last score:
   * {@code R_last + s * a * (exp(H(now)) - exp(H(target)))}, with H from {@link EntropyTrajectory}.
   * Anchoring drops the intercept, which early points fit poorly; {@code s} shrinks the gain by the
   * slope's evidence (see {@link #significance}), so a law fitted on three noisy points does not
   * extrapolate a trend it cannot tell from noise.
   */
  ENTROPY_LAW("entropy-law", 3) {
    @Override
    Optional<IntToDoubleFunction> fitRaw(List<ValidationPoint> history, NavigableMap<Integer, Double> entropy) {
      EntropyLawFit fit = EntropyLawFit.empty();
      for (ValidationPoint p : history) {
        fit = fit.add(p.entropy(), p.score());
      }
      ValidationPoint last = history.get(history.size() - 1);
      EntropyTrajectory trajectory = EntropyTrajectory.fit(entropy, history.get(0).step(), entropy.lastKey());
      double xNow = Math.exp(trajectory.predict(last.step()));
      double slope = significance(fit) * fit.a();
      return Double.isFinite(slope) && Double.isFinite(xNow)
          ? Optional.of(step -> last.score() + slope * (xNow - Math.exp(trajectory.predict(step))))
          : Optional.empty();
    }
  },
  /** The pow3 step curve c - a (t + 1)^-alpha. */
  POW3("pow3", 3) {
    @Override
    Optional<IntToDoubleFunction> fitRaw(List<ValidationPoint> history, NavigableMap<Integer, Double> entropy) {
      return Pow3Curve.fit(history);
    }
  },
  /**
   * The last value plus the median entropy-law gain still ahead under the slope prior
   * ({@link RemainingGain}). Never fitted through {@link #fit}: the forecaster uses it in place
   * of the last value when no model has been checked out of sample yet, the only case in which
   * the last value's default weight rests on no evidence at all.
   */
  ENTROPY_PRIOR("entropy-prior", Integer.MAX_VALUE) {
    @Override
    Optional<IntToDoubleFunction> fitRaw(List<ValidationPoint> history, NavigableMap<Integer, Double> entropy) {
      return Optional.empty();
    }
  };

  /** Scores are accuracies in [0, 1] or +-1 rewards: no forecast may leave [-1, 1]. */
  private static final double SCORE_BOUND = 1.0;
  /** Confidence at which a fitted slope counts as real. */
  private static final double SIGNIFICANCE = 0.90;

  private final String label;
  private final int minPoints;

  CandidateModel(String label, int minPoints) {
    this.label = label;
    this.minPoints = minPoints;
  }

  /** The name shown to users. */
  public String label() {
    return label;
  }

  /** Validation points this model needs before it can predict. */
  public int minPoints() {
    return minPoints;
  }

  /**
   * Fits the model to {@code history} (validations up to the origin, oldest first) and
   * {@code entropy} (per step, up to the origin); the result predicts the score at any later step,
   * or is empty if the model cannot be fitted.
   */
  public Optional<IntToDoubleFunction> fit(List<ValidationPoint> history, NavigableMap<Integer, Double> entropy) {
    if (history.size() < minPoints || entropy.isEmpty()) {
      return Optional.empty();
    }
    return fitRaw(history, entropy).map(f -> step -> Math.max(-SCORE_BOUND, Math.min(SCORE_BOUND, f.applyAsDouble(step))));
  }

  /**
   * Positive-part shrinkage of a fitted slope by its t statistic, {@code max(0, 1 - (t_crit / t)^2)}
   * with t_crit the two-sided {@link #SIGNIFICANCE} quantile of Student's t on n - 2 degrees of
   * freedom: 0 for a slope not distinguishable from zero, near 1 for a clear one.
   */
  static double significance(EntropyLawFit fit) {
    double t = Math.abs(fit.slope()) / fit.aStdErr();
    if (fit.n() < 3 || !Double.isFinite(fit.slope())) {
      return 0;
    }
    if (!(t < Double.POSITIVE_INFINITY)) {
      return 1;
    }
    double critical = new TDistribution(null, fit.n() - 2).inverseCumulativeProbability((1 + SIGNIFICANCE) / 2);
    return Math.max(0, 1 - (critical / t) * (critical / t));
  }

  abstract Optional<IntToDoubleFunction> fitRaw(List<ValidationPoint> history, NavigableMap<Integer, Double> entropy);
}
