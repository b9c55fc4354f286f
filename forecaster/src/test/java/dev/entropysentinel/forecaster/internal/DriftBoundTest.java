package dev.entropysentinel.forecaster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import dev.entropysentinel.forecaster.DriftShape;
import dev.entropysentinel.forecaster.ValidationPoint;
import org.junit.jupiter.api.Test;

class DriftBoundTest {
  /** Validations every {@code every} steps from {@code first} to {@code last}. */
  private static List<ValidationPoint> points(int first, int last, int every, IntToDoubleFunction score) {
    List<ValidationPoint> out = new ArrayList<>();
    for (int t = first; t <= last; t += every) {
      out.add(new ValidationPoint(t, score.applyAsDouble(t), 0.1));
    }
    return out;
  }

  @Test
  void anExactLogLinearDriftIsExtrapolatedOverTheHorizonLeft() {
    DriftBound b = DriftBound.of(points(10, 400, 10, t -> 0.5 + 0.01 * Math.log(t + 1.0)), 400, 1100,
        0.5 + 0.01 * Math.log(401), DriftShape.LOG);
    assertThat(b.shortfall()).isNull();
    assertThat(b.slope()).isCloseTo(0.01, within(1e-9));
    assertThat(b.horizon()).isCloseTo(Math.log(1101.0 / 401), within(1e-12));
    assertThat(b.gainBound()).isCloseTo(0.01 * b.horizon(), within(1e-6));
    assertThat(b.gainOver(0.5 + 0.01 * Math.log(401))).isCloseTo(b.gainBound(), within(1e-6));
  }

  @Test
  void aWindowReachesBackItsMultipleOfTheHorizonInLogSteps() {
    for (double factor : new double[] {1, 2}) {
      DriftBound b = DriftBound.over(points(10, 400, 10, t -> 0.5), 400, 1100, DriftShape.LOG, factor, 0.95);
      double reach = 401 * Math.exp(-factor * Math.log(1101.0 / 401)) - 1;
      assertThat(b.windowStart()).isLessThanOrEqualTo((int) reach).isGreaterThan((int) reach - 10);
      assertThat(b.factor()).isEqualTo(factor);
    }
    assertThat(DriftBound.over(points(60, 400, 10, t -> 0.5), 400, 1100, DriftShape.LOG, 2, 0.95).shortfall())
        .contains("start at step 60, later than step 53 where evidence 2x the horizon");
  }

  /**
   * A curve that rose until step 200 and is flat since: the 2x window reaches back into the rise and
   * bounds a drift that is not there; the 1x window sees the plateau, and its bound is the one taken.
   */
  @Test
  void theTighterWindowIsTakenEachAtTheSplitConfidence() {
    IntToDoubleFunction saturated = t -> 0.55 - 0.05 * Math.max(0, 200 - t) / 190.0 + 0.003 * ((t / 10) % 2 == 0 ? 1 : -1);
    List<ValidationPoint> usable = points(10, 400, 10, saturated);
    DriftBound oneX = DriftBound.over(usable, 400, 1100, DriftShape.LOG, 1, 0.975);
    DriftBound twoX = DriftBound.over(usable, 400, 1100, DriftShape.LOG, 2, 0.975);
    DriftBound chosen = DriftBound.of(usable, 400, 1100, saturated.applyAsDouble(400), DriftShape.LOG);
    assertThat(oneX.gainBound()).isLessThan(twoX.gainBound());
    assertThat(chosen).isEqualTo(oneX);
    assertThat(chosen.describe()).contains("evidence 1x the horizon, the tighter of 1x and 2x");
    assertThat(chosen.gainBound()).isGreaterThan(DriftBound.over(usable, 400, 1100, DriftShape.LOG, 1, 0.95).gainBound());
  }

  @Test
  void theBoundGrowsWithTheHorizonAndTheNoise() {
    IntToDoubleFunction drift = t -> 0.5 + 0.004 * Math.log(t + 1.0);
    double level = drift.applyAsDouble(400);
    DriftBound shortHorizon = DriftBound.of(points(10, 400, 10, drift), 400, 500, level, DriftShape.LOG);
    DriftBound longHorizon = DriftBound.of(points(10, 400, 10,
        t -> drift.applyAsDouble(t) + 0.002 * ((t / 10) % 2 == 0 ? 1 : -1)), 400, 1100, level, DriftShape.LOG);
    assertThat(shortHorizon.gainBound()).isCloseTo(0.004 * Math.log(501.0 / 401), within(1e-6));
    assertThat(longHorizon.gainBound()).isGreaterThan(0.004 * Math.log(1101.0 / 401));
    DriftBound noisy = DriftBound.of(points(10, 400, 10,
        t -> 0.5 + 0.004 * Math.log(t + 1.0) + 0.01 * ((t / 10) % 2 == 0 ? 1 : -1)), 400, 1100, level, DriftShape.LOG);
    assertThat(noisy.gainBound()).isGreaterThan(longHorizon.gainBound());
  }

  @Test
  void aLevelInADipAddsTheWayBackToTheTrendAndAHighOneIsNotCredited() {
    DriftBound flat = DriftBound.of(points(10, 400, 10, t -> 0.5), 400, 1100, 0.5, DriftShape.LOG);
    assertThat(flat.gainOver(0.49)).isCloseTo(flat.gainBound() + 0.01, within(1e-9));
    assertThat(flat.gainOver(0.51)).isCloseTo(flat.gainBound(), within(1e-9));
  }

  @Test
  void tooFewValidationsGiveNoBoundAndTheEndGivesZero() {
    assertThat(DriftBound.of(points(0, 30, 10, t -> 0.5), 30, 40, 0.5, DriftShape.LOG).gainBound()).isInfinite();
    assertThat(DriftBound.of(points(0, 30, 10, t -> 0.5), 30, 40, 0.5, DriftShape.LINEAR).describe()).contains("only 4 validations");
    assertThat(DriftBound.of(points(0, 100, 10, t -> 0.5), 100, 100, 0.5, DriftShape.LINEAR).gainBound()).isZero();
  }

  @Test
  void aLinearDriftIsExtrapolatedOverTheStepsLeft() {
    IntToDoubleFunction linear = t -> 0.5 + 2e-5 * t;
    DriftBound b = DriftBound.of(points(10, 700, 10, linear), 700, 1100, linear.applyAsDouble(700), DriftShape.LINEAR);
    assertThat(b.shortfall()).isNull();
    assertThat(b.horizon()).isEqualTo(400);
    assertThat(b.slope()).isCloseTo(2e-5, within(1e-12));
    assertThat(b.gainBound()).isCloseTo(0.008, within(1e-9));
    assertThat(b.trendNow()).isCloseTo(linear.applyAsDouble(700), within(1e-12));
    assertThat(b.describe()).startsWith("linear drift's 95% bound 0.0080 over 400 steps left from ")
        .contains("slope per 100 steps 0.0020, upper 0.0020");
    assertThat(DriftBound.of(points(10, 400, 10, linear), 400, 1100, linear.applyAsDouble(400), DriftShape.LINEAR)
        .describe()).as("throwing away 700 steps needs evidence from 700 steps back")
        .contains("later than step -300 where evidence 1x the horizon (in steps) must start");
  }

  /** Why LINEAR is the default: on a drift linear in steps the log-linear bound sees less than is still ahead. */
  @Test
  void onALinearDriftTheLogBoundFallsShortAndTheLinearOneCoversIt() {
    IntToDoubleFunction linear = t -> 0.5 + 3e-5 * t;
    double ahead = 3e-5 * (1100 - 700);
    double level = linear.applyAsDouble(700);
    List<ValidationPoint> usable = points(100, 700, 10, linear);
    assertThat(DriftBound.of(usable, 700, 1100, level, DriftShape.LOG).gainOver(level)).isLessThan(0.75 * ahead);
    assertThat(DriftBound.of(usable, 700, 1100, level, DriftShape.LINEAR).gainOver(level)).isCloseTo(ahead, within(1e-9));
  }

  @Test
  void aLinearWindowReachesBackItsMultipleOfTheStepsLeft() {
    for (double factor : new double[] {1, 2}) {
      DriftBound b = DriftBound.over(points(10, 800, 10, t -> 0.5), 800, 1100, DriftShape.LINEAR, factor, 0.95);
      assertThat(b.windowStart()).isEqualTo((int) (800 - factor * 300));
    }
    assertThat(DriftBound.over(points(300, 800, 10, t -> 0.5), 800, 1100, DriftShape.LINEAR, 2, 0.95).shortfall())
        .contains("start at step 300, later than step 200 where evidence 2x the horizon (in steps) must start");
  }
}
