package dev.entropysentinel.forecaster.cli;

import dev.entropysentinel.forecaster.ForecastConfig;
import dev.entropysentinel.forecaster.MonitorConfig;

/**
 * Settings of a replay.
 *
 * @param fitFraction share of the planned steps the forecast may see
 * @param totalSteps the run's planned last step, or 0 to take the log's last entropy step
 * @param forecast forecaster settings
 * @param monitor detector and policy settings for the live part of the replay
 * @param entropyKey the entropy metric to use, or null to choose the best the log has
 * @param validationKey the validation metric to use, or null to choose the best the log has
 */
public record ReplayOptions(double fitFraction, int totalSteps, ForecastConfig forecast, MonitorConfig monitor,
    String entropyKey, String validationKey) {
  public ReplayOptions {
    if (!(fitFraction > 0 && fitFraction <= 1)) {
      throw new IllegalArgumentException("replay.fitFraction must be in (0, 1], was " + fitFraction);
    }
    if (totalSteps < 0) {
      throw new IllegalArgumentException("replay.totalSteps must be >= 0, was " + totalSteps);
    }
  }

  /** Settings that choose both metric keys from the log. */
  public ReplayOptions(double fitFraction, int totalSteps, ForecastConfig forecast, MonitorConfig monitor) {
    this(fitFraction, totalSteps, forecast, monitor, null, null);
  }
}
