package dev.entropysentinel.forecaster.cli;

import dev.entropysentinel.forecaster.MonitorState;
import dev.entropysentinel.forecaster.MonitorUpdate;
import dev.entropysentinel.forecaster.ingest.MetricLog;
import dev.entropysentinel.forecaster.wire.WireMapping;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.WireRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The wire records a replayed log would have produced live: the run, a one-rank step record per
 * logged entropy (with the logged training reward when there is one), the validations, a forecast
 * after each validation, the alerts and the commands of the monitor's decisions. {@code sentinel
 * replay --html} draws the report from them, as {@code sentinel report} does from a recording. A log
 * has no token statistics: its step records name them absent (as the sidecar's do), so the report
 * shows no covariance and no entropy change for it.
 */
final class ReplayRecords implements MonitorReplay.Observer {
  /** Training-reward keys, verl's then TRL's; the first a row has is used. */
  static final List<String> REWARD_KEYS = List.of("critic/score/mean", "critic/rewards/mean", "reward");
  /** Replayed commands are never sent to a trainer; they are signed only because a command must be. */
  private static final WireMapping WIRE = new WireMapping(
      new CommandSigner("sentinel-replay-has-no-trainer-to-command".getBytes(StandardCharsets.UTF_8)));
  /**
   * What a log does not measure: the token statistics (its entropy is a mean, carried with weight 1),
   * the covariance and both entropy changes; the reward too when the log has none.
   */
  static final List<String> ABSENT = List.of("tokenCount", "responseCount", "correctCount", "responseLengthSum",
      "clipLowCount", "clipHighCount", "detachedCount", "penalizedCount", "steerWeightMin", "steerWeightSum", "covariance",
      "klSum", "gradNorm", "stepTimeMs", "entropyChangePredicted", "entropyChangeMeasured");
  static final List<String> ABSENT_WITHOUT_REWARD = java.util.stream.Stream.concat(ABSENT.stream(),
      java.util.stream.Stream.of("rewardSum")).toList();
  /** A log carries no times: step s is placed at s seconds. */
  private static final long MS_PER_STEP = 1000;

  private final String runId;
  private final MetricLog log;
  private final String validationKey;
  private final Consumer<WireRecord> records;
  private long seq;

  ReplayRecords(String runId, MetricLog log, int totalSteps, String validationKey, Consumer<WireRecord> records) {
    this.runId = runId;
    this.records = records;
    this.log = log;
    this.validationKey = validationKey == null ? "validation" : validationKey;
    records.accept(new RunInfo(SchemaVersion.CURRENT, runId, 0, (long) totalSteps, "external", Map.of(),
        log.format().name().toLowerCase(java.util.Locale.ROOT) + "-log", 0, 1, 0, RunInfo.ScoreScale.ACCURACY, "replay"));
  }

  @Override
  public void fed(int step, boolean validation, double value, MonitorUpdate update, MonitorState state) {
    long ts = step * MS_PER_STEP;
    if (validation) {
      records.accept(new EvalResult(SchemaVersion.CURRENT, runId, step, ts, validationKey, value, 0, Map.of()));
    } else {
      Double reward = reward(step);
      records.accept(new StepStats(SchemaVersion.CURRENT, runId, "replay", 0, 1, step, ts, "external", Map.of(), 1,
          Math.max(0, value), 1, reward == null ? 0 : reward, 0, 0, 0, 0, 0, 0, 0, 0, Covariance.empty(), 0, 0, 0, 0, 0,
          reward == null ? ABSENT_WITHOUT_REWARD : ABSENT));
    }
    update.detections().forEach(d -> records.accept(WireMapping.alert(runId, ts, d)));
    update.decisions().forEach(d -> records.accept(WIRE.command(runId, ++seq, ts, d)));
    if (validation || !update.decisions().isEmpty()) {
      records.accept(WireMapping.forecast(runId, ts, state));
    }
  }

  private Double reward(int step) {
    Map<String, Double> row = log.rows().get(step);
    if (row != null) {
      for (String key : REWARD_KEYS) {
        Double v = row.get(key);
        if (v != null && Double.isFinite(v)) {
          return v;
        }
      }
    }
    return null;
  }
}
