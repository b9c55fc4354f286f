package dev.entropysentinel.forecaster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import dev.entropysentinel.forecaster.internal.Latch;

/**
 * The live state of one run: takes entropy and validation records in step order, keeps the
 * forecast current, runs the detectors and the decision policy. Shared by the stream processor
 * (one instance per run id) and the offline replay, so both decide identically.
 *
 * <p>Decisions do not flap: every detector fires through a {@link Latch} (hysteresis), the policy
 * takes at most one decision per condition, and nothing follows a STOP. Time comes from the
 * injected {@link Clock}, so silence is testable without sleeping. Not thread-safe: a run's
 * records arrive in order on one thread.
 */
public final class RunMonitor {
  /** Consecutive validations off the law that make the fit broken; one miss can be noise. */
  static final int FIT_MISSES = 2;
  /** Validation points the law needs before its misses mean anything. */
  private static final int FIT_MIN_POINTS = 3;
  /** Out-of-sample checks a forecast needs before its plateau verdict can stop a run. */
  static final int PLATEAU_MIN_CHECKS = 3;

  private final MonitorConfig config;
  private final CeilingForecaster forecaster;
  private final int totalSteps;
  private final Clock clock;
  private final double alpha;

  private final NavigableMap<Integer, Double> entropy = new TreeMap<>();
  private final NavigableMap<Integer, Double> pendingValidations = new TreeMap<>();
  private final List<ValidationPoint> validations = new ArrayList<>();
  private final Map<DetectionType, Latch> latches = new EnumMap<>(DetectionType.class);
  private final Set<DetectionType> decided = EnumSet.noneOf(DetectionType.class);

  private double smoothed = Double.NaN;
  private double startLevel = Double.NaN;
  private double startSum;
  private double lowest = Double.POSITIVE_INFINITY;
  private int risingFor;
  private int misses;
  private boolean stopped;
  private ForecastResult forecast;
  private Instant lastSeen;

  /**
   * @param config detector and policy settings
   * @param forecastConfig forecaster settings
   * @param totalSteps the run's planned last step, the forecast's target
   * @param clock time source for silence detection
   */
  public RunMonitor(MonitorConfig config, ForecastConfig forecastConfig, int totalSteps, Clock clock) {
    if (totalSteps < 1) {
      throw new IllegalArgumentException("totalSteps must be >= 1, was " + totalSteps);
    }
    this.config = config;
    this.forecaster = new CeilingForecaster(forecastConfig);
    this.totalSteps = totalSteps;
    this.clock = clock;
    this.alpha = 2.0 / (config.smoothingSteps() + 1);
    for (DetectionType type : DetectionType.values()) {
      latches.put(type, new Latch());
    }
  }

  /** Records the mean token entropy of a training step. */
  public MonitorUpdate onEntropy(int step, double h) {
    seen();
    entropy.put(step, h);
    List<Detection> found = new ArrayList<>();
    smoothed = Double.isNaN(smoothed) ? h : smoothed + alpha * (h - smoothed);
    if (entropy.size() <= config.smoothingSteps()) {
      startSum += h;
      startLevel = startSum / entropy.size();
    }
    double collapseAt = config.collapseFraction() * startLevel;
    if (latches.get(DetectionType.ENTROPY_COLLAPSE).update(smoothed < collapseAt,
        smoothed > collapseAt * (1 + config.hysteresis()))) {
      found.add(new Detection(step, DetectionType.ENTROPY_COLLAPSE, String.format(
          "smoothed entropy %.4f fell below %.0f%% of its starting level %.4f", smoothed,
          100 * config.collapseFraction(), startLevel),
          Map.of("entropy", smoothed, "startEntropy", startLevel, "threshold", collapseAt)));
    }
    double explodeAt = config.explosionFactor() * lowest;
    risingFor = smoothed > explodeAt ? risingFor + 1 : 0;
    if (latches.get(DetectionType.ENTROPY_EXPLOSION).update(risingFor >= config.sustainSteps(),
        smoothed < explodeAt / (1 + config.hysteresis()))) {
      found.add(new Detection(step, DetectionType.ENTROPY_EXPLOSION, String.format(
          "smoothed entropy %.4f stayed above %.1fx its lowest level %.4f for %d steps", smoothed,
          config.explosionFactor(), lowest, risingFor),
          Map.of("entropy", smoothed, "lowestEntropy", lowest, "steps", (double) risingFor)));
    }
    lowest = Math.min(lowest, smoothed);
    List<Detection> paired = pairPending();
    found.addAll(paired);
    return update(step, found);
  }

  /** Records a validation score; it is paired with the entropy of its step (or the next step's). */
  public MonitorUpdate onValidation(int step, double score) {
    seen();
    pendingValidations.put(step, score);
    return update(step, pairPending());
  }

  /** Checks for silence at the clock's current time; call it periodically. */
  public MonitorUpdate checkSilence() {
    if (lastSeen == null) {
      return update(entropy.isEmpty() ? 0 : entropy.lastKey(), List.of());
    }
    Duration quiet = Duration.between(lastSeen, clock.instant());
    int step = entropy.isEmpty() ? 0 : entropy.lastKey();
    List<Detection> found = new ArrayList<>();
    if (latches.get(DetectionType.SILENT_RUN).update(quiet.compareTo(config.silenceTimeout()) > 0, false)) {
      found.add(new Detection(step, DetectionType.SILENT_RUN, "no record for " + quiet.toSeconds()
          + " s (timeout " + config.silenceTimeout().toSeconds() + " s) after step " + step,
          Map.of("silentSeconds", (double) quiet.toSeconds())));
    }
    return update(step, found);
  }

  /** The latest forecast, or {@code null} before the first validation. */
  public ForecastResult forecast() {
    return forecast;
  }

  private void seen() {
    lastSeen = clock.instant();
    latches.get(DetectionType.SILENT_RUN).update(false, true);
  }

  /** Pairs waiting validations with an entropy, refreshing the forecast and its detectors. */
  private List<Detection> pairPending() {
    List<Detection> found = new ArrayList<>();
    while (!pendingValidations.isEmpty()) {
      Map.Entry<Integer, Double> v = pendingValidations.firstEntry();
      Double h = entropy.getOrDefault(v.getKey(), entropy.get(v.getKey() + 1));
      if (h == null) {
        break;
      }
      pendingValidations.pollFirstEntry();
      ValidationPoint point = new ValidationPoint(v.getKey(), v.getValue(), h);
      fitBroken(point).ifPresent(found::add);
      validations.add(point);
      forecast = forecaster.forecast(validations, entropy, totalSteps);
      plateau(point).ifPresent(found::add);
    }
    return found;
  }

  private Optional<Detection> fitBroken(ValidationPoint point) {
    if (forecast == null || forecast.fit().n() < FIT_MIN_POINTS) {
      return Optional.empty();
    }
    double residual = point.score() - forecast.fit().predict(point.entropy());
    misses = Math.abs(residual) > config.fitTolerance() ? misses + 1 : 0;
    boolean cleared = Math.abs(residual) < config.fitTolerance() / (1 + config.hysteresis());
    if (!latches.get(DetectionType.FIT_BROKEN).update(misses >= FIT_MISSES, cleared)) {
      return Optional.empty();
    }
    return Optional.of(new Detection(point.step(), DetectionType.FIT_BROKEN, String.format(
        "validation %.4f is %.4f off the law's %.4f (tolerance %.4f) for %d validations in a row",
        point.score(), residual, point.score() - residual, config.fitTolerance(), misses),
        Map.of("residual", residual, "tolerance", config.fitTolerance(), "r2", forecast.fit().r2())));
  }

  private Optional<Detection> plateau(ValidationPoint point) {
    Forecast f = forecast.forecast();
    if (f == null || f.checks() < PLATEAU_MIN_CHECKS) {
      return Optional.empty();
    }
    double gain = f.hi() - point.score();
    if (!latches.get(DetectionType.PLATEAU).update(gain < config.minRemainingGain(),
        gain > config.minRemainingGain() * (1 + config.hysteresis()))) {
      return Optional.empty();
    }
    return Optional.of(new Detection(point.step(), DetectionType.PLATEAU, String.format(
        "even the forecast's upper bound %.4f for step %d gains only %.4f over the current %.4f (minimum %.4f)",
        f.hi(), totalSteps, gain, point.score(), config.minRemainingGain()),
        Map.of("forecastHi", f.hi(), "forecast", f.value(), "current", point.score(), "remainingGain", gain)));
  }

  private MonitorUpdate update(int step, List<Detection> found) {
    List<Decision> decisions = new ArrayList<>();
    for (Detection d : found) {
      decide(d).ifPresent(decisions::add);
    }
    return new MonitorUpdate(found, decisions, forecast);
  }

  /** The policy: STOP on a plateau; INTERVENE on an early collapse whose ceiling misses the target. */
  private Optional<Decision> decide(Detection d) {
    if (stopped || decided.contains(d.type())) {
      return Optional.empty();
    }
    Decision decision = switch (d.type()) {
      case PLATEAU -> new Decision(d.step(), Decision.Action.STOP, d.type(), "plateau: " + d.reason(), Map.of(),
          config.dryRun());
      case ENTROPY_COLLAPSE -> earlyCollapseBelowTarget(d)
          ? new Decision(d.step(), Decision.Action.INTERVENE, d.type(), String.format(
              "early entropy collapse (step %d of %d) with forecast upper bound %s below target %.3f: %s",
              d.step(), totalSteps, upperBound(), config.targetScore(), d.reason()),
              config.interventionChanges(), config.dryRun())
          : null;
      default -> null;
    };
    if (decision == null) {
      return Optional.empty();
    }
    decided.add(d.type());
    stopped = decision.action() == Decision.Action.STOP;
    return Optional.of(decision);
  }

  private boolean earlyCollapseBelowTarget(Detection d) {
    boolean early = d.step() < config.earlyFraction() * totalSteps;
    Forecast f = forecast == null ? null : forecast.forecast();
    return early && (f == null || f.hi() < config.targetScore());
  }

  private String upperBound() {
    Forecast f = forecast == null ? null : forecast.forecast();
    return f == null ? "(none yet)" : String.format("%.3f", f.hi());
  }
}
