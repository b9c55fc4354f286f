package dev.entropysentinel.trainer.task;

import java.util.Random;

/**
 * Multi-digit addition {@code 037+512=} → {@code 549}: each operand has 1 to 3 digits, drawn
 * independently, so easy (single digit) and hard (carries over three digits) problems mix.
 */
public final class Addition implements TaskFamily {
  @Override
  public String name() {
    return "addition";
  }

  @Override
  public Problem generate(Random random) {
    int a = operand(random);
    int b = operand(random);
    return new Problem(name(), String.format("%03d+%03d=", a, b), Integer.toString(a + b));
  }

  private static int operand(Random random) {
    int digits = 1 + random.nextInt(3);
    return random.nextInt((int) Math.pow(10, digits));
  }
}
