package dev.entropysentinel.forecaster;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import dev.entropysentinel.forecaster.internal.BurnIn;
import dev.entropysentinel.forecaster.internal.DriftBound;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * The monitor's logic as a pure function {@code (state, event) -> (state, outputs)}: keeps the
 * forecast current, runs the collapse, explosion, plateau, fit-broken and silence detectors and the
 * decision policy. The stream processor applies it to the state it keeps per run, the replay (through
 * {@link RunMonitor}) to a state in memory, so both decide identically.
 *
 * <ul>
 *   <li>Pure and deterministic: no clock (events carry their time, silence is a {@link MonitorEvent.Tick}),
 *       no mutable field; thread-safe.
 *   <li>Idempotent by step: an entropy for a step at or before the last entropy's, or a validation at or
 *       before the last validation's, is a redelivery: the same state, {@code duplicate}, no output.
 *   <li>Decisions do not flap: every detector is a latch with hysteresis kept in the state (a condition
 *       fires once and is resolved once it clears by the margin), at most one decision per condition,
 *       nothing after a STOP.
 * </ul>
 */
public final class MonitorTransition {
  /** Consecutive validations off the law that make the fit broken; one miss can be noise. */
  private static final int FIT_MISSES = 2;
  /** Validation points the law needs before its misses mean anything. */
  private static final int FIT_MIN_POINTS = 3;
  /** Out-of-sample checks a forecast needs before its plateau verdict can stop a run. */
  private static final int PLATEAU_MIN_CHECKS = 3;
  /** The current score is the mean of this many last validations, as when a STOP is judged. */
  private static final int LEVEL_POINTS = 3;
  /** The reason of a forecast without a planned total. */
  public static final String NO_TARGET = "no planned total steps: the forecast has no target";
  /** Pending validations are a queue: every point is in the "tail". */
  private static final SampledSeries.Shape PENDING_SHAPE = new SampledSeries.Shape(0, MonitorState.MAX_PENDING + 1, 2);

  private final MonitorConfig config;
  private final ForecastConfig forecastConfig;
  private final CeilingForecaster forecaster;
  private final double alpha;

  public MonitorTransition(MonitorConfig config, ForecastConfig forecastConfig) {
    this.config = config;
    this.forecastConfig = forecastConfig;
    this.forecaster = new CeilingForecaster(forecastConfig);
    this.alpha = 2.0 / (config.smoothingSteps() + 1);
  }

  /** Applies one event to a run's state. */
  public MonitorStep apply(MonitorState state, MonitorEvent event) {
    if (event instanceof MonitorEvent.Entropy e) {
      return e.step() <= state.lastStep() ? MonitorStep.duplicateOf(state) : entropy(state, e);
    }
    if (event instanceof MonitorEvent.Validation v) {
      return v.step() <= state.lastValidationStep() ? MonitorStep.duplicateOf(state) : validation(state, v);
    }
    if (event instanceof MonitorEvent.Plan p) {
      return plan(state, p);
    }
    return tick(state, (MonitorEvent.Tick) event);
  }

  private MonitorStep entropy(MonitorState state, MonitorEvent.Entropy e) {
    Draft d = new Draft(state);
    d.seen(e.timestampMs());
    int step = e.step();
    double h = e.entropy();
    d.lastStep = step;
    d.entropyCount++;
    d.trajectory = d.trajectory.append(MonitorState.ENTROPY_SHAPE, step, h);
    d.smoothed = Double.isNaN(d.smoothed) ? h : d.smoothed + alpha * (h - d.smoothed);
    if (d.entropyCount <= config.smoothingSteps()) {
      d.startSum += h;
      d.startLevel = d.startSum / d.entropyCount;
    }
    double smoothed = d.smoothed;
    double start = d.startLevel;
    double collapseAt = config.collapseFraction() * start;
    d.latch(DetectionType.ENTROPY_COLLAPSE, smoothed < collapseAt, smoothed > collapseAt * (1 + config.hysteresis()),
        step, () -> new Detection(step, DetectionType.ENTROPY_COLLAPSE, String.format(
            "smoothed entropy %.4f fell below %.0f%% of its starting level %.4f", smoothed,
            100 * config.collapseFraction(), start),
            Map.of("entropy", smoothed, "startEntropy", start, "threshold", collapseAt)));
    double lowest = d.lowest;
    double explodeAt = config.explosionFactor() * lowest;
    d.risingFor = smoothed > explodeAt ? d.risingFor + 1 : 0;
    int rising = d.risingFor;
    d.latch(DetectionType.ENTROPY_EXPLOSION, rising >= config.sustainSteps(),
        smoothed < explodeAt / (1 + config.hysteresis()), step,
        () -> new Detection(step, DetectionType.ENTROPY_EXPLOSION, String.format(
            "smoothed entropy %.4f stayed above %.1fx its lowest level %.4f for %d steps", smoothed,
            config.explosionFactor(), lowest, rising),
            Map.of("entropy", smoothed, "lowestEntropy", lowest, "steps", (double) rising)));
    d.lowest = Math.min(lowest, smoothed);
    pairPending(d);
    return finish(d);
  }

  private MonitorStep validation(MonitorState state, MonitorEvent.Validation v) {
    Draft d = new Draft(state);
    d.seen(v.timestampMs());
    d.lastValidationStep = v.step();
    d.pending = d.pending.append(PENDING_SHAPE, v.step(), v.score());
    if (d.pending.size() > MonitorState.MAX_PENDING) {
      d.pending = d.pending.dropFirst();
    }
    pairPending(d);
    return finish(d);
  }

  /** A new planned total re-targets the forecast; an unknown one withdraws it. */
  private MonitorStep plan(MonitorState state, MonitorEvent.Plan p) {
    Draft d = new Draft(state);
    d.seen(p.timestampMs());
    if (!Objects.equals(p.totalSteps(), state.totalSteps())) {
      d.totalSteps = p.totalSteps();
      if (d.validations.size() > 0) {
        d.forecast = forecast(d);
        d.forecastUpdated = true;
      }
    }
    return finish(d);
  }

  /** Silence: no record for longer than the timeout, by the tick's time against the last event's. */
  private MonitorStep tick(MonitorState state, MonitorEvent.Tick t) {
    Long lastSeen = state.lastSeenMs();
    long timeoutMs = config.silenceTimeout().toMillis();
    if (lastSeen == null || t.nowMs() - lastSeen <= timeoutMs || state.active(DetectionType.SILENT_RUN).isPresent()) {
      return MonitorStep.unchanged(state);
    }
    Draft d = new Draft(state);
    int step = Math.max(0, state.lastStep());
    long quietSeconds = (t.nowMs() - lastSeen) / 1000;
    d.latch(DetectionType.SILENT_RUN, true, false, step, () -> new Detection(step, DetectionType.SILENT_RUN,
        "no record for " + quietSeconds + " s (timeout " + config.silenceTimeout().toSeconds() + " s) after step " + step,
        Map.of("silentSeconds", (double) quietSeconds)));
    return finish(d);
  }

  /** Pairs waiting validations with an entropy, refreshing the forecast and its detectors. */
  private void pairPending(Draft d) {
    while (d.pending.size() > 0) {
      int step = d.pending.step(0);
      OptionalDouble h = entropyFor(d, step);
      if (h.isEmpty()) {
        return;
      }
      double score = d.pending.value(0, 0);
      d.pending = d.pending.dropFirst();
      ValidationPoint point = new ValidationPoint(step, score, h.getAsDouble());
      fitBroken(d, point);
      d.validations = d.validations.append(MonitorState.VALIDATION_SHAPE, step, score, point.entropy());
      d.forecast = forecast(d);
      d.forecastUpdated = true;
      plateau(d, point);
    }
  }

  /**
   * The entropy a validation of {@code step} pairs with: its step's, else the next step's (a
   * validation made before the first update pairs with step 1), else, once the trajectory is past
   * both, the first kept entropy after it (a gap in the steps, or a validation so late that its
   * step's entropy was thinned out); empty while it may still come.
   */
  private static OptionalDouble entropyFor(Draft d, int step) {
    SampledSeries t = d.trajectory;
    if (d.lastStep < step) {
      return OptionalDouble.empty();
    }
    int at = t.indexOf(step);
    if (at < 0) {
      at = t.indexOf(step + 1);
    }
    if (at < 0) {
      at = t.ceilingIndex(step);
    }
    return OptionalDouble.of(t.value(0, at));
  }

  private ForecastResult forecast(Draft d) {
    List<ValidationPoint> points = MonitorState.points(d.validations);
    if (d.totalSteps != null) {
      return forecaster.forecast(points, d.trajectory.asMap(0), d.totalSteps);
    }
    if (points.size() < forecastConfig.minValidationPoints()) {
      return new ForecastResult(null, NO_TARGET, EntropyLawFit.empty(), 0);
    }
    int burnIn = BurnIn.end(points, forecastConfig.burnInJumpShare(), forecastConfig.burnInMinJump());
    EntropyLawFit fit = EntropyLawFit.empty();
    for (ValidationPoint p : points.subList(burnIn, points.size())) {
      fit = fit.add(p.entropy(), p.score());
    }
    return new ForecastResult(null, NO_TARGET, fit, burnIn);
  }

  private void fitBroken(Draft d, ValidationPoint point) {
    ForecastResult f = d.forecast;
    if (f == null || f.fit().n() < FIT_MIN_POINTS) {
      return;
    }
    double residual = point.score() - f.fit().predict(point.entropy());
    d.misses = Math.abs(residual) > config.fitTolerance() ? d.misses + 1 : 0;
    boolean cleared = Math.abs(residual) < config.fitTolerance() / (1 + config.hysteresis());
    int misses = d.misses;
    d.latch(DetectionType.FIT_BROKEN, misses >= FIT_MISSES, cleared, point.step(),
        () -> new Detection(point.step(), DetectionType.FIT_BROKEN, String.format(
            "validation %.4f is %.4f off the law's %.4f (tolerance %.4f) for %d validations in a row",
            point.score(), residual, point.score() - residual, config.fitTolerance(), misses),
            Map.of("residual", residual, "tolerance", config.fitTolerance(), "r2", f.fit().r2())));
  }

  /**
   * Plateau: a STOP throws away the rest of the run, so it needs both the slow drift's upper bound over
   * the horizon left ({@link DriftBound} of the configured {@link DriftShape}, the tighter of evidence 1x and
   * 2x the horizon) and the
   * forecast's expected gain over the current level (the mean of the last {@value #LEVEL_POINTS} validations) below the
   * score the user is willing to forgo ({@link MonitorConfig#maxForgone()}, doubled for +-1 rewards).
   */
  private void plateau(Draft d, ValidationPoint point) {
    Forecast f = d.forecast.forecast();
    if (f == null || f.checks() < PLATEAU_MIN_CHECKS) {
      return;
    }
    List<ValidationPoint> points = MonitorState.points(d.validations);
    double level = points.subList(Math.max(0, points.size() - LEVEL_POINTS), points.size()).stream()
        .mapToDouble(ValidationPoint::score).average().orElseThrow();
    boolean plusMinusOne = points.stream().anyMatch(p -> p.score() < 0);
    double allowed = config.maxForgone() * (plusMinusOne ? 2 : 1);
    DriftBound drift = DriftBound.of(points.subList(d.forecast.burnInPoints(), points.size()), point.step(),
        f.targetStep(), level, config.drift());
    double expected = f.value() - level;
    double gain = Math.max(drift.gainOver(level), expected);
    d.latch(DetectionType.PLATEAU, gain < allowed, gain > allowed * (1 + config.hysteresis()), point.step(),
        () -> new Detection(point.step(), DetectionType.PLATEAU, String.format(Locale.ROOT,
            "gain ahead <= %.4f by step %d (may forgo %.4f%s): %s; forecast %.4f vs current %.4f (mean of last %d); "
                + "saves %d steps (%.0f%%)", gain, f.targetStep(), allowed, plusMinusOne ? ", +-1 rewards" : "",
            drift.describe(), f.value(), level, LEVEL_POINTS, f.targetStep() - point.step(),
            100.0 * (f.targetStep() - point.step()) / f.targetStep()),
            Map.of("forecast", f.value(), "current", level, "remainingGain", gain, "driftBound", drift.gainBound(),
                drift.shape() == DriftShape.LOG ? "horizonLogSteps" : "horizonSteps", drift.horizon(),
                "maxForgone", allowed)));
  }

  private MonitorStep finish(Draft d) {
    for (Detection found : d.fired) {
      decide(d, found);
    }
    d.stepsToCollapse = stepsToCollapse(d);
    d.phase = phase(d);
    return new MonitorStep(d.freeze(), d.fired, d.resolved, d.newDecisions, d.forecastUpdated, false);
  }

  /**
   * The policy: STOP on a plateau that still saves enough of the run; INTERVENE on an early collapse
   * whose ceiling misses the target.
   */
  private void decide(Draft d, Detection found) {
    if (d.stopped || d.decided.contains(found.type())) {
      return;
    }
    Decision decision = switch (found.type()) {
      case PLATEAU -> savesEnough(d, found)
          ? new Decision(found.step(), Decision.Action.STOP, found.type(), "plateau: " + found.reason(), Map.of(),
              config.dryRun())
          : null;
      case ENTROPY_COLLAPSE -> earlyCollapseBelowTarget(d, found)
          ? new Decision(found.step(), Decision.Action.INTERVENE, found.type(), String.format(
              "early entropy collapse (step %d of %d) with forecast upper bound %s below target %.3f: %s",
              found.step(), d.totalSteps, upperBound(d), config.targetScore(), found.reason()),
              config.interventionChanges(), config.dryRun())
          : null;
      default -> null;
    };
    if (decision == null) {
      return;
    }
    d.decided.add(found.type());
    d.stopped = decision.action() == Decision.Action.STOP;
    d.decisions.add(decision);
    d.newDecisions.add(decision);
  }

  /** A plateau found this late saves too little of the planned run to be worth a STOP ({@link MonitorConfig#minStopSaving()}). */
  private boolean savesEnough(Draft d, Detection found) {
    return d.totalSteps != null && d.totalSteps - found.step() >= config.minStopSaving() * d.totalSteps;
  }

  /** Early needs a plan: without planned total steps nobody can tell early from late, so no intervention. */
  private boolean earlyCollapseBelowTarget(Draft d, Detection found) {
    boolean early = d.totalSteps != null && found.step() < config.earlyFraction() * d.totalSteps;
    Forecast f = d.forecast == null ? null : d.forecast.forecast();
    return early && (f == null || f.hi() < config.targetScore());
  }

  private static String upperBound(Draft d) {
    Forecast f = d.forecast == null ? null : d.forecast.forecast();
    return f == null ? "(none yet)" : String.format("%.3f", f.hi());
  }

  /**
   * Steps until the smoothed entropy reaches the collapse threshold, at the decay rate of a log-linear
   * fit over the recent half of the trajectory; null during the starting span, once collapsed, or when
   * the entropy is not falling.
   */
  private Integer stepsToCollapse(Draft d) {
    double threshold = config.collapseFraction() * d.startLevel;
    if (d.entropyCount <= config.smoothingSteps() || d.active.containsKey(DetectionType.ENTROPY_COLLAPSE)
        || !(d.smoothed > threshold) || !(threshold > 0)) {
      return null;
    }
    SampledSeries t = d.trajectory;
    int from = t.step(0) + (d.lastStep - t.step(0)) / 2;
    SimpleRegression decay = new SimpleRegression();
    for (int i = 0; i < t.size(); i++) {
      if (t.step(i) >= from && t.value(0, i) > 0) {
        decay.addData(t.step(i), Math.log(t.value(0, i)));
      }
    }
    if (decay.getN() < 3 || !(decay.getSlope() < 0)) {
      return null;
    }
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil(Math.log(threshold / d.smoothed) / decay.getSlope()));
  }

  private RunPhase phase(Draft d) {
    if (d.entropyCount == 0) {
      return RunPhase.UNKNOWN;
    }
    if (d.active.containsKey(DetectionType.ENTROPY_EXPLOSION)) {
      return RunPhase.EXPLODING;
    }
    if (d.active.containsKey(DetectionType.PLATEAU)) {
      return RunPhase.PLATEAU;
    }
    if (d.active.containsKey(DetectionType.ENTROPY_COLLAPSE)) {
      return RunPhase.COLLAPSING;
    }
    return d.entropyCount <= config.smoothingSteps() ? RunPhase.BURN_IN : RunPhase.LEARNING;
  }

  /** A working copy of a state for one transition, and the outputs it collects. */
  private static final class Draft {
    private Integer totalSteps;
    private int lastStep;
    private int lastValidationStep;
    private Long lastSeenMs;
    private long entropyCount;
    private double smoothed;
    private double startLevel;
    private double startSum;
    private double lowest;
    private int risingFor;
    private int misses;
    private boolean stopped;
    private final Map<DetectionType, Detection> active = new EnumMap<>(DetectionType.class);
    private final EnumSet<DetectionType> decided = EnumSet.noneOf(DetectionType.class);
    private final List<Decision> decisions;
    private ForecastResult forecast;
    private RunPhase phase;
    private Integer stepsToCollapse;
    private SampledSeries trajectory;
    private SampledSeries validations;
    private SampledSeries pending;

    private final List<Detection> fired = new ArrayList<>();
    private final List<Detection> resolved = new ArrayList<>();
    private final List<Decision> newDecisions = new ArrayList<>();
    private boolean forecastUpdated;

    Draft(MonitorState s) {
      totalSteps = s.totalSteps();
      lastStep = s.lastStep();
      lastValidationStep = s.lastValidationStep();
      lastSeenMs = s.lastSeenMs();
      entropyCount = s.entropyCount();
      smoothed = s.smoothedEntropy();
      startLevel = s.startLevel();
      startSum = s.startSum();
      lowest = s.lowestEntropy();
      risingFor = s.risingFor();
      misses = s.misses();
      stopped = s.stopped();
      s.activeDetections().forEach(det -> active.put(det.type(), det));
      decided.addAll(s.decided());
      decisions = new ArrayList<>(s.decisions());
      forecast = s.forecast();
      phase = s.phase();
      stepsToCollapse = s.stepsToCollapse();
      trajectory = s.entropyTrajectory();
      validations = s.validations();
      pending = s.pendingValidations();
    }

    /** A record arrived: the latest event time moves forward, and a silent run speaks again. */
    void seen(long timestampMs) {
      lastSeenMs = lastSeenMs == null ? timestampMs : Math.max(lastSeenMs, timestampMs);
      release(DetectionType.SILENT_RUN, Math.max(0, lastStep));
    }

    /**
     * Hysteresis: a condition that holds fires once; a firing one is released, and reported
     * resolved, only once it has cleared by the margin, so a value hovering at a threshold cannot flap.
     */
    void latch(DetectionType type, boolean holds, boolean clearedWithMargin, int step, Supplier<Detection> detection) {
      if (active.containsKey(type)) {
        if (clearedWithMargin) {
          release(type, step);
        }
        return;
      }
      if (holds) {
        Detection found = detection.get();
        active.put(type, found);
        fired.add(found);
      }
    }

    /** Releases the latch of a condition that holds no longer, reporting it resolved; nothing if it was not firing. */
    void release(DetectionType type, int step) {
      Detection firing = active.remove(type);
      if (firing != null) {
        resolved.add(new Detection(step, type, type + " no longer holds at step " + step + " (it fired at step "
            + firing.step() + ": " + firing.reason() + ")", firing.evidence()));
      }
    }

    MonitorState freeze() {
      return new MonitorState(MonitorState.VERSION, totalSteps, lastStep, lastValidationStep, lastSeenMs, entropyCount,
          smoothed, startLevel, startSum, lowest, risingFor, misses, stopped, List.copyOf(active.values()), decided,
          decisions, forecast, phase, stepsToCollapse, trajectory, validations, pending);
    }
  }
}
