package dev.entropysentinel.forecaster;

import java.time.Clock;

/**
 * A run's monitor in memory, for the offline replay: holds a {@link MonitorState} and applies
 * {@link MonitorTransition} to it, stamping every record with the injected {@link Clock}'s time.
 * The stream processor applies the same transition to the state it stores, so both decide
 * identically. A redelivered step changes nothing. Not thread-safe: a run's records arrive in order
 * on one thread.
 */
public final class RunMonitor {
  private final MonitorTransition transition;
  private final Clock clock;
  private MonitorState state;

  /**
   * @param config detector and policy settings
   * @param forecastConfig forecaster settings
   * @param totalSteps the run's planned last step, the forecast's target
   * @param clock time of the records (a log carries none) and of the silence checks
   */
  public RunMonitor(MonitorConfig config, ForecastConfig forecastConfig, int totalSteps, Clock clock) {
    if (totalSteps < 1) {
      throw new IllegalArgumentException("totalSteps must be >= 1, was " + totalSteps);
    }
    this.transition = new MonitorTransition(config, forecastConfig);
    this.clock = clock;
    this.state = MonitorState.initial(totalSteps);
  }

  /** Records the mean token entropy of a training step. */
  public MonitorUpdate onEntropy(int step, double h) {
    return apply(new MonitorEvent.Entropy(step, h, clock.millis()));
  }

  /** Records a validation score; it is paired with the entropy of its step (or the next step's). */
  public MonitorUpdate onValidation(int step, double score) {
    return apply(new MonitorEvent.Validation(step, score, clock.millis()));
  }

  /** Checks for silence at the clock's current time; call it periodically. */
  public MonitorUpdate checkSilence() {
    return apply(new MonitorEvent.Tick(clock.millis()));
  }

  /** The latest forecast, or {@code null} before the first validation. */
  public ForecastResult forecast() {
    return state.forecast();
  }

  /** The whole current state. */
  public MonitorState state() {
    return state;
  }

  private MonitorUpdate apply(MonitorEvent event) {
    MonitorStep step = transition.apply(state, event);
    state = step.state();
    return new MonitorUpdate(step.fired(), step.decisions(), state.forecast());
  }
}
