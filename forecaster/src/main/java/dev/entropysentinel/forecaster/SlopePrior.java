package dev.entropysentinel.forecaster;

/**
 * A prior on the entropy law's slope {@code a} for a new run, e.g. predicted from earlier runs of
 * other model sizes ({@link dev.entropysentinel.forecaster.prior.CoefficientRegistry}); replaces
 * the weakly-informative default in the remaining-gain estimate. In the run's score units.
 *
 * @param mean prior mean of a
 * @param sd prior standard deviation of a (> 0)
 * @param source where it came from, for the forecast's reason
 */
public record SlopePrior(double mean, double sd, String source) {
  public SlopePrior {
    if (!Double.isFinite(mean)) {
      throw new IllegalArgumentException("slopePrior.mean must be finite, was " + mean);
    }
    if (!(sd > 0) || Double.isInfinite(sd)) {
      throw new IllegalArgumentException("slopePrior.sd must be finite and > 0, was " + sd);
    }
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("slopePrior.source must be named");
    }
  }
}
