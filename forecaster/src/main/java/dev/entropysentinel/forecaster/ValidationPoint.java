package dev.entropysentinel.forecaster;

/**
 * One validation score paired with the policy entropy of the same step (a validation made before
 * the first update pairs with the entropy of step 1).
 *
 * @param step the training step of the validation
 * @param score the validation score (accuracy in [0, 1] or reward in [-1, 1])
 * @param entropy the mean token entropy at that step
 */
public record ValidationPoint(int step, double score, double entropy) {
  public ValidationPoint {
    if (!Double.isFinite(score) || !Double.isFinite(entropy)) {
      throw new IllegalArgumentException("validation point at step " + step
          + " must have a finite score and entropy, was " + score + " and " + entropy);
    }
  }
}
