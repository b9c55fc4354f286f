package dev.entropysentinel.trainer.sidecar;

import dev.entropysentinel.forecaster.ingest.MetricLineParser;
import dev.entropysentinel.forecaster.ingest.RowKeys;
import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a row of an external trainer's log into the records the built-in trainer sends: a
 * {@link StepStats} when the row has an entropy, an {@link EvalResult} when it has a validation
 * score. A log gives means, not sums and counts, so each mean is carried with a weight of 1 and the
 * fields the log cannot give are named in {@link StepStats#absentFields()} (schemas' rule).
 */
public final class LogRecords {
  /** Training reward/score means: verl's score (accuracy for 0/1 rewards), TRL's reward. */
  static final List<String> REWARD = List.of("critic/score/mean", "reward");
  static final List<String> RESPONSE_LENGTH = List.of("response_length/mean", "completions/mean_length");
  static final List<String> KL = List.of("actor/ppo_kl", "kl");
  static final List<String> GRAD_NORM = List.of("actor/grad_norm", "grad_norm");
  /** verl's step time, in seconds. */
  static final String STEP_TIME_S = "perf/time_per_step";

  /** The most metrics (and the longest benchmark name) an EvalResult takes. */
  private static final int MAX_METRICS = 256;

  /** A log has no token counts, clip counts, STEER weights, covariance or entropy changes. */
  private static final List<String> NEVER_IN_A_LOG = List.of("tokenCount", "responseCount", "correctCount", "clipLowCount",
      "clipHighCount", "detachedCount", "penalizedCount", "steerWeightMin", "steerWeightSum", "covariance",
      "entropyChangePredicted", "entropyChangeMeasured");

  private final String runId;
  private final String host;
  private final String method;
  private final String entropyKey;
  private final String validationKey;

  /**
   * @param entropyKey the entropy metric to use, null to take each row's best ({@link RowKeys})
   * @param validationKey the validation metric to use, null to take each row's best
   */
  public LogRecords(String runId, String host, String method, String entropyKey, String validationKey) {
    this.runId = runId;
    this.host = host;
    this.method = method;
    this.entropyKey = entropyKey;
    this.validationKey = validationKey;
  }

  /** The step's statistics, when the row has an entropy (a validation-only row has none). */
  public Optional<StepStats> stats(MetricLineParser.Row row, long nowMs) {
    Map<String, Double> m = row.metrics();
    String key = entropyKey != null ? entropyKey : RowKeys.entropy(m);
    Double entropy = key == null ? null : m.get(key);
    if (entropy == null || entropy < 0 || row.evaluation()) {
      return Optional.empty();
    }
    List<String> absent = new ArrayList<>(NEVER_IN_A_LOG);
    double reward = first(m, REWARD, "rewardSum", absent);
    double length = Math.max(0, first(m, RESPONSE_LENGTH, "responseLengthSum", absent));
    double kl = first(m, KL, "klSum", absent);
    double grad = Math.max(0, first(m, GRAD_NORM, "gradNorm", absent));
    Double seconds = m.get(STEP_TIME_S);
    if (seconds == null || seconds < 0) {
      absent.add("stepTimeMs");
    }
    double stepMs = seconds == null || seconds < 0 ? 0 : seconds * 1000;
    return Optional.of(new StepStats(SchemaVersion.CURRENT, runId, host, 0, 1, row.step(), nowMs, method, Map.of(), 1, entropy,
        1, reward, 0, length, 0, 0, 0, 0, 0, 0, Covariance.empty(), kl, grad, stepMs, 0, 0, absent));
  }

  /**
   * The step's validation, when the row has a score: the chosen metric as the score, named as the
   * benchmark, and every validation metric of the row (up to the record's limit) in {@code metrics}.
   */
  public Optional<EvalResult> eval(MetricLineParser.Row row, long nowMs) {
    Map<String, Double> m = row.metrics();
    String key = validationKey != null ? validationKey : RowKeys.validation(m);
    Double score = key == null ? null : m.get(key);
    if (score == null) {
      return Optional.empty();
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (metrics.size() < MAX_METRICS && (k.startsWith("val-") || k.startsWith("val/") || k.startsWith("eval_") || k.startsWith("eval/"))) {
        metrics.put(k, v);
      }
    });
    String benchmark = key.length() > MAX_METRICS ? key.substring(0, MAX_METRICS) : key;
    return Optional.of(new EvalResult(SchemaVersion.CURRENT, runId, row.step(), nowMs, benchmark, score, 0, metrics));
  }

  /** The first of {@code keys} the row has (finite), else 0 with {@code field} marked absent. */
  private static double first(Map<String, Double> m, List<String> keys, String field, List<String> absent) {
    for (String k : keys) {
      Double v = m.get(k);
      if (v != null) {
        return v;
      }
    }
    absent.add(field);
    return 0;
  }
}
