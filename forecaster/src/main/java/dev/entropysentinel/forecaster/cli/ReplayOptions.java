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
 */
public record ReplayOptions(double fitFraction, int totalSteps, ForecastConfig forecast, MonitorConfig monitor) {
  public ReplayOptions {
    if (!(fitFraction > 0 && fitFraction <= 1)) {
      throw new IllegalArgumentException("replay.fitFraction must be in (0, 1], was " + fitFraction);
    }
    if (totalSteps < 0) {
      throw new IllegalArgumentException("replay.totalSteps must be >= 0, was " + totalSteps);
    }
  }
}
