package dev.entropysentinel.forecaster;

/**
 * Settings of the {@link CeilingForecaster}, validated at construction so a bad value is reported
 * with its key instead of producing a silently wrong forecast.
 *
 * @param minValidationPoints validation points (paired with an entropy) needed before any forecast
 * @param burnInJumpShare an early jump between two consecutive validations that makes up at least
 *     this share of the early score range marks the end of the burn-in (format-learning) phase
 * @param shrinkagePseudoCount prior weight, in validations, given to the last value: a model with
 *     n out-of-sample checks keeps n / (n + this) of its earned weight
 * @param coverage nominal coverage of the forecast interval
 * @param sigmaFloor smallest standard deviation of the forecast error (score units): the sampling
 *     noise of a benchmark never vanishes even when a few early scores happen to agree
 */
public record ForecastConfig(
    int minValidationPoints,
    double burnInJumpShare,
    double shrinkagePseudoCount,
    double coverage,
    double sigmaFloor) {

  public ForecastConfig {
    if (minValidationPoints < 2) {
      throw new IllegalArgumentException(
          "forecast.minValidationPoints must be >= 2, was " + minValidationPoints);
    }
    if (!(burnInJumpShare > 0 && burnInJumpShare <= 1)) {
      throw new IllegalArgumentException(
          "forecast.burnInJumpShare must be in (0, 1], was " + burnInJumpShare);
    }
    if (!(shrinkagePseudoCount >= 0) || Double.isInfinite(shrinkagePseudoCount)) {
      throw new IllegalArgumentException(
          "forecast.shrinkagePseudoCount must be finite and >= 0, was " + shrinkagePseudoCount);
    }
    if (!(coverage > 0 && coverage < 1)) {
      throw new IllegalArgumentException("forecast.coverage must be in (0, 1), was " + coverage);
    }
    if (!(sigmaFloor >= 0) || Double.isInfinite(sigmaFloor)) {
      throw new IllegalArgumentException("forecast.sigmaFloor must be finite and >= 0, was " + sigmaFloor);
    }
  }

  /**
   * Defaults: two points (a trend needs two), a burn-in jump of half the early range, one
   * pseudo-validation for the last value, a 90% interval, and a floor of 0.005, the sampling
   * standard deviation of a ~10 000-sample benchmark at 50% accuracy.
   */
  public static ForecastConfig ofDefaults() {
    return new ForecastConfig(2, 0.5, 1.0, 0.90, 0.005);
  }
}
