package dev.entropysentinel.forecaster.ingest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The numeric metrics of one run read from a log, step by step, with an account of what could not
 * be read: malformed lines are counted and a few are kept as examples, never fatal.
 *
 * @param format the format read
 * @param rows metrics per step, keys in the order the trainer printed them
 * @param linesRead all lines (or entries) read
 * @param malformed lines or entries that looked like metrics but could not be read
 * @param malformedExamples up to {@link #MAX_EXAMPLES} of them, with their line numbers
 */
public record MetricLog(
    LogFormat format,
    NavigableMap<Integer, Map<String, Double>> rows,
    long linesRead,
    long malformed,
    List<String> malformedExamples) {

  /** How many malformed lines are kept verbatim for the report. */
  public static final int MAX_EXAMPLES = 5;

  public MetricLog {
    NavigableMap<Integer, Map<String, Double>> copy = new TreeMap<>();
    rows.forEach((step, row) -> copy.put(step, Collections.unmodifiableMap(new LinkedHashMap<>(row))));
    rows = Collections.unmodifiableNavigableMap(copy);
    malformedExamples = List.copyOf(malformedExamples);
  }
}
