package dev.entropysentinel.forecaster;

/**
 * The slow drift a plateau STOP must rule out: how fast the score may still creep up after it looks
 * flat. The choice is an assumption about runs one has not seen, so it is the user's (issue 14's
 * backtest table in the forecaster README shows what each saves and forgoes).
 */
public enum DriftShape {
  /**
   * At most linear in steps: any drift that does not speed up. The bound extrapolates the upper bound of
   * the recent slope per step over the steps left; for a concave curve that slope is at least the current
   * one, so the bound holds whatever the drift's shape. Safe on the synthetic runs drifting +0.03 linearly
   * over 1 000 steps; saves less.
   */
  LINEAR,
  /**
   * At most like ln(step): a drift that slows as 1/step. A tighter bound that stops plateaus earlier, but
   * stops runs whose drift is closer to linear in steps while more than max-forgone is still ahead.
   */
  LOG
}
