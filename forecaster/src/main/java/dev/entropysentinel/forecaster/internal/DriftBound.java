package dev.entropysentinel.forecaster.internal;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import dev.entropysentinel.forecaster.DriftShape;
import dev.entropysentinel.forecaster.ValidationPoint;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * How much a slow drift could still add before the planned end: the upper bound of the gain of a trend
 * fitted on the recent validations, extrapolated over the horizon left. RLVR scores keep creeping up long
 * after they look flat (a real 1 100-step run gained 0.025 after step 100), which a short window cannot
 * see. The trend is linear in the drift's "time" x: the step for {@link DriftShape#LINEAR}, ln(step + 1)
 * for {@link DriftShape#LOG}; the horizon is x(T) - x(s).
 *
 * <ul>
 *   <li>the evidence window spans a multiple f of the horizon: it starts where {@code x(w) = x(s) - f·horizon},
 *       i.e. {@code w = s - f(T - s)} (linear) or {@code (s+1)((s+1)/(T+1))^f - 1} (log): a STOP throwing away
 *       a share of the run needs validations from as far back as what it throws away; a run whose usable
 *       validations (after the burn-in) start later than {@code w} has no bound there;
 *   <li>each window's bound is {@code max(0, k + t·se(k)) · horizon}, a one-sided Student-t upper bound of the
 *       slope times the horizon, so it grows with the horizon and with the noise;
 *   <li>{@link #of} takes the tighter of the windows {@link #EVIDENCE_FACTORS} (1x and 2x the horizon), each
 *       at confidence {@code 1 - (1 - 0.95) / 2} (Bonferroni). For a drift of the assumed shape every window
 *       estimates the slope without bias; for a linear window on any concave curve the least-squares slope
 *       is a positively weighted mean of the derivative over the window, so at least the current one: the
 *       linear bound errs on the safe side whatever the drift's shape. Why two windows: on a curve that
 *       saturates, the longer window reaches back into the end of the rise and inflates the bound; the
 *       shorter one alone is as noisy as the validations.
 * </ul>
 *
 * <p>The gain is counted from the trend's value at the current step, not from the last validation: a
 * STOP taken while the score sits in a dip would also forgo the way back up to the trend, so
 * {@link #gainOver(double)} adds it, and the windows are compared by it.
 *
 * @param gainBound upper bound of the trend's gain still ahead (score units), +inf when there is no bound
 * @param trendNow the trend's value at the current step (NaN without a bound)
 * @param slopeHi upper bound of the slope per unit of x
 * @param slope the fitted slope per unit of x
 * @param horizon x(T) - x(s): steps left (linear) or ln((T+1)/(s+1)) (log)
 * @param factor the evidence window's length as a multiple of the horizon
 * @param windowStart first step of the evidence window
 * @param points validations in the window
 * @param shortfall why there is no bound, or {@code null}
 * @param shape the drift's time: steps or log-steps
 */
public record DriftBound(double gainBound, double trendNow, double slopeHi, double slope, double horizon, double factor,
    int windowStart, int points, String shortfall, DriftShape shape) {
  /** One-sided confidence of the chosen bound (split between the windows). */
  public static final double CONFIDENCE = 0.95;
  /** Validations the window needs: with fewer the residual variance has too few degrees of freedom. */
  public static final int MIN_POINTS = 5;
  /** The evidence windows' lengths, as multiples of the horizon left; the shortest first. */
  public static final List<Double> EVIDENCE_FACTORS = List.of(1.0, 2.0);

  /**
   * The tighter bound of the {@link #EVIDENCE_FACTORS} windows at validation step {@code step} of a
   * run planned to {@code totalSteps}, judged against the current {@code level}; without any bound,
   * the shortest window's reason.
   *
   * @param usable validation points after the burn-in, oldest first, up to {@code step}
   */
  public static DriftBound of(List<ValidationPoint> usable, int step, int totalSteps, double level, DriftShape shape) {
    double each = 1 - (1 - CONFIDENCE) / EVIDENCE_FACTORS.size();
    DriftBound best = null;
    for (double factor : EVIDENCE_FACTORS) {
      DriftBound b = over(usable, step, totalSteps, shape, factor, each);
      if (best == null || b.gainOver(level) < best.gainOver(level)) {
        best = b;
      }
    }
    return best;
  }

  /** The bound from one evidence window {@code factor} times the horizon long, at one-sided {@code confidence}. */
  static DriftBound over(List<ValidationPoint> usable, int step, int totalSteps, DriftShape shape, double factor,
      double confidence) {
    double now = x(shape, step);
    double horizon = x(shape, totalSteps) - now;
    if (!(horizon > 0)) {
      return new DriftBound(0, Double.NaN, 0, 0, 0, factor, step, 0, null, shape);
    }
    double reach = shape == DriftShape.LOG ? (step + 1.0) * Math.exp(-factor * horizon) - 1 : step - factor * horizon;
    List<ValidationPoint> upTo = usable.stream().filter(p -> p.step() <= step).toList();
    if (upTo.isEmpty() || upTo.get(0).step() > reach) {
      int windowStart = (int) Math.ceil(reach);
      return none(shape, horizon, factor, windowStart, 0, String.format(Locale.ROOT,
          "the validations after the burn-in start at step %s, later than step %d where evidence %s the "
              + "horizon (in %s) must start", upTo.isEmpty() ? "(none)" : upTo.get(0).step(), windowStart,
          times(factor), shape == DriftShape.LOG ? "log-steps" : "steps"));
    }
    int from = 0;
    while (from < upTo.size() - MIN_POINTS && upTo.get(from + 1).step() <= reach) {
      from++;
    }
    List<ValidationPoint> window = upTo.subList(from, upTo.size());
    int windowStart = window.get(0).step();
    if (window.size() < MIN_POINTS) {
      return none(shape, horizon, factor, windowStart, window.size(), String.format(Locale.ROOT,
          "only %d validations after the burn-in (needs %d)", window.size(), MIN_POINTS));
    }
    SimpleRegression trend = new SimpleRegression();
    window.forEach(p -> trend.addData(x(shape, p.step()) - now, p.score()));
    int n = window.size();
    double t = new TDistribution(n - 2).inverseCumulativeProbability(confidence);
    double slopeHi = trend.getSlope() + t * trend.getSlopeStdErr();
    return new DriftBound(Math.max(0, slopeHi) * horizon, trend.getIntercept(), slopeHi, trend.getSlope(), horizon,
        factor, windowStart, n, null, shape);
  }

  /** The drift's time of a step: the step itself, or ln(step + 1). */
  private static double x(DriftShape shape, int step) {
    return shape == DriftShape.LOG ? Math.log(step + 1.0) : step;
  }

  private static DriftBound none(DriftShape shape, double horizon, double factor, int windowStart, int points,
      String why) {
    return new DriftBound(Double.POSITIVE_INFINITY, Double.NaN, Double.NaN, Double.NaN, horizon, factor, windowStart, points,
        why, shape);
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
    if (shape == DriftShape.LOG) {
      return String.format(Locale.ROOT, "drift's %.0f%% bound %.4f over %.2f ln-steps left from %d validations since "
          + "step %d (evidence %s the horizon, the tighter of %s; slope %.4f, upper %.4f; trend now %.4f)",
          100 * CONFIDENCE, gainBound, horizon, points, windowStart, times(factor), windows(), slope, slopeHi, trendNow);
    }
    return String.format(Locale.ROOT, "linear drift's %.0f%% bound %.4f over %.0f steps left from %d validations since "
        + "step %d (evidence %s the horizon, the tighter of %s; slope per 100 steps %.4f, upper %.4f; trend now %.4f)",
        100 * CONFIDENCE, gainBound, horizon, points, windowStart, times(factor), windows(), 100 * slope, 100 * slopeHi,
        trendNow);
  }

  private static String windows() {
    return EVIDENCE_FACTORS.stream().map(DriftBound::times).collect(Collectors.joining(" and "));
  }
}
