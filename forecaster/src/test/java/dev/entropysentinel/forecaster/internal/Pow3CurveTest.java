package dev.entropysentinel.forecaster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import dev.entropysentinel.forecaster.ValidationPoint;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import dev.entropysentinel.forecaster.ingest.RunSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pow3CurveTest {
  /** The scorer's tolerance on its own pow3 baseline. */
  private static final double AGREEMENT = 0.002;

  private static RunSeries series(String name) throws Exception {
    return RunSeries.from(MetricLogReader.read(resource(name), LogFormat.VERL));
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(Objects.requireNonNull(Pow3CurveTest.class.getResource("/verl-logs/" + name)).toURI());
  }

  /**
   * Reference numbers from ../shared/bin (scipy 1.17.1 curve_fit, unbounded LM from
   * p0 = [max R, 1, 0.5]): ceiling_reference.py's pow3 at the last step, fitted on every
   * validation up to 15% of the steps; forecast_reference.py's pow3_rmse over the later
   * validations, fitted on the early validations that have an entropy.
   */
  @ParameterizedTest
  @CsvSource({
      "qwen2-7b-gsm8k-math-grpo-megatron.log, 0.8902852383288835, 0.004841257941125339",
      "qwen2.5-0.5b-gsm8k-ppo.log, 1.1463344237989759, 0.44117982445630755"})
  void matchesTheScorersPow3OnTheSharedLogs(String name, double finalPrediction, double laterRmse) throws Exception {
    RunSeries s = series(name);
    int last = s.entropy().lastKey();
    double cut = 0.15 * last;
    List<ValidationPoint> all = s.validation().headMap((int) Math.floor(cut), true).entrySet().stream()
        .map(e -> new ValidationPoint(e.getKey(), e.getValue(), 0)).toList();
    assertThat(Pow3Curve.predict(all, last)).hasValueCloseTo(finalPrediction, within(AGREEMENT));

    List<ValidationPoint> paired = new ArrayList<>();
    List<ValidationPoint> later = new ArrayList<>();
    s.validation().forEach((step, score) -> {
      if (s.entropy().containsKey(step)) {
        (step <= cut ? paired : later).add(new ValidationPoint(step, score, s.entropy().get(step)));
      }
    });
    var curve = Pow3Curve.fit(paired).orElseThrow();
    double sse = later.stream().mapToDouble(p -> Math.pow(curve.applyAsDouble(p.step()) - p.score(), 2)).sum();
    assertThat(Math.sqrt(sse / later.size())).isCloseTo(laterRmse, within(AGREEMENT));
  }

  @Test
  void recoversAKnownCurveFromEveryStart() {
    List<ValidationPoint> points = new ArrayList<>();
    for (int t = 10; t <= 80; t += 10) {
      points.add(new ValidationPoint(t, 0.7 - 0.9 * Math.pow(t + 1, -0.6), 0));
    }
    Pow3Curve curve = Pow3Curve.fitCurve(points).orElseThrow();
    assertThat(curve.c()).isCloseTo(0.7, within(1e-6));
    assertThat(curve.a()).isCloseTo(0.9, within(1e-5));
    assertThat(curve.alpha()).isCloseTo(0.6, within(1e-6));
    assertThat(curve.at(400)).isCloseTo(0.7 - 0.9 * Math.pow(401, -0.6), within(1e-9));
  }

  @Test
  void aCurveStillRisingLikeALogarithmIsFittedAtItsLimitInsteadOfDiverging() {
    List<ValidationPoint> points = new ArrayList<>();
    for (int t = 9; t <= 99; t += 10) {
      points.add(new ValidationPoint(t, 0.1 + 0.05 * Math.log(t + 1), 0));
    }
    assertThat(Pow3Curve.predict(points, 999)).hasValueCloseTo(0.1 + 0.05 * Math.log(1000), within(1e-3));
  }

  @Test
  void fewerThanThreePointsGiveNoFit() {
    assertThat(Pow3Curve.fit(List.of(new ValidationPoint(1, 0.1, 0), new ValidationPoint(2, 0.2, 0)))).isEmpty();
  }

  @Test
  void theBasisAndItsDerivativeAreContinuousWhereTheSeriesTakesOver() {
    double l = -2.0;
    for (double alpha : new double[] {0.99e-4 / 2, 1.01e-4 / 2}) {
      double h = 1e-7;
      double numeric = (Pow3Curve.basis(alpha + h, l) - Pow3Curve.basis(alpha - h, l)) / (2 * h);
      assertThat(Pow3Curve.basisDerivative(alpha, l)).isCloseTo(numeric, within(1e-6));
      assertThat(Pow3Curve.basis(alpha, l)).isCloseTo(-Math.expm1(-alpha * l) / alpha, within(1e-12));
    }
  }
}
