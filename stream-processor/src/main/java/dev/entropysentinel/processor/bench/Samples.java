package dev.entropysentinel.processor.bench;

import java.util.Arrays;

/**
 * Summary of a set of measurements: count, mean, median, p99 and max (nearest-rank percentiles),
 * so a report shows the tail and the mean, not only the middle.
 */
record Samples(int count, double mean, double p50, double p99, double max, double min) {

  static Samples of(double[] values) {
    if (values.length == 0) {
      return new Samples(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Samples(sorted.length, Arrays.stream(sorted).average().orElseThrow(), rank(sorted, 0.50),
        rank(sorted, 0.99), sorted[sorted.length - 1], sorted[0]);
  }

  /** Nearest-rank percentile of sorted values. */
  private static double rank(double[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** Relative spread (max − min) / mean, to tell a stable figure from a swinging one. */
  double spread() {
    return count < 2 ? 0 : (max - min) / Math.abs(mean);
  }
}
