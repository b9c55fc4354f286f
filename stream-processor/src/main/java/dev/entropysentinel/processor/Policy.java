package dev.entropysentinel.processor;

import dev.entropysentinel.forecaster.Decision;

/**
 * What the processor may do on its own. Decisions it may not act on are still sent, as dry-run
 * advice the trainer logs but does not apply, so a user sees what Sentinel would have done.
 */
public enum Policy {
  /** Every decision is advice (the default: nothing changes a run until a user opts in). */
  ADVISE,
  /** INTERVENE decisions are applied; STOP decisions stay advice. */
  INTERVENE,
  /** INTERVENE and STOP decisions are applied. */
  STOP;

  /** Whether a decision of this action is sent to be applied rather than as advice. */
  public boolean acts(Decision.Action action) {
    return switch (this) {
      case ADVISE -> false;
      case INTERVENE -> action == Decision.Action.INTERVENE;
      case STOP -> true;
    };
  }
}
