package dev.entropysentinel.forecaster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.junit.jupiter.api.Test;

class EntropyLawFitTest {

  @Test
  void pointsExactlyOnTheLawGiveItsCoefficientsBack() {
    double a = 0.3;
    double b = 1.1;
    EntropyLawFit fit = EntropyLawFit.empty();
    for (double h : new double[] {0.6, 0.45, 0.3, 0.2, 0.1}) {
      fit = fit.add(h, -a * Math.exp(h) + b);
    }
    assertThat(fit.a()).isCloseTo(a, within(1e-12));
    assertThat(fit.b()).isCloseTo(b, within(1e-12));
    assertThat(fit.ceiling()).isCloseTo(b - a, within(1e-12));
    assertThat(fit.r2()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void threePointsMatchTheClosedFormByHand() {
    // x = exp(H) = 1, 2, 3 (H = ln x), R = 1, 3, 2: slope = Sxy/Sxx = 1/2, intercept = 2 - 2 * 1/2 = 1.
    EntropyLawFit fit = EntropyLawFit.empty()
        .add(Math.log(1), 1).add(Math.log(2), 3).add(Math.log(3), 2);
    assertThat(fit.slope()).isCloseTo(0.5, within(1e-12));
    assertThat(fit.b()).isCloseTo(1.0, within(1e-12));
    // residuals -0.5, 1, -0.5: SSE 1.5, s = sqrt(1.5 / 1), se(slope) = s / sqrt(Sxx = 2)
    assertThat(fit.sse()).isCloseTo(1.5, within(1e-12));
    assertThat(fit.aStdErr()).isCloseTo(Math.sqrt(1.5) / Math.sqrt(2), within(1e-12));
    assertThat(fit.r2()).isCloseTo(1 - 1.5 / 2, within(1e-12));
  }

  @Property(tries = 200)
  void agreesWithCommonsMathLeastSquares(
      @ForAll @Size(min = 3, max = 40) List<@DoubleRange(min = 0.01, max = 2.0) Double> entropies,
      @ForAll @DoubleRange(min = -1, max = 1) double noise) {
    SimpleRegression reference = new SimpleRegression();
    EntropyLawFit fit = EntropyLawFit.empty();
    for (int i = 0; i < entropies.size(); i++) {
      double h = entropies.get(i);
      double r = 0.9 - 0.25 * Math.exp(h) + noise * 0.01 * Math.sin(7 * i);
      reference.addData(Math.exp(h), r);
      fit = fit.add(h, r);
    }
    // nearly equal entropies make the slope ill-conditioned: both sums lose digits differently there
    if (reference.getXSumSquares() > 1e-4) {
      assertThat(fit.slope()).isCloseTo(reference.getSlope(), within(1e-8));
      assertThat(fit.b()).isCloseTo(reference.getIntercept(), within(1e-8));
      // variances, not standard errors: on a near-exact fit the square root turns a rounding error of
      // 1e-16 in the residual sum into 1e-8 (CI once saw 1.01e-8 against commons-math's 0)
      assertThat(square(fit.aStdErr())).isCloseTo(square(reference.getSlopeStdErr()), within(1e-10));
      assertThat(square(fit.bStdErr())).isCloseTo(square(reference.getInterceptStdErr()), within(1e-10));
    }
  }

  @Test
  void anUpdateTouchesOnlyConstantSizeStateAndEqualsTheBatchFit() {
    assertThat(EntropyLawFit.class.getRecordComponents()).hasSize(6);
    EntropyLawFit incremental = EntropyLawFit.empty();
    SimpleRegression batch = new SimpleRegression();
    for (int i = 0; i < 10_000; i++) {
      double h = 0.05 + 0.5 * Math.exp(-i / 2000.0);
      double r = 0.8 - 0.2 * Math.exp(h) + 1e-3 * Math.cos(i);
      incremental = incremental.add(h, r);
      batch.addData(Math.exp(h), r);
    }
    assertThat(incremental.n()).isEqualTo(10_000);
    assertThat(incremental.slope()).isCloseTo(batch.getSlope(), within(1e-9));
  }

  @Test
  void fewerThanTwoDistinctPointsHaveNoCoefficients() {
    assertThat(EntropyLawFit.empty().a()).isNaN();
    assertThat(EntropyLawFit.empty().add(0.3, 0.5).add(0.3, 0.6).b()).isNaN();
  }

  @Test
  void nonFiniteObservationsAreRejectedWithTheirValues() {
    var e = assertThrows(IllegalArgumentException.class, () -> EntropyLawFit.empty().add(Double.NaN, 0.5));
    assertThat(e).hasMessageContaining("NaN");
  }

  private static double square(double x) {
    return x * x;
  }
}
