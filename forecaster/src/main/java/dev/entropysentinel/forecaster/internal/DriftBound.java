package dev.entropysentinel.forecaster.internal;

import java.util.List;
import java.util.Locale;
import dev.entropysentinel.forecaster.ValidationPoint;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * How much a slow drift could still add before the planned end: the upper bound of the gain of a
 * log-linear trend {@code R = c + k ln(t + 1)} fitted on the recent validations, extrapolated over
 * the horizon left. RLVR scores keep creeping up roughly linearly in log-steps long after they look
 * flat (a real 1 100-step run gained 0.025 after step 100), which a short window cannot see; so:
 *
 * <ul>
 *   <li>the evidence must span {@value #EVIDENCE_FACTOR} times as much log-time as the horizon left:
 *       the window starts at {@code w = (s+1)((s+1)/(T+1))^2 - 1}, so {@code ln((s+1)/(w+1)) =
 *       2 ln((T+1)/(s+1))}; a STOP throwing away half a run needs validations from an eighth of it on,
 *       one throwing away 90% from 0.1% of it on; a run whose usable validations (after the burn-in)
 *       start later than {@code w} has no bound yet. Twice, not once: the estimated rise over a window
 *       as long as the horizon is as noisy as the validations themselves, and the longer window reaches
 *       back into steeper parts of a saturating curve, which only makes the bound more cautious;
 *   <li>the bound is {@code max(0, k + t·se(k)) · ln((T+1)/(s+1))}, a one-sided {@value #CONFIDENCE}
 *       Student-t upper bound of the slope times the log-horizon, so it grows with the horizon and
 *       with the noise of the evidence.
 * </ul>
 *
 * <p>The gain is counted from the trend's value at the current step, not from the last validation: a
 * STOP taken while the score sits in a dip would also forgo the way back up to the trend, so
 * {@link #gainOver(double)} adds it.
 *
 * @param gainBound upper bound of the trend's gain still ahead (score units), +inf when there is no bound
 * @param trendNow the trend's value at the current step (NaN without a bound)
 * @param slopeHi upper bound of the slope per unit of ln(step + 1)
 * @param slope the fitted slope
 * @param horizon ln((T+1)/(s+1)), the log-time left
 * @param windowStart first step of the evidence window
 * @param points validations in the window
 * @param shortfall why there is no bound, or {@code null}
 */
public record DriftBound(double gainBound, double trendNow, double slopeHi, double slope, double horizon, int windowStart, int points,
    String shortfall) {
  /** One-sided confidence of the slope's upper bound. */
  public static final double CONFIDENCE = 0.95;
  /** Validations the window needs: with fewer the residual variance has too few degrees of freedom. */
  public static final int MIN_POINTS = 5;
  /** The evidence window's length in log-steps, as a multiple of the horizon left. */
  public static final double EVIDENCE_FACTOR = 2;

  /**
   * The bound at validation step {@code step} of a run planned to {@code totalSteps}.
   *
   * @param usable validation points after the burn-in, oldest first, up to {@code step}
   */
  public static DriftBound of(List<ValidationPoint> usable, int step, int totalSteps) {
    double horizon = Math.log((totalSteps + 1.0) / (step + 1.0));
    if (!(horizon > 0)) {
      return new DriftBound(0, Double.NaN, 0, 0, 0, step, 0, null);
    }
    double reach = (step + 1.0) * Math.exp(-EVIDENCE_FACTOR * horizon) - 1;
    List<ValidationPoint> upTo = usable.stream().filter(p -> p.step() <= step).toList();
    if (upTo.isEmpty() || upTo.get(0).step() > reach) {
      int windowStart = (int) Math.ceil(reach);
      return none(horizon, windowStart, 0, String.format(Locale.ROOT,
          "the validations after the burn-in start at step %s, later than step %d where evidence twice as long "
              + "as the horizon (in log-steps) must start", upTo.isEmpty() ? "(none)" : upTo.get(0).step(), windowStart));
    }
    int from = 0;
    while (from < upTo.size() - MIN_POINTS && upTo.get(from + 1).step() <= reach) {
      from++;
    }
    List<ValidationPoint> window = upTo.subList(from, upTo.size());
    int windowStart = window.get(0).step();
    if (window.size() < MIN_POINTS) {
      return none(horizon, windowStart, window.size(), String.format(Locale.ROOT,
          "only %d validations after the burn-in (needs %d)", window.size(), MIN_POINTS));
    }
    SimpleRegression trend = new SimpleRegression();
    window.forEach(p -> trend.addData(Math.log(p.step() + 1.0), p.score()));
    int n = window.size();
    double t = new TDistribution(n - 2).inverseCumulativeProbability(CONFIDENCE);
    double slopeHi = trend.getSlope() + t * trend.getSlopeStdErr();
    return new DriftBound(Math.max(0, slopeHi) * horizon, trend.predict(Math.log(step + 1.0)), slopeHi, trend.getSlope(), horizon, windowStart, n, null);
  }

  private static DriftBound none(double horizon, int windowStart, int points, String why) {
    return new DriftBound(Double.POSITIVE_INFINITY, Double.NaN, Double.NaN, Double.NaN, horizon, windowStart, points, why);
  }

  /**
   * The most a STOP now could forgo by the planned end, against the current {@code level} (the
   * mean of the last validations): the bound over the horizon plus how far the level sits below the
   * trend (a level above it is not credited).
   */
  public double gainOver(double level) {
    return Double.isNaN(trendNow) ? gainBound : gainBound + Math.max(0, trendNow - level);
  }

  /** The evidence and the bound in words, for a decision's reason. */
  public String describe() {
    if (shortfall != null) {
      return "no drift bound: " + shortfall;
    }
    return String.format(Locale.ROOT, "drift's %.0f%% bound %.4f over %.2f ln-steps left from %d validations since "
        + "step %d (slope %.4f, upper %.4f; trend now %.4f)", 100 * CONFIDENCE, gainBound, horizon, points, windowStart,
        slope, slopeHi, trendNow);
  }
}
