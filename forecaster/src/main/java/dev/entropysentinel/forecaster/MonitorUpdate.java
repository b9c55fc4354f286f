package dev.entropysentinel.forecaster;

import java.util.List;

/**
 * What one record changed in a run's state.
 *
 * @param detections conditions that fired with this record
 * @param decisions control decisions taken because of them
 * @param forecast the latest forecast (recomputed on validations), or {@code null} before the first
 */
public record MonitorUpdate(List<Detection> detections, List<Decision> decisions, ForecastResult forecast) {
  public MonitorUpdate {
    detections = List.copyOf(detections);
    decisions = List.copyOf(decisions);
  }
}
