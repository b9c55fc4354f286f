package dev.entropysentinel.forecaster;

/**
 * Settings of the {@link CeilingForecaster}, validated at construction so a bad value is reported
 * with its key instead of producing a silently wrong forecast.
 *
 * @param minValidationPoints validation points (paired with an entropy) needed before any forecast
 * @param burnInJumpShare an early jump between two consecutive validations that makes up at least
 *     this share of the early score range ...
 * @param burnInMinJump ... and is at least this large (score units) marks the end of the burn-in
 *     (format-learning) phase
 * @param shrinkagePseudoCount prior weight, in checks, given to the last value: a model with n
 *     out-of-sample checks keeps n / (n + this) of its earned weight
 * @param coverage nominal coverage of the forecast interval
 * @param priorSigma prior standard deviation of the forecast error (score units), before any check
 * @param priorChecks how many checks the prior is worth: the error variance is
 *     {@code (priorChecks * priorSigma^2 + sum of squared check errors) / (priorChecks + checks)},
 *     the conjugate (scaled inverse chi-squared) update, and the quantile is Student's t with
 *     {@code priorChecks + checks} degrees of freedom
 * @param slopePrior prior on the law's slope from earlier runs (e.g. a coefficient registry), or
 *     null for the weakly-informative default
 */
public record ForecastConfig(
    int minValidationPoints,
    double burnInJumpShare,
    double burnInMinJump,
    double shrinkagePseudoCount,
    double coverage,
    double priorSigma,
    double priorChecks,
    SlopePrior slopePrior) {

  public ForecastConfig {
    if (minValidationPoints < 2) {
      throw new IllegalArgumentException(
          "forecast.minValidationPoints must be >= 2, was " + minValidationPoints);
    }
    if (!(burnInJumpShare > 0 && burnInJumpShare <= 1)) {
      throw new IllegalArgumentException(
          "forecast.burnInJumpShare must be in (0, 1], was " + burnInJumpShare);
    }
    requireFiniteNonNegative("forecast.burnInMinJump", burnInMinJump);
    requireFiniteNonNegative("forecast.shrinkagePseudoCount", shrinkagePseudoCount);
    if (!(coverage > 0 && coverage < 1)) {
      throw new IllegalArgumentException("forecast.coverage must be in (0, 1), was " + coverage);
    }
    requireFiniteNonNegative("forecast.priorSigma", priorSigma);
    if (!(priorChecks > 0) || Double.isInfinite(priorChecks)) {
      throw new IllegalArgumentException("forecast.priorChecks must be finite and > 0, was " + priorChecks);
    }
  }

  /**
   * Defaults: two points (a trend needs two); a burn-in jump of half the early range and at least
   * 0.1 (format learning moves scores by tens of points, noise by a few); one pseudo-check for
   * the last value; a 90% interval; a prior error of 0.02, the sampling standard deviation of a
   * ~600-problem benchmark at 50% accuracy, worth two checks.
   */
  public static ForecastConfig ofDefaults() {
    return new ForecastConfig(2, 0.5, 0.1, 1.0, 0.90, 0.02, 2.0, null);
  }

  /** The same settings with a slope prior from earlier runs. */
  public ForecastConfig withSlopePrior(SlopePrior prior) {
    return new ForecastConfig(minValidationPoints, burnInJumpShare, burnInMinJump, shrinkagePseudoCount, coverage,
        priorSigma, priorChecks, prior);
  }

  private static void requireFiniteNonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(key + " must be finite and >= 0, was " + value);
    }
  }
}
