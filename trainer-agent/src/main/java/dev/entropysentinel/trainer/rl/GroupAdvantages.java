package dev.entropysentinel.trainer.rl;

/**
 * GRPO's group-normalised advantage {@code A = (r - mean_group) / (std_group + 1e-6)}, std with
 * Bessel's correction as in verl; consecutive blocks of {@code groupSize} rewards form a group.
 */
public final class GroupAdvantages {
  static final double EPSILON = 1e-6;

  private GroupAdvantages() {}

  public static float[] compute(float[] rewards, int groupSize) {
    if (groupSize < 2 || rewards.length % groupSize != 0) {
      throw new IllegalArgumentException("rewards (" + rewards.length + ") must split into groups of groupSize >= 2, was " + groupSize);
    }
    float[] advantages = new float[rewards.length];
    for (int start = 0; start < rewards.length; start += groupSize) {
      double mean = 0;
      for (int i = start; i < start + groupSize; i++) {
        mean += rewards[i];
      }
      mean /= groupSize;
      double squares = 0;
      for (int i = start; i < start + groupSize; i++) {
        squares += (rewards[i] - mean) * (rewards[i] - mean);
      }
      double std = Math.sqrt(squares / (groupSize - 1));
      for (int i = start; i < start + groupSize; i++) {
        advantages[i] = (float) ((rewards[i] - mean) / (std + EPSILON));
      }
    }
    return advantages;
  }
}
