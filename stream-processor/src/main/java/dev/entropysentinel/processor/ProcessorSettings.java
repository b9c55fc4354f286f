package dev.entropysentinel.processor;

import dev.entropysentinel.forecaster.ForecastConfig;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.schemas.CommandSigner;
import java.time.Duration;
import java.util.Objects;

/**
 * What the topology decides with: detector and forecast settings, the policy, the control key and
 * the rank-merge grace. Validated here so a bad value is reported with its key.
 *
 * @param graceSteps a step missing ranks is merged without them once a rank reports a step this much later
 * @param graceTime ... or this long after its first rank arrived
 * @param silenceCheck how often every run is checked for silence (wall clock)
 */
public record ProcessorSettings(MonitorConfig monitor, ForecastConfig forecast, Policy policy, CommandSigner signer,
    int graceSteps, Duration graceTime, Duration silenceCheck) {

  public ProcessorSettings {
    Objects.requireNonNull(monitor, "processor.monitor is required");
    Objects.requireNonNull(forecast, "processor.forecast is required");
    Objects.requireNonNull(policy, "processor.policy is required");
    Objects.requireNonNull(signer, "processor.signer is required: give --secret-file or set " + CommandSigner.KEY_ENV);
    if (graceSteps < 1) {
      throw new IllegalArgumentException("processor.graceSteps must be >= 1, was " + graceSteps);
    }
    if (graceTime == null || graceTime.isNegative() || graceTime.isZero()) {
      throw new IllegalArgumentException("processor.graceTime must be positive, was " + graceTime);
    }
    if (silenceCheck == null || silenceCheck.isNegative() || silenceCheck.isZero()) {
      throw new IllegalArgumentException("processor.silenceCheck must be positive, was " + silenceCheck);
    }
  }

  /**
   * Defaults: the monitor's and forecaster's own defaults acting (the policy alone decides what is
   * advice), advice only, a step waits two later steps or 30 s for a missing rank, silence checked
   * every 10 s.
   */
  public static ProcessorSettings ofDefaults(CommandSigner signer) {
    return new ProcessorSettings(MonitorConfig.ofDefaults().withDryRun(false), ForecastConfig.ofDefaults(), Policy.ADVISE,
        signer, 2, Duration.ofSeconds(30), Duration.ofSeconds(10));
  }

  public ProcessorSettings withMonitor(MonitorConfig newMonitor) {
    return new ProcessorSettings(newMonitor, forecast, policy, signer, graceSteps, graceTime, silenceCheck);
  }

  public ProcessorSettings withPolicy(Policy newPolicy) {
    return new ProcessorSettings(monitor, forecast, newPolicy, signer, graceSteps, graceTime, silenceCheck);
  }

  public ProcessorSettings withGrace(int steps, Duration time) {
    return new ProcessorSettings(monitor, forecast, policy, signer, steps, time, silenceCheck);
  }

  public ProcessorSettings withSilenceCheck(Duration every) {
    return new ProcessorSettings(monitor, forecast, policy, signer, graceSteps, graceTime, every);
  }
}
