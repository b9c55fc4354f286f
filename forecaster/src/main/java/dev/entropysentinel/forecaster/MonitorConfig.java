package dev.entropysentinel.forecaster;

import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.schemas.InvalidRecordException;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the detectors and the decision policy of a {@link RunMonitor}; each is validated
 * here so a bad value is reported with its key.
 *
 * @param smoothingSteps span of the exponential moving average of the entropy (steps)
 * @param collapseFraction entropy collapse when the smoothed entropy falls below this fraction of
 *     its starting level
 * @param explosionFactor entropy explosion when the smoothed entropy exceeds this multiple of its
 *     lowest level ...
 * @param sustainSteps ... for this many consecutive steps (also the consecutive misses for a broken fit)
 * @param hysteresis relative margin by which a condition must clear before it can fire again
 * @param fitTolerance a validation further than this from the law's prediction is a miss
 * @param maxForgone the final score a user is willing to give up for the compute a STOP saves (accuracy
 *     scale; a run with +-1 rewards may give up twice as much in its own units): a plateau STOP needs both
 *     the slow drift's upper bound over the horizon left and the forecast's gain below it
 * @param drift the slow drift a plateau STOP must rule out ({@link DriftShape})
 * @param minStopSaving a plateau STOP is decided only while it saves at least this share of the planned
 *     steps: a STOP costs a checkpoint and a final evaluation and ends the run for good, which a few
 *     last steps saved do not pay for (the plateau is still reported)
 * @param earlyFraction a collapse before this share of the planned steps is early
 * @param targetScore INTERVENE on early collapse only if the forecast's upper bound is below this
 * @param silenceTimeout a run with no record for longer than this is silent
 * @param interventionChanges trainer parameters an INTERVENE asks for
 * @param dryRun decide but only advise
 */
public record MonitorConfig(
    int smoothingSteps,
    double collapseFraction,
    double explosionFactor,
    int sustainSteps,
    double hysteresis,
    double fitTolerance,
    double maxForgone,
    DriftShape drift,
    double minStopSaving,
    double earlyFraction,
    double targetScore,
    Duration silenceTimeout,
    Map<String, String> interventionChanges,
    boolean dryRun) {

  public MonitorConfig {
    require(smoothingSteps >= 1, "monitor.smoothingSteps must be >= 1", smoothingSteps);
    require(collapseFraction > 0 && collapseFraction < 1, "monitor.collapseFraction must be in (0, 1)", collapseFraction);
    require(explosionFactor > 1 && Double.isFinite(explosionFactor), "monitor.explosionFactor must be > 1", explosionFactor);
    require(sustainSteps >= 1, "monitor.sustainSteps must be >= 1", sustainSteps);
    require(hysteresis >= 0 && hysteresis < 1, "monitor.hysteresis must be in [0, 1)", hysteresis);
    require(fitTolerance > 0 && Double.isFinite(fitTolerance), "monitor.fitTolerance must be > 0", fitTolerance);
    require(maxForgone > 0 && maxForgone < 1, "monitor.maxForgone must be in (0, 1)", maxForgone);
    require(drift != null, "monitor.drift must be linear or log", drift);
    require(minStopSaving >= 0 && minStopSaving < 1, "monitor.minStopSaving must be in [0, 1)", minStopSaving);
    require(earlyFraction > 0 && earlyFraction <= 1, "monitor.earlyFraction must be in (0, 1]", earlyFraction);
    require(Double.isFinite(targetScore), "monitor.targetScore must be finite", targetScore);
    require(silenceTimeout != null && !silenceTimeout.isNegative() && !silenceTimeout.isZero(),
        "monitor.silenceTimeout must be positive", silenceTimeout);
    try {
      interventionChanges = ControlParameters.validated(interventionChanges);
    } catch (InvalidRecordException e) {
      throw new IllegalArgumentException("monitor.interventionChanges must be method=NAME and trainer parameters: "
          + e.getMessage(), e);
    }
    require(interventionChanges.containsKey(ControlParameters.METHOD),
        "monitor.interventionChanges must name the method to switch to (method=NAME)", interventionChanges);
  }

  /**
   * Defaults: collapse at a quarter of the starting entropy, explosion at twice the lowest for five
   * steps, 0.1 score off the law is a miss, stop only when at most 0.01 of final accuracy
   * is forgone even if the score still drifts up linearly in steps and the STOP saves at least 5% of the
   * planned steps, intervene with
   * KL-Cov at the paper's 7B ratio (a fraction, 0.002 = 0.2%) on a collapse in the first half of
   * the run whatever the target (1.0), advice only.
   */
  public static MonitorConfig ofDefaults() {
    return new MonitorConfig(10, 0.25, 2.0, 5, 0.2, 0.1, 0.01, DriftShape.LINEAR, 0.05, 0.5, 1.0, Duration.ofMinutes(30),
        ControlParameters.klCov(0.002, 1), true);
  }

  /** A copy that only advises ({@code true}) or acts ({@code false}). */
  public MonitorConfig withDryRun(boolean advise) {
    return new MonitorConfig(smoothingSteps, collapseFraction, explosionFactor, sustainSteps, hysteresis, fitTolerance,
        maxForgone, drift, minStopSaving, earlyFraction, targetScore, silenceTimeout, interventionChanges, advise);
  }

  /** A copy that detects a collapse below {@code fraction} of the starting entropy. */
  public MonitorConfig withCollapseFraction(double fraction) {
    return new MonitorConfig(smoothingSteps, fraction, explosionFactor, sustainSteps, hysteresis, fitTolerance,
        maxForgone, drift, minStopSaving, earlyFraction, targetScore, silenceTimeout, interventionChanges, dryRun);
  }

  /** A copy that forgoes at most {@code accuracy} of the final score for a STOP. */
  public MonitorConfig withMaxForgone(double accuracy) {
    return new MonitorConfig(smoothingSteps, collapseFraction, explosionFactor, sustainSteps, hysteresis, fitTolerance,
        accuracy, drift, minStopSaving, earlyFraction, targetScore, silenceTimeout, interventionChanges, dryRun);
  }

  /** A copy whose plateau STOP rules out a slow drift of {@code shape}. */
  public MonitorConfig withDrift(DriftShape shape) {
    return new MonitorConfig(smoothingSteps, collapseFraction, explosionFactor, sustainSteps, hysteresis, fitTolerance,
        maxForgone, shape, minStopSaving, earlyFraction, targetScore, silenceTimeout, interventionChanges, dryRun);
  }

  /** A copy whose plateau STOP must save at least {@code share} of the planned steps. */
  public MonitorConfig withMinStopSaving(double share) {
    return new MonitorConfig(smoothingSteps, collapseFraction, explosionFactor, sustainSteps, hysteresis, fitTolerance,
        maxForgone, drift, share, earlyFraction, targetScore, silenceTimeout, interventionChanges, dryRun);
  }

  /** A copy whose INTERVENE switches to {@code changes} (a method and its parameters, schemas' vocabulary). */
  public MonitorConfig withInterventionChanges(Map<String, String> changes) {
    return new MonitorConfig(smoothingSteps, collapseFraction, explosionFactor, sustainSteps, hysteresis, fitTolerance,
        maxForgone, drift, minStopSaving, earlyFraction, targetScore, silenceTimeout, changes, dryRun);
  }

  private static void require(boolean ok, String rule, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(rule + ", was " + value);
    }
  }
}
