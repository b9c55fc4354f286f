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
 * @param commandCommit a stream thread that emitted a control command commits early, once its last
 *     commit ended at least this long ago, rather than at the next commit interval; zero: commands
 *     wait for the commit interval like every other output
 */
public record ProcessorSettings(MonitorConfig monitor, ForecastConfig forecast, Policy policy, CommandSigner signer,
    int graceSteps, Duration graceTime, Duration silenceCheck, Duration commandCommit) {

  /** Default {@link #commandCommit}: commits for commands at most about every 10 ms per stream thread. */
  public static final Duration COMMAND_COMMIT = Duration.ofMillis(10);

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
    if (commandCommit == null || commandCommit.isNegative()) {
      throw new IllegalArgumentException("processor.commandCommit must be >= 0 (0: no early commit), was "
          + (commandCommit == null ? null : commandCommit.toMillis() + " ms"));
    }
  }

  /**
   * Defaults: the monitor's and forecaster's own defaults acting (the policy alone decides what is
   * advice), advice only, a step waits two later steps or 30 s for a missing rank, silence checked
   * every 10 s, commands committed early ({@link #COMMAND_COMMIT}).
   */
  public static ProcessorSettings ofDefaults(CommandSigner signer) {
    return new ProcessorSettings(MonitorConfig.ofDefaults().withDryRun(false), ForecastConfig.ofDefaults(), Policy.ADVISE,
        signer, 2, Duration.ofSeconds(30), Duration.ofSeconds(10), COMMAND_COMMIT);
  }

  public ProcessorSettings withMonitor(MonitorConfig newMonitor) {
    return new ProcessorSettings(newMonitor, forecast, policy, signer, graceSteps, graceTime, silenceCheck, commandCommit);
  }

  public ProcessorSettings withPolicy(Policy newPolicy) {
    return new ProcessorSettings(monitor, forecast, newPolicy, signer, graceSteps, graceTime, silenceCheck, commandCommit);
  }

  public ProcessorSettings withGrace(int steps, Duration time) {
    return new ProcessorSettings(monitor, forecast, policy, signer, steps, time, silenceCheck, commandCommit);
  }

  public ProcessorSettings withSilenceCheck(Duration every) {
    return new ProcessorSettings(monitor, forecast, policy, signer, graceSteps, graceTime, every, commandCommit);
  }

  public ProcessorSettings withCommandCommit(Duration spacing) {
    return new ProcessorSettings(monitor, forecast, policy, signer, graceSteps, graceTime, silenceCheck, spacing);
  }
}
