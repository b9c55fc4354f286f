package dev.entropysentinel.forecaster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CeilingForecasterTest {
  private final CeilingForecaster forecaster = new CeilingForecaster(ForecastConfig.ofDefaults());

  /** A run obeying the law: entropy decays toward zero, R = -a exp(H) + b, optional burn-in at 0. */
  private static Run lawRun(int steps, int every, double noise, boolean burnIn) {
    NavigableMap<Integer, Double> entropy = new TreeMap<>();
    List<ValidationPoint> validations = new ArrayList<>();
    for (int t = 1; t <= steps; t++) {
      entropy.put(t, 0.5 * Math.exp(-t / 60.0) + 0.01);
    }
    for (int t = every; t <= steps; t += every) {
      double h = entropy.get(t);
      double r = 1.2 - 0.5 * Math.exp(h) + noise * Math.sin(3.7 * t);
      validations.add(new ValidationPoint(t, burnIn && t <= every ? 0.0 : r, h));
    }
    return new Run(entropy, validations);
  }

  private record Run(NavigableMap<Integer, Double> entropy, List<ValidationPoint> validations) {
    Run upTo(int step) {
      return new Run(entropy.headMap(step, true), validations.stream().filter(v -> v.step() <= step).toList());
    }

    double scoreAt(int step) {
      return 1.2 - 0.5 * Math.exp(entropy.get(step));
    }
  }

  @Test
  void oneValidationPointGivesNoForecastButAReason() {
    Run run = lawRun(400, 10, 0, false).upTo(15);
    ForecastResult result = forecaster.forecast(run.validations(), run.entropy(), 400);
    assertThat(result.forecast()).isNull();
    assertThat(result.reason()).contains("insufficient data").contains("1 validation point");
  }

  @Test
  void aRunFollowingTheLawIsForecastBetterThanItsLastValueAndInsideTheInterval() {
    Run full = lawRun(400, 10, 0.002, false);
    Run early = full.upTo(60);
    Forecast f = forecaster.forecast(early.validations(), early.entropy(), 400).forecast();
    double truth = full.scoreAt(400);
    double lastValue = early.validations().get(early.validations().size() - 1).score();
    assertThat(Math.abs(f.value() - truth)).isLessThan(Math.abs(lastValue - truth));
    assertThat(truth).isBetween(f.lo(), f.hi());
    assertThat(f.model()).isEqualTo("entropy-law");
  }

  /**
   * A flat run with measurement noise: the last value carries the last point's noise, a curve
   * through all points averages it out, so either may drive, but the forecast stays at the level
   * and never extrapolates the noise into a trend.
   */
  @Test
  void aFlatRunIsForecastAtItsLevel() {
    NavigableMap<Integer, Double> entropy = new TreeMap<>();
    List<ValidationPoint> validations = new ArrayList<>();
    for (int t = 1; t <= 60; t++) {
      entropy.put(t, 0.3);
    }
    for (int t = 10; t <= 60; t += 10) {
      validations.add(new ValidationPoint(t, 0.6 + 0.003 * Math.sin(t), 0.3));
    }
    Forecast f = forecaster.forecast(validations, entropy, 400).forecast();
    assertThat(f.value()).isCloseTo(0.6, within(0.003));
    assertThat(f.candidates().values()).allSatisfy(v -> assertThat(v).isCloseTo(0.6, within(0.005)));
    assertThat(f.weights().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void theBurnInJumpIsExcludedFromTheFit() {
    Run early = lawRun(400, 10, 0, true).upTo(60);
    ForecastResult result = forecaster.forecast(early.validations(), early.entropy(), 400);
    assertThat(result.burnInPoints()).isEqualTo(1);
    assertThat(result.fit().a()).isCloseTo(0.5, within(1e-6));
  }

  /** Flat scores at {@code score}, entropy {@code h(t)}, validations every 10 steps up to {@code last}. */
  private static Run flatScoreRun(int last, double score, java.util.function.IntToDoubleFunction h) {
    NavigableMap<Integer, Double> entropy = new TreeMap<>();
    List<ValidationPoint> validations = new ArrayList<>();
    for (int t = 1; t <= last; t++) {
      entropy.put(t, h.applyAsDouble(t));
    }
    for (int t = 10; t <= last; t += 10) {
      validations.add(new ValidationPoint(t, score + 0.002 * Math.sin(t), entropy.get(t)));
    }
    return new Run(entropy, validations);
  }

  @Test
  void aRunWhoseEntropyHasNotCollapsedGetsAnIntervalReachingUpward() {
    Run run = flatScoreRun(20, 0.4, t -> 0.45);
    Forecast f = forecaster.forecast(run.validations(), run.entropy(), 400).forecast();
    assertThat(f.hi() - f.value()).isGreaterThan(0.1).isGreaterThan(1.5 * (f.value() - f.lo()));
  }

  @Test
  void withNoOutOfSampleCheckTheEntropyPriorRaisesTheForecastOfAnUncollapsedRun() {
    Run run = flatScoreRun(10, 0.4, t -> 0.45);
    ForecastResult result = forecaster.forecast(List.of(new ValidationPoint(5, 0.0, 0.45), run.validations().get(0)),
        run.entropy(), 400);
    Forecast f = result.forecast();
    assertThat(result.burnInPoints()).isEqualTo(1);
    assertThat(f.model()).isEqualTo("entropy-prior");
    assertThat(f.value()).isBetween(0.42, 0.5);
    assertThat(result.reason()).contains("entropy-prior drives").contains("gain still ahead");
  }

  @Test
  void aSaturatedRunWithCollapsedEntropyKeepsATightInterval() {
    Run run = flatScoreRun(60, 0.6, t -> 0.5 * Math.exp(-t / 8.0) + 0.005);
    Forecast f = forecaster.forecast(run.validations(), run.entropy(), 400).forecast();
    assertThat(f.value()).isCloseTo(0.6, within(0.01));
    assertThat(f.hi() - f.lo()).isLessThan(0.08);
  }

  @Test
  void badSettingsAreRejectedNamingTheKey() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ForecastConfig(2, 0.5, 0.1, 1, 1.5, 0.02, 2, null));
    assertThat(e).hasMessage("forecast.coverage must be in (0, 1), was 1.5");
  }

  /** A smooth saturating pow3 run with dense validations and noise {@code sd}, seeded. */
  private static Run pow3Run(long seed, double sd) {
    java.util.Random random = new java.util.Random(seed);
    NavigableMap<Integer, Double> entropy = new TreeMap<>();
    List<ValidationPoint> validations = new ArrayList<>();
    for (int t = 1; t <= 75; t++) {
      entropy.put(t, 0.1 + 0.3 * Math.exp(-t / 40.0) + 0.003 * random.nextGaussian());
    }
    for (int t = 5; t <= 75; t += 5) {
      validations.add(new ValidationPoint(t, pow3(t) + sd * random.nextGaussian(), entropy.get(t)));
    }
    return new Run(entropy, validations);
  }

  private static double pow3(int step) {
    return 0.75 - 0.6 * Math.pow(step + 1, -0.4);
  }

  /**
   * When pow3 beats the last value at every rolling origin, the forecast follows it (the shrinkage
   * toward the last value does not erase a consistent win), and the interval still covers.
   */
  @Test
  void aConsistentRollingOriginWinnerDrivesTheForecastAndTheIntervalStillCovers() {
    double forecastError = 0;
    double lastValueError = 0;
    int covered = 0;
    int runs = 20;
    for (long seed = 0; seed < runs; seed++) {
      Run run = pow3Run(seed, 0.004);
      ForecastResult result = forecaster.forecast(run.validations(), run.entropy(), 500);
      Forecast f = result.forecast();
      double truth = pow3(500);
      forecastError += Math.abs(f.value() - truth);
      lastValueError += Math.abs(run.validations().get(run.validations().size() - 1).score() - truth);
      covered += f.lo() <= truth && truth <= f.hi() ? 1 : 0;
      if (seed == 0) {
        assertThat(f.model()).isEqualTo("pow3");
        assertThat(f.weights().get("pow3")).isGreaterThan(0.85);
        assertThat(result.reason()).contains("pow3 beat the last value from 6 of 6 rolling origins");
      }
    }
    assertThat(forecastError).isLessThan(0.2 * lastValueError);
    assertThat(covered).isEqualTo(runs);
  }
}
