package dev.entropysentinel.forecaster.internal;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
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
 *   <li>the evidence window spans a multiple of the horizon left in log-time: with factor f it starts
 *       at {@code w = (s+1)((s+1)/(T+1))^f - 1}, so {@code ln((s+1)/(w+1)) = f ln((T+1)/(s+1))}; a STOP
 *       throwing away half a run needs validations from a quarter (f = 1) or an eighth (f = 2) of it on;
 *       a run whose usable validations (after the burn-in) start later than {@code w} has no bound there;
 *   <li>each window's bound is {@code max(0, k + t·se(k)) · ln((T+1)/(s+1))}, a one-sided Student-t upper
 *       bound of the slope times the log-horizon, so it grows with the horizon and with the noise;
 *   <li>{@link #of} takes the tighter of the windows {@link #EVIDENCE_FACTORS} (1x and 2x the horizon),
 *       each at confidence {@code 1 - (1 - 0.95) / 2} (Bonferroni), so the chosen bound still holds at
 *       {@value #CONFIDENCE} under a log-linear drift, which every window estimates without bias. Why two:
 *       on a curve that saturates, the 2x window reaches back into the end of the rise, whose log-slope is
 *       steeper than the plateau's, and inflates the bound (the 0.5B log at step 299, each at 97.5%: 0.016
 *       from the 2x window since step 139, 0.008 from the 1x one since step 199); the 1x window alone is too noisy and, tested at every validation, let synthetic
 *       slow-drift runs stop with 0.011 still ahead; the 2x window keeps those safe.
 * </ul>
 *
 * <p>The gain is counted from the trend's value at the current step, not from the last validation: a
 * STOP taken while the score sits in a dip would also forgo the way back up to the trend, so
 * {@link #gainOver(double)} adds it, and the windows are compared by it.
 *
 * @param gainBound upper bound of the trend's gain still ahead (score units), +inf when there is no bound
 * @param trendNow the trend's value at the current step (NaN without a bound)
 * @param slopeHi upper bound of the slope per unit of ln(step + 1)
 * @param slope the fitted slope
 * @param horizon ln((T+1)/(s+1)), the log-time left
 * @param factor the evidence window's length in log-steps, as a multiple of the horizon
 * @param windowStart first step of the evidence window
 * @param points validations in the window
 * @param shortfall why there is no bound, or {@code null}
 */
public record DriftBound(double gainBound, double trendNow, double slopeHi, double slope, double horizon, double factor,
    int windowStart, int points, String shortfall) {
  /** One-sided confidence of the chosen bound (split between the windows). */
  public static final double CONFIDENCE = 0.95;
  /** Validations the window needs: with fewer the residual variance has too few degrees of freedom. */
  public static final int MIN_POINTS = 5;
  /** The evidence windows' lengths in log-steps, as multiples of the horizon left; the shortest first. */
  public static final List<Double> EVIDENCE_FACTORS = List.of(1.0, 2.0);

  /**
   * The tighter bound of the {@link #EVIDENCE_FACTORS} windows at validation step {@code step} of a
   * run planned to {@code totalSteps}, judged against the current {@code level}; without any bound,
   * the shortest window's reason.
   *
   * @param usable validation points after the burn-in, oldest first, up to {@code step}
   */
  public static final String VARIANT = System.getProperty("sentinel.drift.variant", "v0");

  public static DriftBound of(List<ValidationPoint> usable, int step, int totalSteps, double level) {
    if (!VARIANT.startsWith("v0")) {
      return SaturatingTrend.of(usable, step, totalSteps, level, VARIANT);
    }
    double each = 1 - (1 - CONFIDENCE) / EVIDENCE_FACTORS.size();
    DriftBound best = null;
    for (double factor : EVIDENCE_FACTORS) {
      DriftBound b = over(usable, step, totalSteps, factor, each);
      if (best == null || b.gainOver(level) < best.gainOver(level)) {
        best = b;
      }
    }
    return best;
  }

  /** The bound from one evidence window {@code factor} times the horizon long, at one-sided {@code confidence}. */
  static DriftBound over(List<ValidationPoint> usable, int step, int totalSteps, double factor, double confidence) {
    double horizon = Math.log((totalSteps + 1.0) / (step + 1.0));
    if (!(horizon > 0)) {
      return new DriftBound(0, Double.NaN, 0, 0, 0, factor, step, 0, null);
    }
    double reach = (step + 1.0) * Math.exp(-factor * horizon) - 1;
    List<ValidationPoint> upTo = usable.stream().filter(p -> p.step() <= step).toList();
    if (upTo.isEmpty() || upTo.get(0).step() > reach) {
      int windowStart = (int) Math.ceil(reach);
      return none(horizon, factor, windowStart, 0, String.format(Locale.ROOT,
          "the validations after the burn-in start at step %s, later than step %d where evidence %s the "
              + "horizon (in log-steps) must start", upTo.isEmpty() ? "(none)" : upTo.get(0).step(), windowStart,
          times(factor)));
    }
    int from = 0;
    while (from < upTo.size() - MIN_POINTS && upTo.get(from + 1).step() <= reach) {
      from++;
    }
    List<ValidationPoint> window = upTo.subList(from, upTo.size());
    int windowStart = window.get(0).step();
    if (window.size() < MIN_POINTS) {
      return none(horizon, factor, windowStart, window.size(), String.format(Locale.ROOT,
          "only %d validations after the burn-in (needs %d)", window.size(), MIN_POINTS));
    }
    SimpleRegression trend = new SimpleRegression();
    window.forEach(p -> trend.addData(Math.log(p.step() + 1.0), p.score()));
    int n = window.size();
    double t = new TDistribution(n - 2).inverseCumulativeProbability(confidence);
    double inflate = VARIANT.contains("ac") ? SaturatingTrend.inflation(window.stream().mapToDouble(
        p -> p.score() - trend.predict(Math.log(p.step() + 1.0))).toArray()) : 1;
    double slopeHi = trend.getSlope() + t * trend.getSlopeStdErr() * inflate;
    return new DriftBound(Math.max(0, slopeHi) * horizon, trend.predict(Math.log(step + 1.0)), slopeHi, trend.getSlope(),
        horizon, factor, windowStart, n, null);
  }

  static DriftBound none(double horizon, double factor, int windowStart, int points, String why) {
    return new DriftBound(Double.POSITIVE_INFINITY, Double.NaN, Double.NaN, Double.NaN, horizon, factor, windowStart, points,
        why);
  }

  private static String times(double factor) {
    return factor == Math.rint(factor) ? (long) factor + "x" : String.format(Locale.ROOT, "%.1fx", factor);
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
        + "step %d (evidence %s the horizon, the tighter of %s; slope %.4f, upper %.4f; trend now %.4f)",
        100 * CONFIDENCE, gainBound, horizon, points, windowStart, times(factor), windows(), slope, slopeHi, trendNow);
  }

  private static String windows() {
    return EVIDENCE_FACTORS.stream().map(DriftBound::times).collect(Collectors.joining(" and "));
  }
}
