package dev.entropysentinel.forecaster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Per-step values kept at a bounded size however long the run: the first {@code head} and the last
 * {@code tail} points exactly, the points in between at a uniform stride of their ordinal (the
 * n-th point ever added), doubled whenever more than {@code middleCap} would be kept.
 *
 * <p>Why uniform rather than geometric thinning: the forecast fits least squares over these
 * points (the entropy's log-linear decay, the entropy law), and a uniform subsample keeps every
 * part of the run weighted as in the full series, where geometric thinning would let the recent
 * points dominate. The dense tail keeps the recent level and the pairing of a late validation
 * with its step's entropy exact; the head keeps the starting level.
 *
 * <p>Which ordinals are kept is a function of ({@code count}, {@code stride}) and the {@link Shape}
 * alone, so nothing but the kept points is stored. Immutable; {@link #append} returns a new series.
 *
 * @param count points ever added
 * @param stride ordinal stride of the middle, a power of two
 * @param steps kept steps, increasing
 * @param columns kept values, one array per column, each parallel to {@code steps}
 */
public record SampledSeries(long count, int stride, int[] steps, double[][] columns) {

  /**
   * How a series is thinned.
   *
   * @param head first points kept exactly
   * @param tail last points kept exactly
   * @param middleCap most points kept between them
   */
  public record Shape(int head, int tail, int middleCap) {
    public Shape {
      if (head < 0 || tail < 0 || middleCap < 2) {
        throw new IllegalArgumentException("series shape needs head >= 0, tail >= 0, middleCap >= 2, was "
            + head + ", " + tail + ", " + middleCap);
      }
    }

    /** Most points a series of this shape keeps. */
    public int maxPoints() {
      return head + tail + middleCap;
    }
  }

  public SampledSeries {
    steps = steps.clone();
    columns = Arrays.stream(columns).map(double[]::clone).toArray(double[][]::new);
    if (stride < 1 || Integer.bitCount(stride) != 1) {
      throw new IllegalArgumentException("series stride must be a power of two, was " + stride);
    }
    if (count < steps.length) {
      throw new IllegalArgumentException("series count " + count + " is below its " + steps.length + " kept points");
    }
    for (double[] column : columns) {
      if (column.length != steps.length) {
        throw new IllegalArgumentException("series column of " + column.length + " values for " + steps.length + " steps");
      }
    }
    for (int i = 1; i < steps.length; i++) {
      if (steps[i] <= steps[i - 1]) {
        throw new IllegalArgumentException("series steps must increase, was " + steps[i - 1] + " then " + steps[i]);
      }
    }
  }

  /** A series of {@code width} values per step with no point yet. */
  public static SampledSeries empty(int width) {
    return new SampledSeries(0, 1, new int[0], new double[width][0]);
  }

  /** Kept points. */
  public int size() {
    return steps.length;
  }

  /** Values per step. */
  public int width() {
    return columns.length;
  }

  /** Step of the i-th kept point. */
  public int step(int i) {
    return steps[i];
  }

  /** Value of {@code column} at the i-th kept point. */
  public double value(int column, int i) {
    return columns[column][i];
  }

  /** Last kept step (the last added); -1 when empty. */
  public int lastStep() {
    return steps.length == 0 ? -1 : steps[steps.length - 1];
  }

  /** Index of {@code step}, or -1 when it is not kept. */
  public int indexOf(int step) {
    int i = Arrays.binarySearch(steps, step);
    return i >= 0 ? i : -1;
  }

  /** Index of the first kept step at or after {@code step}, or -1. */
  public int ceilingIndex(int step) {
    int i = Arrays.binarySearch(steps, step);
    int at = i >= 0 ? i : -i - 1;
    return at < steps.length ? at : -1;
  }

  /** One column as a step-ordered map, the form the forecaster takes. */
  public NavigableMap<Integer, Double> asMap(int column) {
    NavigableMap<Integer, Double> map = new TreeMap<>();
    for (int i = 0; i < steps.length; i++) {
      map.put(steps[i], columns[column][i]);
    }
    return map;
  }

  /** A copy of the kept steps. */
  @Override
  public int[] steps() {
    return steps.clone();
  }

  /** A copy of the kept values. */
  @Override
  public double[][] columns() {
    return Arrays.stream(columns).map(double[]::clone).toArray(double[][]::new);
  }

  /** Throws when the kept points are not the ones {@code shape} keeps for this count and stride (a corrupt state). */
  public void requireShape(Shape shape) {
    int expected = ordinals(count, stride, shape).size();
    if (expected != steps.length) {
      throw new IllegalArgumentException("series keeps " + steps.length + " points where count " + count + " and stride "
          + stride + " keep " + expected);
    }
  }

  /**
   * Adds a point after the last one and thins the middle; the step must be greater than the last.
   *
   * @param values one value per column
   */
  public SampledSeries append(Shape shape, int step, double... values) {
    if (values.length != columns.length) {
      throw new IllegalArgumentException("series takes " + columns.length + " value(s) per step, got " + values.length);
    }
    if (step <= lastStep()) {
      throw new IllegalArgumentException("series step " + step + " is not after the last step " + lastStep());
    }
    List<Long> ordinals = ordinals(count, stride, shape);
    ordinals.add(count);
    long newCount = count + 1;
    int newStride = stride;
    boolean[] keep = keep(ordinals, newCount, newStride, shape);
    while (middle(ordinals, keep, newCount, shape) > shape.middleCap()) {
      newStride *= 2;
      keep = keep(ordinals, newCount, newStride, shape);
    }
    int kept = 0;
    for (boolean k : keep) {
      kept += k ? 1 : 0;
    }
    int[] newSteps = new int[kept];
    double[][] newColumns = new double[columns.length][kept];
    int j = 0;
    for (int i = 0; i < keep.length; i++) {
      if (keep[i]) {
        boolean added = i == steps.length;
        newSteps[j] = added ? step : steps[i];
        for (int c = 0; c < columns.length; c++) {
          newColumns[c][j] = added ? values[c] : columns[c][i];
        }
        j++;
      }
    }
    return new SampledSeries(newCount, newStride, newSteps, newColumns);
  }

  /** The series without its first kept point (for a bounded queue; keeps count and stride). */
  public SampledSeries dropFirst() {
    return new SampledSeries(count - 1, stride, Arrays.copyOfRange(steps, 1, steps.length),
        Arrays.stream(columns).map(c -> Arrays.copyOfRange(c, 1, c.length)).toArray(double[][]::new));
  }

  private static List<Long> ordinals(long count, int stride, Shape shape) {
    List<Long> out = new ArrayList<>();
    long tailStart = Math.max(shape.head(), count - shape.tail());
    for (long o = 0; o < Math.min(shape.head(), count); o++) {
      out.add(o);
    }
    for (long o = (shape.head() + stride - 1L) / stride * stride; o < tailStart; o += stride) {
      out.add(o);
    }
    for (long o = tailStart; o < count; o++) {
      out.add(o);
    }
    return out;
  }

  private static boolean[] keep(List<Long> ordinals, long count, int stride, Shape shape) {
    boolean[] keep = new boolean[ordinals.size()];
    long tailStart = Math.max(shape.head(), count - shape.tail());
    for (int i = 0; i < keep.length; i++) {
      long o = ordinals.get(i);
      keep[i] = o < shape.head() || o >= tailStart || o % stride == 0;
    }
    return keep;
  }

  private static int middle(List<Long> ordinals, boolean[] keep, long count, Shape shape) {
    long tailStart = Math.max(shape.head(), count - shape.tail());
    int n = 0;
    for (int i = 0; i < keep.length; i++) {
      long o = ordinals.get(i);
      n += keep[i] && o >= shape.head() && o < tailStart ? 1 : 0;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SampledSeries s && count == s.count && stride == s.stride && Arrays.equals(steps, s.steps)
        && Arrays.deepEquals(columns, s.columns);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(count) + stride) + 31 * Arrays.hashCode(steps) + Arrays.deepHashCode(columns);
  }

  @Override
  public String toString() {
    return "SampledSeries[count=" + count + ", stride=" + stride + ", steps=" + Arrays.toString(steps) + "]";
  }
}
