package dev.entropysentinel.forecaster;

import java.util.Map;

/**
 * A condition found in a run, with the numbers that show it, so an alert can be checked by a
 * human rather than trusted.
 *
 * @param step the step at which it was found
 * @param type what was found
 * @param reason one sentence with the evidence
 * @param evidence the numbers behind the reason
 */
public record Detection(int step, DetectionType type, String reason, Map<String, Double> evidence) {
  public Detection {
    evidence = Map.copyOf(evidence);
  }
}
