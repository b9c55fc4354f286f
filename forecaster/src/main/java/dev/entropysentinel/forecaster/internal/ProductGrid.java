package dev.entropysentinel.forecaster.internal;

import java.util.Arrays;

/**
 * Order statistics of the {@code n x m} products {@code a[i] * d[j]} of two grids of non-negative
 * finite numbers, without writing the products down. Sorted, the grids make a matrix ascending
 * along rows and columns (rounding keeps multiplication by a non-negative number monotone), so the
 * products below a pivot are counted along a staircase in {@code n + m} steps, and a rank is found by
 * narrowing each row's window of candidates around pivots taken from the windows. The value returned
 * is exactly the element a full sort of the products would put at that rank: the forecast's
 * quantiles (and so every decision that reads them) come out bit for bit as before, at a fraction of
 * the cost of materialising and selecting among the products (a sixth of the processor's stream time).
 */
final class ProductGrid {
  /** Candidates left at which a quickselect among them is cheaper than another pivot. */
  private static final int FEW = 256;

  private final double[] a;
  private final double[] d;

  private ProductGrid(double[] a, double[] d) {
    this.a = a;
    this.d = d;
  }

  /**
   * The grid of {@code a x d}, or {@code null} when a factor holds a negative number, -0.0, a NaN
   * or an infinity (the products would not be ordered along rows and columns).
   */
  static ProductGrid of(double[] a, double[] d) {
    double[] sa = a.clone();
    double[] sd = d.clone();
    Arrays.sort(sa);
    Arrays.sort(sd);
    return orderable(sa) && orderable(sd) ? new ProductGrid(sa, sd) : null;
  }

  /** Sorted by {@link Arrays#sort(double[])}: -0.0 and negatives first, NaN last. */
  private static boolean orderable(double[] sorted) {
    return sorted.length > 0 && Double.compare(sorted[0], 0.0) >= 0 && Double.isFinite(sorted[sorted.length - 1]);
  }

  /** How many products there are. */
  int size() {
    return a.length * d.length;
  }

  /** The {@code rank}-th smallest product (0-based). */
  double valueAt(int rank) {
    int n = a.length;
    int[] lo = new int[n];
    int[] hi = new int[n];
    Arrays.fill(hi, d.length);
    int[] less = new int[n];
    int[] notMore = new int[n];
    while (true) {
      int below = 0;
      int candidates = 0;
      for (int i = 0; i < n; i++) {
        below += lo[i];
        candidates += hi[i] - lo[i];
      }
      if (candidates <= FEW) {
        return among(lo, hi, candidates, rank - below);
      }
      double pivot = pivot(lo, hi, candidates);
      int countLess = 0;
      int countNotMore = 0;
      int jl = d.length;
      int jn = d.length;
      for (int i = 0; i < n; i++) {
        // Everything left of lo[i] is below the pivot, everything from hi[i] on above it; the counts
        // fall (weakly) from row to row as a[i] grows, so each walk resumes where the last row's stopped.
        jl = Math.max(lo[i], Math.min(jl, hi[i]));
        while (jl > lo[i] && a[i] * d[jl - 1] >= pivot) {
          jl--;
        }
        jn = Math.max(lo[i], Math.min(jn, hi[i]));
        while (jn > lo[i] && a[i] * d[jn - 1] > pivot) {
          jn--;
        }
        less[i] = jl;
        notMore[i] = jn;
        countLess += jl;
        countNotMore += jn;
      }
      if (rank < countLess) {
        System.arraycopy(less, 0, hi, 0, n);
      } else if (rank >= countNotMore) {
        System.arraycopy(notMore, 0, lo, 0, n);
      } else {
        return pivot;
      }
    }
  }

  /**
   * The weighted median of the rows' middle candidates (each weighted by its row's candidates): at
   * least about a quarter of the candidates lie on either side, so every pivot discards that many.
   */
  private double pivot(int[] lo, int[] hi, int candidates) {
    double[] values = new double[a.length];
    int[] weights = new int[a.length];
    int k = 0;
    for (int i = 0; i < a.length; i++) {
      if (hi[i] > lo[i]) {
        double v = a[i] * d[(lo[i] + hi[i] - 1) >>> 1];
        int w = hi[i] - lo[i];
        int at = k++;
        while (at > 0 && values[at - 1] > v) {
          values[at] = values[at - 1];
          weights[at] = weights[at - 1];
          at--;
        }
        values[at] = v;
        weights[at] = w;
      }
    }
    int seen = 0;
    for (int t = 0; t < k; t++) {
      seen += weights[t];
      if (2 * seen >= candidates) {
        return values[t];
      }
    }
    return values[k - 1];
  }

  /** The {@code rank}-th smallest of the remaining candidates, by quickselect among them. */
  private double among(int[] lo, int[] hi, int candidates, int rank) {
    double[] c = new double[candidates];
    int k = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = lo[i]; j < hi[i]; j++) {
        c[k++] = a[i] * d[j];
      }
    }
    RemainingGain.select(c, 0, rank);
    return c[rank];
  }
}
