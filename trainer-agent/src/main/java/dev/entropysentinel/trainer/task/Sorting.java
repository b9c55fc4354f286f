package dev.entropysentinel.trainer.task;

import java.util.Arrays;
import java.util.Random;

/**
 * Sorting digits ascending {@code s__31420=} → {@code 01234}: lists of 3 to 6 digits (longer is
 * harder), left-filled with {@code _} to the fixed prompt length.
 */
public final class Sorting implements TaskFamily {
  private static final int MIN_LENGTH = 3;
  private static final int MAX_LENGTH = Vocabulary.PROMPT_LENGTH - 2;

  @Override
  public String name() {
    return "sorting";
  }

  @Override
  public Problem generate(Random random) {
    int n = MIN_LENGTH + random.nextInt(MAX_LENGTH - MIN_LENGTH + 1);
    char[] digits = new char[n];
    for (int i = 0; i < n; i++) {
      digits[i] = (char) ('0' + random.nextInt(10));
    }
    String list = new String(digits);
    Arrays.sort(digits);
    return new Problem(name(), "s" + "_".repeat(MAX_LENGTH - n) + list + "=", new String(digits));
  }
}
