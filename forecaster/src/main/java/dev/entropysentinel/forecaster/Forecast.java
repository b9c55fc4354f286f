package dev.entropysentinel.forecaster;

import java.util.Map;

/**
 * A forecast of the validation score at a target step with its interval.
 *
 * @param targetStep the step forecast (usually the run's planned last step)
 * @param value the point forecast
 * @param lo lower end of the interval
 * @param hi upper end of the interval
 * @param coverage nominal coverage of [lo, hi]
 * @param model the model with the largest weight, which drives the forecast
 * @param weights weight of each candidate model, summing to one
 * @param candidates each candidate model's own forecast
 * @param checks out-of-sample checks (origin, later validation) behind the weights
 */
public record Forecast(
    int targetStep,
    double value,
    double lo,
    double hi,
    double coverage,
    String model,
    Map<String, Double> weights,
    Map<String, Double> candidates,
    int checks) {

  public Forecast {
    weights = Map.copyOf(weights);
    candidates = Map.copyOf(candidates);
    if (!(lo <= value && value <= hi)) {
      throw new IllegalArgumentException("forecast interval must contain the value, was " + lo + " <= " + value + " <= " + hi);
    }
  }

  /** Half the interval width: how far the truth may be from {@link #value} at the nominal coverage. */
  public double halfWidth() {
    return (hi - lo) / 2;
  }
}
