package dev.entropysentinel.forecaster.internal;

import java.util.List;
import dev.entropysentinel.forecaster.ValidationPoint;
import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/** Experimental: saturating-trend bounds. */
final class SaturatingTrend {
  private static final double[] TAU_SHARES = {0.125, 0.18, 0.25, 0.35, 0.5, 0.7, 1, 1.4, 2, 4, Double.POSITIVE_INFINITY};

  private SaturatingTrend() {}

  static DriftBound of(List<ValidationPoint> usable, int step, int totalSteps, double level, String variant) {
    double[] factors;
    boolean linearOnly = variant.startsWith("lin");
    boolean withLog = variant.endsWith("+log");
    boolean maxLog = variant.endsWith("max");
    switch (variant.replace("+log", "").replace("ac", "").replace("max", "")) {
      case "exp12", "lin12" -> factors = new double[] {1, 2};
      case "exp1", "lin1" -> factors = new double[] {1};
      case "exp124", "lin124" -> factors = new double[] {1, 2, 4};
      case "exp0512", "lin0512" -> factors = new double[] {0.5, 1, 2};
      case "exp051", "lin051" -> factors = new double[] {0.5, 1};
      case "exp05124", "lin05124" -> factors = new double[] {0.5, 1, 2, 4};
      case "expall", "linall" -> factors = new double[] {1000};
      case "exp12all", "lin12all" -> factors = new double[] {1, 2, 1000};
      default -> throw new IllegalArgumentException(variant);
    }
    int windows = factors.length + (withLog ? DriftBound.EVIDENCE_FACTORS.size() : 0);
    double each = 1 - (1 - Double.parseDouble(System.getProperty("conf", "0.95"))) / windows;
    DriftBound best = null;
    for (double f : factors) {
      DriftBound b = over(usable, step, totalSteps, f, each, linearOnly, variant);
      if (best == null || b.gainOver(level) < best.gainOver(level)) {
        best = b;
      }
    }
    if (withLog) {
      for (double f : DriftBound.EVIDENCE_FACTORS) {
        DriftBound b = DriftBound.over(usable, step, totalSteps, f, each);
        if (b.gainOver(level) < best.gainOver(level)) {
          best = b;
        }
      }
    }
    if (maxLog) {
      double each2 = 1 - (1 - DriftBound.CONFIDENCE) / DriftBound.EVIDENCE_FACTORS.size();
      DriftBound log = null;
      for (double f : DriftBound.EVIDENCE_FACTORS) {
        DriftBound b = DriftBound.over(usable, step, totalSteps, f, each2);
        if (log == null || b.gainOver(level) < log.gainOver(level)) {
          log = b;
        }
      }
      if (log.gainOver(level) > best.gainOver(level)) {
        best = log;
      }
    }
    return best;
  }

  /** Window of f times the steps left, fitted by c - d exp(-t/tau) profiled over tau (incl. linear). */
  static DriftBound over(List<ValidationPoint> usable, int step, int totalSteps, double factor, double confidence,
      boolean linearOnly, String variant) {
    double left = totalSteps - step;
    if (!(left > 0)) {
      return new DriftBound(0, Double.NaN, 0, 0, 0, factor, step, 0, null);
    }
    double reach = step - factor * left;
    List<ValidationPoint> upTo = usable.stream().filter(p -> p.step() <= step).toList();
    if (upTo.isEmpty() || (factor < 1000 && upTo.get(0).step() > reach)) {
      return DriftBound.none(left, factor, (int) Math.ceil(reach), 0, "no evidence back to step " + (int) Math.ceil(reach));
    }
    int from = 0;
    while (from < upTo.size() - DriftBound.MIN_POINTS && upTo.get(from + 1).step() <= reach) {
      from++;
    }
    List<ValidationPoint> w = upTo.subList(from, upTo.size());
    int n = w.size();
    if (n < DriftBound.MIN_POINTS) {
      return DriftBound.none(left, factor, w.get(0).step(), n, "only " + n + " validations");
    }
    double span = step - w.get(0).step();
    double[] rss = new double[TAU_SHARES.length];
    double[] gain = new double[TAU_SHARES.length];
    double[] slopes = new double[TAU_SHARES.length];
    double[] nows = new double[TAU_SHARES.length];
    double tq = new TDistribution(n - 2).inverseCumulativeProbability(confidence);
    double rssMin = Double.POSITIVE_INFINITY;
    int first = linearOnly ? TAU_SHARES.length - 1 : 0;
    for (int j = first; j < TAU_SHARES.length; j++) {
      double tau = TAU_SHARES[j] * span;
      double sx = 0;
      double sy = 0;
      for (ValidationPoint p : w) {
        sx += phi(p.step() - step, tau);
        sy += p.score();
      }
      double mx = sx / n;
      double my = sy / n;
      double sxx = 0;
      double sxy = 0;
      double syy = 0;
      for (ValidationPoint p : w) {
        double dx = phi(p.step() - step, tau) - mx;
        double dy = p.score() - my;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
      }
      double v = sxy / sxx;
      double r = Math.max(0, syy - v * sxy);
      double se = Math.sqrt(r / (n - 2) / sxx);
      if (variant.contains("ac")) {
        double[] res = new double[n];
        for (int i = 0; i < n; i++) {
          ValidationPoint p = w.get(i);
          res[i] = p.score() - (my + v * (phi(p.step() - step, tau) - mx));
        }
        se *= inflation(res);
      }
      rss[j] = r;
      slopes[j] = v;
      nows[j] = my - v * mx;
      gain[j] = Math.max(0, v + tq * se) * phi(left, tau);
      rssMin = Math.min(rssMin, r);
    }
    double limit = linearOnly ? Double.POSITIVE_INFINITY
        : rssMin * (1 + new FDistribution(1, Math.max(1, n - 3)).inverseCumulativeProbability(confidence) / Math.max(1, n - 3));
    int pick = -1;
    for (int j = first; j < TAU_SHARES.length; j++) {
      if (rss[j] <= limit && (pick < 0 || gain[j] > gain[pick])) {
        pick = j;
      }
    }
    return new DriftBound(gain[pick], nows[pick], TAU_SHARES[pick], slopes[pick], left, factor, w.get(0).step(), n, null);
  }

  /** sqrt((1 + r1) / (1 - r1)) for the residuals' lag-1 autocorrelation r1 clipped to [0, 0.8]. */
  static double inflation(double[] res) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < res.length; i++) {
      den += res[i] * res[i];
      if (i > 0) {
        num += res[i] * res[i - 1];
      }
    }
    double r1 = den > 0 ? Math.max(0, Math.min(0.8, num / den)) : 0;
    return Math.sqrt((1 + r1) / (1 - r1));
  }

  private static double phi(double dt, double tau) {
    return Double.isInfinite(tau) ? dt : tau * (1 - Math.exp(-dt / tau));
  }
}
