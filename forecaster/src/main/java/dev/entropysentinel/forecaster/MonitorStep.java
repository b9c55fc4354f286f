package dev.entropysentinel.forecaster;

import java.util.List;

/**
 * The result of one {@link MonitorTransition#apply}: the new state and what to emit.
 *
 * @param state the state after the event (the same instance when nothing changed)
 * @param fired conditions that started to hold (alerts to fire)
 * @param resolved conditions that cleared, each with the step it cleared at (alerts to resolve)
 * @param decisions control decisions taken (at most one per condition, none after a STOP)
 * @param forecastUpdated the forecast was recomputed (emit a forecast record)
 * @param duplicate the event was already applied (a redelivery): nothing changed, nothing to emit
 */
public record MonitorStep(MonitorState state, List<Detection> fired, List<Detection> resolved, List<Decision> decisions,
    boolean forecastUpdated, boolean duplicate) {

  public MonitorStep {
    fired = List.copyOf(fired);
    resolved = List.copyOf(resolved);
    decisions = List.copyOf(decisions);
  }

  /** A redelivered event: the state unchanged, no output. */
  static MonitorStep duplicateOf(MonitorState state) {
    return new MonitorStep(state, List.of(), List.of(), List.of(), false, true);
  }

  /** Nothing to emit and nothing changed. */
  static MonitorStep unchanged(MonitorState state) {
    return new MonitorStep(state, List.of(), List.of(), List.of(), false, false);
  }
}
