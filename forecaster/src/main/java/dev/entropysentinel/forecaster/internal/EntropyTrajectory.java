package dev.entropysentinel.forecaster.internal;

import java.util.NavigableMap;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Extrapolates the entropy to a later step as exponential decay toward zero,
 * {@code H(t) = H0 * exp(-k t)}, fitted by least squares on log H. Without an intervention the
 * entropy collapses toward zero (science.md section 1); a decay fitted with a free asymptote on a
 * short early window saturates at about the current value and so hides the drop still to come.
 * When the entropy is not falling, the recent level is carried forward instead.
 */
public final class EntropyTrajectory {
  private static final int RECENT = 5;

  private final SimpleRegression logFit;
  private final double recentLevel;

  private EntropyTrajectory(SimpleRegression logFit, double recentLevel) {
    this.logFit = logFit;
    this.recentLevel = recentLevel;
  }

  /** Fits on the entropies of steps in [fromStep, toStep]. */
  public static EntropyTrajectory fit(NavigableMap<Integer, Double> entropy, int fromStep, int toStep) {
    NavigableMap<Integer, Double> window = entropy.subMap(fromStep, true, toStep, true);
    SimpleRegression regression = new SimpleRegression();
    window.forEach((step, h) -> {
      if (h > 0) {
        regression.addData(step, Math.log(h));
      }
    });
    double recent = window.descendingMap().values().stream().limit(RECENT)
        .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    return new EntropyTrajectory(regression, recent);
  }

  /** The entropy expected at {@code step}; {@code NaN} when no entropy was seen. */
  public double predict(int step) {
    if (logFit.getN() < 3 || !(logFit.getSlope() < 0)) {
      return recentLevel;
    }
    return Math.exp(logFit.predict(step));
  }
}
