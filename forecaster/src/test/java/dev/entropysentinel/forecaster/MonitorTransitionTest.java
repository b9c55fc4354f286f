package dev.entropysentinel.forecaster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorTransitionTest {
  private static final long MINUTE = 60_000;
  private final MonitorTransition transition =
      new MonitorTransition(MonitorConfig.ofDefaults().withDryRun(false), ForecastConfig.ofDefaults());

  /** Entropy every step, a validation every ten; all steps of the run in one list. */
  private static List<MonitorStep> run(MonitorTransition transition, MonitorState start, int from, int to,
      java.util.function.IntToDoubleFunction h, java.util.function.IntToDoubleFunction score) {
    List<MonitorStep> steps = new ArrayList<>();
    MonitorState state = start;
    for (int t = from; t <= to; t++) {
      MonitorStep s = transition.apply(state, new MonitorEvent.Entropy(t, h.applyAsDouble(t), t * 1_000L));
      steps.add(s);
      state = s.state();
      if (score != null && t % 10 == 0) {
        s = transition.apply(state, new MonitorEvent.Validation(t, score.applyAsDouble(t), t * 1_000L));
        steps.add(s);
        state = s.state();
      }
    }
    return steps;
  }

  private static MonitorState last(List<MonitorStep> steps) {
    return steps.get(steps.size() - 1).state();
  }

  @Test
  void applyingTheSameEventToTheSameStateGivesEqualResultsAndLeavesTheInputAlone() {
    MonitorState before = last(run(transition, MonitorState.initial(400), 1, 60, t -> 0.5 * Math.exp(-t / 40.0),
        t -> 0.3 + 0.002 * t));
    byte[] bytesBefore = MonitorStateCodec.toBytes(before);
    MonitorEvent event = new MonitorEvent.Validation(70, 0.45, 70_000);
    MonitorStep a = transition.apply(before, new MonitorEvent.Entropy(70, 0.08, 70_000));
    MonitorStep b = transition.apply(before, new MonitorEvent.Entropy(70, 0.08, 70_000));
    assertThat(a).isEqualTo(b);
    assertThat(transition.apply(a.state(), event)).isEqualTo(transition.apply(b.state(), event));
    assertThat(MonitorStateCodec.toBytes(before)).isEqualTo(bytesBefore);
  }

  @Test
  void aRedeliveredEntropyOrValidationChangesNothingAndEmitsNothing() {
    List<MonitorStep> steps = run(transition, MonitorState.initial(400), 1, 150, t -> 0.5 * Math.exp(-t / 40.0),
        t -> 0.3 + 0.002 * t);
    assertThat(steps.stream().flatMap(s -> s.decisions().stream())).isNotEmpty();
    MonitorState state = last(steps);
    for (MonitorEvent again : List.of(new MonitorEvent.Entropy(150, 0.5, 999_000),
        new MonitorEvent.Entropy(111, 0.01, 999_000), new MonitorEvent.Validation(150, 0.9, 999_000),
        new MonitorEvent.Validation(40, 0.1, 999_000))) {
      MonitorStep s = transition.apply(state, again);
      assertThat(s.duplicate()).as(again.toString()).isTrue();
      assertThat(s.state()).isSameAs(state);
      assertThat(s.fired()).isEmpty();
      assertThat(s.resolved()).isEmpty();
      assertThat(s.decisions()).isEmpty();
      assertThat(s.forecastUpdated()).isFalse();
    }
  }

  @Test
  void silenceIsMeasuredByTheTicksTimeAgainstTheLastEventsTimeAndResolvedWhenTheRunSpeaks() {
    MonitorState s = transition.apply(MonitorState.initial(400), new MonitorEvent.Tick(99 * MINUTE)).state();
    assertThat(s).isEqualTo(MonitorState.initial(400));
    s = transition.apply(s, new MonitorEvent.Entropy(1, 0.4, 10 * MINUTE)).state();
    assertThat(transition.apply(s, new MonitorEvent.Tick(40 * MINUTE)).fired()).isEmpty();
    MonitorStep silent = transition.apply(s, new MonitorEvent.Tick(41 * MINUTE + 1));
    assertThat(silent.fired()).extracting(Detection::type).containsExactly(DetectionType.SILENT_RUN);
    assertThat(silent.fired().get(0).reason()).isEqualTo("no record for 1860 s (timeout 1800 s) after step 1");
    assertThat(transition.apply(silent.state(), new MonitorEvent.Tick(50 * MINUTE)).fired()).isEmpty();
    MonitorStep back = transition.apply(silent.state(), new MonitorEvent.Entropy(2, 0.4, 51 * MINUTE));
    assertThat(back.resolved()).extracting(Detection::type).containsExactly(DetectionType.SILENT_RUN);
    assertThat(back.state().active(DetectionType.SILENT_RUN)).isEmpty();
    assertThat(back.state().lastSeenMs()).isEqualTo(51 * MINUTE);
  }

  @Test
  void aLateRecordDoesNotMoveTheLastSeenTimeBack() {
    MonitorState s = transition.apply(MonitorState.initial(400), new MonitorEvent.Entropy(1, 0.4, 10 * MINUTE)).state();
    s = transition.apply(s, new MonitorEvent.Validation(0, 0.2, 5 * MINUTE)).state();
    assertThat(s.lastSeenMs()).isEqualTo(10 * MINUTE);
  }

  @Test
  void aCollapseThatClearsByTheMarginIsResolvedAndCanFireAgainWithoutASecondDecision() {
    List<MonitorStep> steps = run(transition, MonitorState.initial(400), 1, 400,
        t -> t <= 10 ? 0.4 : (t / 60) % 2 == 0 ? 0.3 : 0.05, null);
    List<Detection> fired = steps.stream().flatMap(s -> s.fired().stream())
        .filter(d -> d.type() == DetectionType.ENTROPY_COLLAPSE).toList();
    List<Detection> resolved = steps.stream().flatMap(s -> s.resolved().stream())
        .filter(d -> d.type() == DetectionType.ENTROPY_COLLAPSE).toList();
    assertThat(fired).hasSizeGreaterThan(1);
    assertThat(resolved).hasSizeBetween(fired.size() - 1, fired.size());
    assertThat(resolved.get(0).step()).isGreaterThan(fired.get(0).step());
    assertThat(resolved.get(0).reason()).startsWith("ENTROPY_COLLAPSE no longer holds at step " + resolved.get(0).step());
    assertThat(steps.stream().flatMap(s -> s.decisions().stream())
        .filter(d -> d.cause() == DetectionType.ENTROPY_COLLAPSE)).hasSize(1);
  }

  @Test
  void phaseAndStepsToCollapseFollowTheEntropy() {
    List<MonitorStep> steps = run(transition, MonitorState.initial(400), 1, 150, t -> 0.5 * Math.exp(-t / 40.0), null);
    assertThat(MonitorState.initial(400).phase()).isEqualTo(RunPhase.UNKNOWN);
    assertThat(steps.get(4).state().phase()).isEqualTo(RunPhase.BURN_IN);
    MonitorState learning = steps.get(30).state();
    assertThat(learning.phase()).isEqualTo(RunPhase.LEARNING);
    // at step 31 the smoothed entropy (~0.26) is 35 steps of a 1/40 decay above a quarter of the start (~0.11)
    assertThat(learning.stepsToCollapse()).isBetween(30, 40);
    int collapsedAt = steps.stream().flatMap(s -> s.fired().stream()).findFirst().orElseThrow().step();
    assertThat(learning.lastStep() + learning.stepsToCollapse()).isCloseTo(collapsedAt, org.assertj.core.data.Offset.offset(5));
    MonitorState collapsed = last(steps);
    assertThat(collapsed.phase()).isEqualTo(RunPhase.COLLAPSING);
    assertThat(collapsed.stepsToCollapse()).isNull();
    MonitorState flat = last(run(transition, MonitorState.initial(400), 1, 50, t -> 0.3, null));
    assertThat(flat.phase()).isEqualTo(RunPhase.LEARNING);
    assertThat(flat.stepsToCollapse()).isNull();
  }

  @Test
  void withoutAPlanThereIsNoForecastButAReasonAndNoIntervention() {
    List<MonitorStep> steps = run(transition, MonitorState.initial(null), 1, 150, t -> 0.5 * Math.exp(-t / 40.0),
        t -> 0.3 + 0.002 * t);
    MonitorState s = last(steps);
    assertThat(s.forecast().forecast()).isNull();
    assertThat(s.forecast().reason()).isEqualTo(MonitorTransition.NO_TARGET);
    assertThat(s.forecast().fit().n()).isEqualTo(15);
    assertThat(s.active(DetectionType.ENTROPY_COLLAPSE)).isPresent();
    assertThat(steps.stream().flatMap(x -> x.decisions().stream())).isEmpty();

    MonitorStep planned = transition.apply(s, new MonitorEvent.Plan(400, 151_000));
    assertThat(planned.forecastUpdated()).isTrue();
    assertThat(planned.state().forecast().forecast().targetStep()).isEqualTo(400);
    MonitorStep same = transition.apply(planned.state(), new MonitorEvent.Plan(400, 151_000));
    assertThat(same.forecastUpdated()).isFalse();
    assertThat(same.state()).isEqualTo(planned.state());
    MonitorStep unknown = transition.apply(planned.state(), new MonitorEvent.Plan(null, 152_000));
    assertThat(unknown.state().forecast().reason()).isEqualTo(MonitorTransition.NO_TARGET);
  }

  @Test
  void aValidationWaitsForItsStepsEntropyAndPairsWithTheNextStepsWhenItsOwnNeverCame() {
    MonitorState s = MonitorState.initial(400);
    s = transition.apply(s, new MonitorEvent.Validation(0, 0.2, 0)).state();
    assertThat(s.pendingValidations().size()).isEqualTo(1);
    s = transition.apply(s, new MonitorEvent.Entropy(1, 0.45, 0)).state();
    assertThat(s.pendingValidations().size()).isZero();
    assertThat(s.validationPoints()).containsExactly(new ValidationPoint(0, 0.2, 0.45));
  }

  /**
   * A plateau found when less than minStopSaving of the planned run is left is reported but not
   * stopped: the same run stops at that step when the saving is exactly the minimum.
   */
  @Test
  void aPlateauThatSavesLessThanTheMinimumShareIsReportedNotStopped() {
    MonitorConfig defaults = MonitorConfig.ofDefaults();
    java.util.function.IntToDoubleFunction h = t -> t < 200 ? 0.3 : 0.01;
    java.util.function.IntToDoubleFunction score = t -> 0.7 + 0.001 * Math.sin(t);
    int planned = 400;
    int stop = run(new MonitorTransition(defaults, ForecastConfig.ofDefaults()), MonitorState.initial(planned), 1, 300, h,
        score).stream().flatMap(s -> s.decisions().stream()).mapToInt(Decision::step).findFirst().orElseThrow();
    double saved = (double) (planned - stop) / planned;

    List<MonitorStep> atTheMinimum = run(new MonitorTransition(defaults.withMinStopSaving(saved), ForecastConfig.ofDefaults()),
        MonitorState.initial(planned), 1, 300, h, score);
    assertThat(atTheMinimum.stream().flatMap(s -> s.decisions().stream()))
        .extracting(Decision::step, Decision::action).containsExactly(org.assertj.core.groups.Tuple.tuple(stop, Decision.Action.STOP));

    List<MonitorStep> aboveIt = run(new MonitorTransition(defaults.withMinStopSaving(saved + 0.01), ForecastConfig.ofDefaults()),
        MonitorState.initial(planned), 1, 300, h, score);
    assertThat(aboveIt.stream().flatMap(s -> s.decisions().stream())).isEmpty();
    assertThat(last(aboveIt).active(DetectionType.PLATEAU)).as("the plateau is still reported").isPresent();
    assertThat(last(aboveIt).stopped()).isFalse();
  }

  @Test
  void aMinimumStopSavingOutsideZeroToOneIsRefusedWithItsKey() {
    assertThatThrownBy(() -> MonitorConfig.ofDefaults().withMinStopSaving(1.0))
        .hasMessage("monitor.minStopSaving must be in [0, 1), was 1.0");
  }

  @Test
  void nothingIsDecidedAfterAStop() {
    MonitorTransition advising = new MonitorTransition(MonitorConfig.ofDefaults(), ForecastConfig.ofDefaults());
    List<MonitorStep> steps = run(advising, MonitorState.initial(400), 1, 300, t -> t < 200 ? 0.3 : 0.01,
        t -> 0.7 + 0.001 * Math.sin(t));
    List<Decision> decisions = steps.stream().flatMap(s -> s.decisions().stream()).toList();
    assertThat(decisions).extracting(Decision::action).containsExactly(Decision.Action.STOP);
    assertThat(last(steps).stopped()).isTrue();
    assertThat(last(steps).active(DetectionType.ENTROPY_COLLAPSE)).isPresent();
  }

  @Test
  void badEventsAreRefusedWithTheFieldAndValue() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> new MonitorEvent.Entropy(-1, 0.3, 0)))
        .hasMessage("step must be >= 0, was -1");
    assertThat(assertThrows(IllegalArgumentException.class, () -> new MonitorEvent.Entropy(3, Double.NaN, 0)))
        .hasMessage("entropy at step 3 must be finite and >= 0, was NaN");
    assertThat(assertThrows(IllegalArgumentException.class, () -> new MonitorEvent.Plan(0, 0)))
        .hasMessage("planned totalSteps must be >= 1 or unknown (null), was 0");
  }

  @Test
  void theSilenceTimeoutComesFromTheConfig() {
    MonitorConfig c = MonitorConfig.ofDefaults();
    MonitorConfig quick = new MonitorConfig(c.smoothingSteps(), c.collapseFraction(), c.explosionFactor(),
        c.sustainSteps(), c.hysteresis(), c.fitTolerance(), c.maxForgone(), c.drift(), c.minStopSaving(), c.earlyFraction(), c.targetScore(),
        Duration.ofSeconds(5), c.interventionChanges(), c.dryRun());
    MonitorTransition t = new MonitorTransition(quick, ForecastConfig.ofDefaults());
    MonitorState s = t.apply(MonitorState.initial(10), new MonitorEvent.Entropy(0, 0.4, 1_000)).state();
    assertThat(t.apply(s, new MonitorEvent.Tick(6_000)).fired()).isEmpty();
    assertThat(t.apply(s, new MonitorEvent.Tick(6_001)).fired()).hasSize(1);
  }
}
