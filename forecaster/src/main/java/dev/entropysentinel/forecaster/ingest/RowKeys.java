package dev.entropysentinel.forecaster.ingest;

import java.util.Map;

/**
 * Which entropy and validation metric of a single row to use, for a live log whose later steps are
 * not known yet. The same tiers as {@link RunSeries#from(MetricLog)}, which also counts the steps a
 * key appears at: the two agree unless a log switches keys midway (e.g. a {@code val-core} key only
 * at step 0 and {@code val-aux} keys later), which is why the sidecar takes {@code --validation-key}
 * and {@code --entropy-key} as replay does.
 */
public final class RowKeys {
  private RowKeys() {}

  /** The row's entropy key, or null. */
  public static String entropy(Map<String, Double> row) {
    return MetricKeys.ENTROPY.best(row);
  }

  /** The row's validation key, or null. */
  public static String validation(Map<String, Double> row) {
    return MetricKeys.VALIDATION.best(row);
  }
}
