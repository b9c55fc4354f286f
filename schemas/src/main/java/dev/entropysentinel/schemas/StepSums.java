package dev.entropysentinel.schemas;

/**
 * The sums and counts of a step from which its means follow: one rank's {@link StepStats} or the
 * ranks of a step merged. Keeping means derived, never stored, is what makes a merge exact.
 */
public interface StepSums {
  long tokenCount();

  double entropySum();

  long responseCount();

  double rewardSum();

  long correctCount();

  double responseLengthSum();

  /** Token-mean entropy, the quantity the entropy–performance law is written in. */
  default double entropyMean() {
    return tokenCount() == 0 ? 0 : entropySum() / tokenCount();
  }

  default double rewardMean() {
    return responseCount() == 0 ? 0 : rewardSum() / responseCount();
  }

  default double accuracy() {
    return responseCount() == 0 ? 0 : (double) correctCount() / responseCount();
  }

  default double responseLengthMean() {
    return responseCount() == 0 ? 0 : responseLengthSum() / responseCount();
  }
}
