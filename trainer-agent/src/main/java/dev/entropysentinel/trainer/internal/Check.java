package dev.entropysentinel.trainer.internal;

/** Configuration checks whose messages name the key and the bad value. */
public final class Check {
  private Check() {}

  public static int atLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + " must be >= " + min + ", was " + value);
    }
    return value;
  }

  public static long atLeast(String key, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(key + " must be >= " + min + ", was " + value);
    }
    return value;
  }

  public static double positive(String key, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(key + " must be > 0, was " + value);
    }
    return value;
  }

  public static double nonNegative(String key, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(key + " must be >= 0, was " + value);
    }
    return value;
  }

  /** A fraction in (0, 1]; ratios are always fractions here, never percentages. */
  public static double fraction(String key, double value) {
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(key + " must be a fraction in (0, 1], was " + value);
    }
    return value;
  }

  public static <T> T present(String key, T value) {
    if (value == null) {
      throw new IllegalArgumentException(key + " is required");
    }
    return value;
  }
}
