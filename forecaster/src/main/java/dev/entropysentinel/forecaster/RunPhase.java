package dev.entropysentinel.forecaster;

/**
 * Where a run stands on its entropy curve, decided from the detectors' latches, first match wins:
 * <ol>
 *   <li>{@code UNKNOWN}: no entropy yet;
 *   <li>{@code EXPLODING}: the explosion detector is firing;
 *   <li>{@code PLATEAU}: the plateau detector is firing (even the forecast's upper bound gains too little);
 *   <li>{@code COLLAPSING}: the collapse detector is firing (smoothed entropy below its threshold);
 *   <li>{@code BURN_IN}: the starting entropy level is still being measured (the first smoothing span);
 *   <li>{@code LEARNING}: otherwise; {@link MonitorState#stepsToCollapse()} says whether it is on course to collapse.
 * </ol>
 * Same names as the wire's {@code Forecast.Phase}, which the wire mapping converts to.
 */
public enum RunPhase {
  BURN_IN, LEARNING, COLLAPSING, PLATEAU, EXPLODING, UNKNOWN
}
