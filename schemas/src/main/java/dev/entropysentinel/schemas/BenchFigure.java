package dev.entropysentinel.schemas;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark's headline figure and its goal, printed as the benchmark's last line(s) in one form,
 * {@code name: value (goal <= 1.5)}, so {@code sentinel bench all} and people read every benchmark
 * the same way.
 *
 * @param name what is measured, e.g. "streams throughput ratio"
 * @param value the measured figure
 * @param comparator {@code <=} or {@code >=}: how the value must compare with the goal
 * @param goal the goal
 */
public record BenchFigure(String name, double value, String comparator, double goal) {
  private static final Pattern LINE = Pattern.compile("^\\s*([a-zA-Z][^:]*): (\\S+) \\(goal (<=|>=) (\\S+)\\)\\s*$");

  public BenchFigure {
    if (name == null || name.isBlank() || name.contains(":")) {
      throw new IllegalArgumentException("bench figure name must be non-blank without ':', was " + name);
    }
    if (!"<=".equals(comparator) && !">=".equals(comparator)) {
      throw new IllegalArgumentException("bench figure comparator must be <= or >=, was " + comparator);
    }
  }

  public static BenchFigure atMost(String name, double value, double goal) {
    return new BenchFigure(name, value, "<=", goal);
  }

  public static BenchFigure atLeast(String name, double value, double goal) {
    return new BenchFigure(name, value, ">=", goal);
  }

  /** Whether the value meets the goal (NaN never does). */
  public boolean met() {
    return "<=".equals(comparator) ? value <= goal : value >= goal;
  }

  /** {@code name: value (goal <= 1.5)}. */
  public String line() {
    return String.format(Locale.ROOT, "%s: %s (goal %s %s)", name, number(value), comparator, number(goal));
  }

  /** The figure a {@link #line()} printed, if {@code text} is one. */
  public static Optional<BenchFigure> parse(String text) {
    Matcher m = LINE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BenchFigure(m.group(1), Double.parseDouble(m.group(2)), m.group(3),
          Double.parseDouble(m.group(4))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String number(double v) {
    return Double.isFinite(v) ? new java.math.BigDecimal(String.format(Locale.ROOT, "%.3f", v)).stripTrailingZeros()
        .toPlainString() : Double.toString(v);
  }
}
