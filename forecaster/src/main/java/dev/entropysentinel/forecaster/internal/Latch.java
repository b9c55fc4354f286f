package dev.entropysentinel.forecaster.internal;

/**
 * Hysteresis for a detector: fires once when its condition holds, and re-arms only after the
 * condition has cleared by a margin, so a value hovering at a threshold cannot make alerts flap.
 */
public final class Latch {
  private boolean fired;

  /**
   * Returns true exactly when the latch fires.
   *
   * @param holds the condition holds now
   * @param clearedWithMargin the condition is clearly off (beyond the hysteresis margin)
   */
  public boolean update(boolean holds, boolean clearedWithMargin) {
    if (fired) {
      fired = !clearedWithMargin;
      return false;
    }
    fired = holds;
    return holds;
  }
}
