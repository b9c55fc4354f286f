package dev.entropysentinel.forecaster.internal;

import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import dev.entropysentinel.forecaster.EntropyLawFit;
import dev.entropysentinel.forecaster.SlopePrior;
import dev.entropysentinel.forecaster.ValidationPoint;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The score gain still ahead by the entropy law, {@code G = a * D} with
 * {@code D = exp(H_now) - exp(H_target)} the drop of exp(H) still to come, as a distribution rather
 * than a point: what the early window cannot tell (the slope {@code a} on one or two points, the
 * entropy's final level before it has started to collapse) is carried as uncertainty instead of
 * being assumed zero, which is what a bare last value does.
 *
 * <ul>
 *   <li>{@code a}: a weakly-informative prior {@code a ~ U[0, a_max]} (moment-matched normal),
 *       updated by the least-squares slope of the post-burn-in points with the known sampling
 *       noise of a validation score (see {@link #slopePosterior}), so it is identified exactly
 *       when the entropy has varied enough across those points for the slope to beat the noise.
 *   <li>{@code D}: the trajectory's extrapolation for the share of the collapse already seen, and
 *       anything between no further drop and a full collapse to {@code H = 0} for the rest (see
 *       {@link #dropRange}).
 * </ul>
 *
 * @param median median of G, the point estimate of the gain under absolute-error loss
 * @param lower lower quantile of G at the interval's coverage
 * @param upper upper quantile of G at the interval's coverage
 * @param uncollapsed share of the starting entropy still present, {@code H_now / H_start} in [0, 1]
 */
public record RemainingGain(double median, double lower, double upper, double uncollapsed) {
  /**
   * Largest plausible slope on an accuracy scale: a run whose entropy falls from 0.7 to 0 gains at
   * most half the score range by the law ({@code 0.5 * (e^0.7 - 1) ~ 0.5}); doubled for +-1
   * rewards, whose range is twice as wide.
   */
  static final double A_MAX_ACCURACY = 0.5;
  /** Top of the score range on an accuracy scale; +-1 rewards share it. */
  private static final double SCORE_TOP = 1.0;
  /** Grid size per factor of the quadrature of G = a * D (NxN equally weighted products). */
  private static final int GRID = 64;
  /** Entropy steps averaged for the starting level. */
  private static final int START_STEPS = 3;

  /** No gain expected and no uncertainty about it. */
  public static RemainingGain none() {
    return new RemainingGain(0, 0, 0, 0);
  }

  /**
   * Estimates the gain between the last of {@code points} (post-burn-in validations, oldest first)
   * and {@code targetStep}.
   *
   * @param entropy entropy per step seen so far
   * @param noiseSigma sampling standard deviation of one validation score (accuracy scale)
   * @param coverage central probability between {@link #lower} and {@link #upper}
   * @param prior slope prior from earlier runs, or null for {@code U[0, a_max]}
   */
  public static RemainingGain estimate(List<ValidationPoint> points, NavigableMap<Integer, Double> entropy,
      int targetStep, double noiseSigma, double coverage, SlopePrior prior) {
    if (points.isEmpty() || entropy.isEmpty()) {
      return none();
    }
    ValidationPoint last = points.get(points.size() - 1);
    double scale = points.stream().anyMatch(p -> p.score() < 0) ? 2 : 1;
    EntropyTrajectory trajectory = EntropyTrajectory.fit(entropy, points.get(0).step(), entropy.lastKey());
    double hNow = trajectory.predict(last.step());
    double hTarget = trajectory.predict(targetStep);
    if (!(hNow > 0) || !Double.isFinite(hTarget)) {
      return none();
    }
    double rho = uncollapsedShare(entropy, hNow);
    double[] drop = dropRange(hNow, hTarget, rho);
    double aMax = slopeBound(scale * A_MAX_ACCURACY, SCORE_TOP - last.score(), drop[1]);
    EntropyLawFit fit = EntropyLawFit.empty();
    for (ValidationPoint p : points) {
      fit = fit.add(p.entropy(), p.score());
    }
    double[] a = slopePosterior(fit, aMax, scale * noiseSigma, prior);
    double[] q = productQuantiles(a[0], a[1], aMax, drop[0], drop[1], (1 - coverage) / 2, 0.5, (1 + coverage) / 2);
    return new RemainingGain(q[1], q[0], q[2], rho);
  }

  /**
   * The "not collapsed yet" signal {@code rho = clamp(H_now / H_start, 0, 1)}, with H_start the
   * mean of the first entropies seen: near 1 while the run is still in its learning phase (the
   * collapse, and with it most of the gain, is ahead), near 0 once the entropy has collapsed.
   */
  static double uncollapsedShare(NavigableMap<Integer, Double> entropy, double hNow) {
    double hStart = entropy.values().stream().limit(START_STEPS).mapToDouble(Double::doubleValue).average().orElse(hNow);
    return hStart > 0 ? Math.max(0, Math.min(1, hNow / hStart)) : 0;
  }

  /**
   * Range of the remaining drop of exp(H), {@code D = (1 - rho) * D_traj + rho * D_max * U} with
   * U uniform on [0, 1]: {@code D_traj = max(0, e^{H_now} - e^{H_target})} is the fitted decay's
   * extrapolation, trusted for the share of the collapse already observed, {@code 1 - rho}; the
   * rest lies anywhere between no further drop and the full collapse the law expects without an
   * intervention, {@code D_max = e^{H_now} - 1} (entropy cannot go below 0).
   *
   * @return {lowest, highest} D
   */
  static double[] dropRange(double hNow, double hTarget, double rho) {
    double dMax = Math.max(0, Math.exp(hNow) - 1);
    double dTraj = Math.max(0, Math.min(dMax, Math.exp(hNow) - Math.exp(Math.max(0, hTarget))));
    double lo = (1 - rho) * dTraj;
    return new double[] {lo, lo + rho * dMax};
  }

  /**
   * Upper end of the slope prior: {@code min(a_max, (R_top - R_now) / D_max)}, the scale's bound
   * tightened so the law's ceiling {@code b - a = R_now + a * D} cannot pass the top of the score
   * range even if the entropy collapses fully.
   */
  static double slopeBound(double aMax, double headroom, double dMax) {
    return dMax > 0 ? Math.max(0, Math.min(aMax, headroom / dMax)) : aMax;
  }

  /**
   * Posterior of {@code a} (as mean and standard deviation before truncation to [0, aMax]): the
   * prior U[0, aMax] moment-matched to {@code N(aMax / 2, aMax^2 / 12)}, and the least-squares
   * estimate {@code a_hat = -Sxy / Sxx} with variance {@code sigma^2 / Sxx}, sigma the known
   * sampling noise (a residual variance on n - 2 = 1 degree of freedom would be luck, not
   * evidence): precision-weighted,
   * {@code mean = (mu0 / s0^2 + a_hat Sxx / sigma^2) / (1 / s0^2 + Sxx / sigma^2)}. With fewer
   * than two distinct entropies the prior alone. A {@link SlopePrior} from earlier runs replaces
   * the uniform one: {@code mu0 = prior.mean}, {@code s0 = prior.sd}.
   */
  static double[] slopePosterior(EntropyLawFit fit, double aMax, double sigma, SlopePrior slopePrior) {
    double mu0 = slopePrior == null ? aMax / 2 : slopePrior.mean();
    double prior = slopePrior == null ? 12 / (aMax * aMax) : 1 / (slopePrior.sd() * slopePrior.sd());
    double evidence = fit.n() >= 2 && fit.sxx() > 0 && sigma > 0 ? fit.sxx() / (sigma * sigma) : 0;
    if (!(aMax > 0)) {
      return new double[] {0, 0};
    }
    double aHat = evidence > 0 ? fit.a() : 0;
    double precision = prior + evidence;
    return new double[] {(mu0 * prior + aHat * evidence) / precision, Math.sqrt(1 / precision)};
  }

  /**
   * Quantiles of {@code G = a * D}, a normal (mean, sd) truncated to [0, aMax] and D uniform on
   * [dLo, dHi], independent: midpoint quadrature over GRID quantiles of each factor, whose
   * GRID^2 equally weighted products give the quantiles as order statistics ({@link ProductGrid}
   * finds them without writing the products down when both factors are non-negative, as they are).
   */
  static double[] productQuantiles(double mean, double sd, double aMax, double dLo, double dHi, double... probabilities) {
    double[] a = slopeGrid(mean, sd, aMax);
    double[] d = dropGrid(dLo, dHi);
    int[] ranks = new int[probabilities.length];
    for (int k = 0; k < ranks.length; k++) {
      ranks[k] = Math.min(GRID * GRID - 1, (int) Math.floor(probabilities[k] * (GRID * GRID)));
    }
    ProductGrid grid = ProductGrid.of(a, d);
    return grid != null ? Arrays.stream(ranks).mapToDouble(grid::valueAt).toArray() : bySelection(a, d, ranks);
  }

  /** GRID equally likely values of the slope: midpoint quantiles of the normal (mean, sd) truncated to [0, aMax]. */
  static double[] slopeGrid(double mean, double sd, double aMax) {
    double[] a = new double[GRID];
    if (sd > 0 && aMax > 0) {
      NormalDistribution normal = new NormalDistribution(null, mean, sd);
      double cLo = normal.cumulativeProbability(0);
      double cHi = normal.cumulativeProbability(aMax);
      for (int i = 0; i < GRID; i++) {
        double p = cLo + (i + 0.5) / GRID * (cHi - cLo);
        a[i] = cHi > cLo ? Math.max(0, Math.min(aMax, normal.inverseCumulativeProbability(p))) : Math.max(0, Math.min(aMax, mean));
      }
    } else {
      Arrays.fill(a, Math.max(0, Math.min(aMax, mean)));
    }
    return a;
  }

  /** GRID equally likely values of the drop: midpoints of [dLo, dHi]. */
  static double[] dropGrid(double dLo, double dHi) {
    double[] d = new double[GRID];
    for (int j = 0; j < GRID; j++) {
      d[j] = dLo + (j + 0.5) / GRID * (dHi - dLo);
    }
    return d;
  }

  /** The order statistics {@code ranks} of every product {@code a[i] * d[j]}, written down and selected. */
  static double[] bySelection(double[] a, double[] d, int... ranks) {
    double[] g = new double[a.length * d.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < d.length; j++) {
        g[i * d.length + j] = a[i] * d[j];
      }
    }
    double[] out = new double[ranks.length];
    Integer[] order = new Integer[ranks.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(ranks[x], ranks[y]));
    int from = 0;
    for (int k : order) {
      int rank = ranks[k];
      from = Math.min(from, rank);
      select(g, from, rank);
      out[k] = g[rank];
      from = rank;
    }
    return out;
  }

  /**
   * Moves the {@code rank}-th smallest value of {@code g} (in {@link Double#compare} order, as
   * {@link Arrays#sort(double[])} would place it) to {@code g[rank]}, no larger value before it and
   * no smaller one after, given that {@code g[0..from)} already holds values no larger than any in
   * {@code g[from..]} and {@code rank >= from}. Quickselect: the same order statistic as a full sort,
   * at a fraction of its cost (the sort of the 4 096 products was a sixth of the processor's time).
   */
  static void select(double[] g, int from, int rank) {
    int lo = from;
    int hi = g.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      double pivot = median(g[lo], g[mid], g[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (Double.compare(g[i], pivot) < 0) {
          i++;
        }
        while (Double.compare(g[j], pivot) > 0) {
          j--;
        }
        if (i <= j) {
          double t = g[i];
          g[i] = g[j];
          g[j] = t;
          i++;
          j--;
        }
      }
      if (rank <= j) {
        hi = j;
      } else if (rank >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  private static double median(double a, double b, double c) {
    if (Double.compare(a, b) > 0) {
      double t = a;
      a = b;
      b = t;
    }
    return Double.compare(c, a) <= 0 ? a : Double.compare(c, b) >= 0 ? b : c;
  }
}
