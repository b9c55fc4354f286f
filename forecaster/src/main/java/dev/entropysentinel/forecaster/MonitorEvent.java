package dev.entropysentinel.forecaster;

/**
 * What can happen to a run, as input to {@link MonitorTransition}. Every event carries its own
 * time (event time, from the record), never the monitor's clock, so a replay or a restarted
 * processor decides exactly as the first pass did.
 */
public sealed interface MonitorEvent {

  /** The mean token entropy of a training step. */
  record Entropy(int step, double entropy, long timestampMs) implements MonitorEvent {
    public Entropy {
      requireStep(step);
      if (!Double.isFinite(entropy) || entropy < 0) {
        throw new IllegalArgumentException("entropy at step " + step + " must be finite and >= 0, was " + entropy);
      }
    }
  }

  /** A validation score of a step (accuracy in [0, 1] or reward in [-1, 1]). */
  record Validation(int step, double score, long timestampMs) implements MonitorEvent {
    public Validation {
      requireStep(step);
      if (!Double.isFinite(score)) {
        throw new IllegalArgumentException("validation score at step " + step + " must be finite, was " + score);
      }
    }
  }

  /**
   * The run's planned total steps, known or changed.
   *
   * @param totalSteps the planned last step, the forecast's target; {@code null} when unknown, and then
   *     there is no forecast rather than a guessed target
   */
  record Plan(Integer totalSteps, long timestampMs) implements MonitorEvent {
    public Plan {
      if (totalSteps != null && totalSteps < 1) {
        throw new IllegalArgumentException("planned totalSteps must be >= 1 or unknown (null), was " + totalSteps);
      }
    }
  }

  /** The current wall-clock time from a punctuator: checks for silence since the last event's time. */
  record Tick(long nowMs) implements MonitorEvent {}

  private static void requireStep(int step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, was " + step);
    }
  }
}
