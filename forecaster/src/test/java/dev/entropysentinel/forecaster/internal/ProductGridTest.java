package dev.entropysentinel.forecaster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ProductGridTest {
  @Test
  void everyRankIsExactlyTheProductAFullSelectionGives() {
    Random random = new Random(11);
    for (int trial = 0; trial < 400; trial++) {
      double[] a = factor(random, 1 + random.nextInt(80));
      double[] d = factor(random, 1 + random.nextInt(80));
      ProductGrid grid = ProductGrid.of(a, d);
      assertThat(grid).isNotNull();
      int[] ranks = random.ints(6, 0, grid.size()).toArray();
      ranks[0] = 0;
      ranks[1] = grid.size() - 1;
      double[] expected = RemainingGain.bySelection(a, d, ranks);
      for (int k = 0; k < ranks.length; k++) {
        assertThat(Double.compare(grid.valueAt(ranks[k]), expected[k])).as("trial %d rank %d of %d", trial, ranks[k],
            grid.size()).isZero();
      }
    }
  }

  @Test
  void theForecastsQuantilesAreThoseOfTheWrittenDownProducts() {
    Random random = new Random(5);
    for (int trial = 0; trial < 200; trial++) {
      double mean = random.nextDouble() * 0.6 - 0.1;
      double sd = random.nextInt(10) == 0 ? 0 : random.nextDouble() * 0.3;
      double aMax = random.nextInt(10) == 0 ? 0 : random.nextDouble() * 0.5;
      double dLo = random.nextInt(4) == 0 ? 0 : random.nextDouble();
      double dHi = dLo + (random.nextInt(4) == 0 ? 0 : random.nextDouble() * 2);
      double[] fast = RemainingGain.productQuantiles(mean, sd, aMax, dLo, dHi, 0.05, 0.5, 0.95);
      double[] slow = bySelectionOf(mean, sd, aMax, dLo, dHi);
      for (int k = 0; k < 3; k++) {
        assertThat(Double.compare(fast[k], slow[k])).as("trial %d quantile %d: %s vs %s", trial, k, fast[k], slow[k]).isZero();
      }
    }
  }

  @Test
  void factorsThatWouldNotOrderTheProductsAreRefused() {
    assertThat(ProductGrid.of(new double[] {0.5, -0.1}, new double[] {1})).isNull();
    assertThat(ProductGrid.of(new double[] {0.5, -0.0}, new double[] {1})).isNull();
    assertThat(ProductGrid.of(new double[] {0.5}, new double[] {Double.NaN})).isNull();
    assertThat(ProductGrid.of(new double[] {Double.POSITIVE_INFINITY}, new double[] {1})).isNull();
  }

  /** The quadrature's factors as productQuantiles builds them, selected by writing every product down. */
  private static double[] bySelectionOf(double mean, double sd, double aMax, double dLo, double dHi) {
    return RemainingGain.bySelection(RemainingGain.slopeGrid(mean, sd, aMax), RemainingGain.dropGrid(dLo, dHi), 204, 2048,
        3891);
  }

  /** Sorted or not, with ties, zeros and a wide range, as slope and drop grids can be. */
  private static double[] factor(Random random, int n) {
    double[] x = new double[n];
    int kind = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      x[i] = switch (kind) {
        case 0 -> random.nextInt(4) * 0.125;
        case 1 -> random.nextInt(3) == 0 ? 0.0 : Math.abs(random.nextGaussian());
        case 2 -> 0.3 + (i + 0.5) / n * 1.7;
        default -> Math.exp(random.nextGaussian() * 5);
      };
    }
    return x;
  }
}
