package dev.entropysentinel.forecaster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.entropysentinel.forecaster.EntropyLawFit;
import dev.entropysentinel.forecaster.SlopePrior;
import org.junit.jupiter.api.Test;

class RemainingGainTest {
  @Test
  void theProductOfTwoUniformsHasItsKnownQuantiles() {
    // a ~ U[0,1] (huge sd, truncated), D ~ U[0,1]: P(aD <= z) = z - z ln z, median 0.187, 95% 0.70
    double[] q = RemainingGain.productQuantiles(0.5, 1e6, 1, 0, 1, 0.5, 0.95);
    assertThat(q[0]).isCloseTo(0.187, within(0.01));
    assertThat(q[1]).isCloseTo(0.70, within(0.02));
  }

  @Test
  void selectingOrderStatisticsGivesExactlyWhatSortingGives() {
    java.util.Random random = new java.util.Random(7);
    for (int trial = 0; trial < 200; trial++) {
      double[] g = new double[1 + random.nextInt(300)];
      for (int i = 0; i < g.length; i++) {
        g[i] = switch (random.nextInt(4)) {
          case 0 -> random.nextInt(5) * 0.25;
          case 1 -> random.nextBoolean() ? 0.0 : -0.0;
          default -> random.nextGaussian();
        };
      }
      double[] sorted = g.clone();
      java.util.Arrays.sort(sorted);
      int[] ranks = random.ints(3, 0, g.length).sorted().toArray();
      int from = 0;
      for (int rank : ranks) {
        RemainingGain.select(g, from, rank);
        assertThat(Double.compare(g[rank], sorted[rank])).as("rank %d of %d", rank, g.length).isZero();
        from = rank;
      }
    }
  }

  @Test
  void anUncollapsedRunMayStillDropAllTheWayToZeroEntropy() {
    double[] d = RemainingGain.dropRange(0.4, 0.4, 1.0);
    assertThat(d[0]).isZero();
    assertThat(d[1]).isCloseTo(Math.exp(0.4) - 1, within(1e-12));
  }

  @Test
  void aCollapsedRunFollowsItsTrajectory() {
    double[] d = RemainingGain.dropRange(0.1, 0.05, 0.0);
    assertThat(d[0]).isCloseTo(Math.exp(0.1) - Math.exp(0.05), within(1e-12)).isEqualTo(d[1]);
  }

  @Test
  void aWellMeasuredSlopeOverridesThePrior() {
    EntropyLawFit fit = EntropyLawFit.empty();
    for (double h = 0.1; h < 1.0; h += 0.1) {
      fit = fit.add(h, 1.0 - 0.2 * Math.exp(h));
    }
    double[] posterior = RemainingGain.slopePosterior(fit, 0.5, 0.001, null);
    assertThat(posterior[0]).isCloseTo(0.2, within(0.001));
    assertThat(RemainingGain.slopePosterior(EntropyLawFit.empty(), 0.5, 0.02, null)[0]).isEqualTo(0.25);
  }

  @Test
  void theSlopeCannotCarryTheCeilingPastTheTopOfTheScale() {
    assertThat(RemainingGain.slopeBound(0.5, 0.1, 0.4)).isCloseTo(0.25, within(1e-12));
    assertThat(RemainingGain.slopeBound(0.5, 0.9, 0.4)).isEqualTo(0.5);
  }

  @Test
  void aSlopePriorFromEarlierRunsReplacesTheUniformOne() {
    SlopePrior prior = new SlopePrior(0.1, 0.01, "test");
    assertThat(RemainingGain.slopePosterior(EntropyLawFit.empty(), 0.5, 0.02, prior)).containsExactly(0.1, 0.01);
    EntropyLawFit twoPoints = EntropyLawFit.empty().add(0.5, 0.40).add(0.4, 0.45);
    double withPrior = RemainingGain.slopePosterior(twoPoints, 0.5, 0.02, prior)[0];
    double without = RemainingGain.slopePosterior(twoPoints, 0.5, 0.02, null)[0];
    assertThat(Math.abs(withPrior - 0.1)).isLessThan(Math.abs(without - 0.1));
  }
}
