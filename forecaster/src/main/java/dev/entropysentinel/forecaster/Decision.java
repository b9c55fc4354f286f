package dev.entropysentinel.forecaster;

import java.util.Map;

/**
 * A control decision for a run. Kept independent of the wire types in {@code schemas}: the stream
 * processor maps it to a control command.
 *
 * @param step the step at which it was decided
 * @param action what the trainer should do
 * @param cause the detection that triggered it
 * @param reason why, with numbers
 * @param parameterChanges trainer parameters to change (INTERVENE only)
 * @param dryRun advice only: report, do not send
 */
public record Decision(int step, Action action, DetectionType cause, String reason,
    Map<String, String> parameterChanges, boolean dryRun) {

  /** What a decision asks of the trainer. */
  public enum Action {
    /** Change the method or its parameters (e.g. switch to KL-Cov). */
    INTERVENE,
    /** Stop the run: the remaining expected gain is not worth the compute. */
    STOP
  }

  public Decision {
    parameterChanges = Map.copyOf(parameterChanges);
  }

  /** {@code ADVISE} for a dry-run decision, else the action's name. */
  public String label() {
    return dryRun ? "ADVISE " + action : action.name();
  }
}
