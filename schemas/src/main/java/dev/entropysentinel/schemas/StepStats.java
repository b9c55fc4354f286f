package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.atMost;
import static dev.entropysentinel.schemas.internal.Require.finite;
import static dev.entropysentinel.schemas.internal.Require.finiteMap;
import static dev.entropysentinel.schemas.internal.Require.id;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;
import static dev.entropysentinel.schemas.internal.Require.present;
import static dev.entropysentinel.schemas.internal.Require.version;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Token statistics of one training step of one rank. Everything a merge needs is a sum or a count
 * (means are derived), so the stream processor can combine the ranks of a step exactly.
 *
 * <p>Token sums run over the valid (unmasked) response tokens of the rank's batch: {@code
 * entropySum} is the sum of per-token entropies of the full next-token distribution, {@code
 * klSum} of the per-token approximate KL to the rollout policy, {@code steerWeightSum} of STEER
 * weights (1 per token for other methods). Response sums run over sampled responses. Entropy
 * changes are token means over the step's sampled states (a trainer may use a random subsample of
 * its responses, both values on the same one, and say so in {@code methodParams}),
 * {@code entropyChangePredicted} from Lemma 1 (−Cov(log π, Δz)) and {@code entropyChangeMeasured}
 * from the logits before and after the update. A trainer may report them one step late (the
 * previous step's update, measured on this step's forward pass) and then says so with {@code
 * methodParams.entropyChangeLagSteps = 1}; the first step of such a run has them absent.
 *
 * <p><b>Absent fields</b> (since 1.1): a source that cannot measure a field, such as the sidecar
 * reading a verl or TRL log (which gives means, no token counts or covariance), names it in {@code
 * absentFields}; its value on the wire is a placeholder (0, or an empty covariance) that readers must
 * not use: a merge or a monitor treats it as unknown, never as zero. Means a log gives are carried
 * with a weight of 1: when {@code tokenCount} is absent, {@code entropySum} and {@code klSum} are
 * the step's token means with {@code tokenCount} 1; when {@code responseCount} is absent, {@code
 * rewardSum} and {@code responseLengthSum} are means with {@code responseCount} 1, so the {@link
 * StepSums} means stay right. The list is omitted from the JSON when empty (every field measured),
 * and a 1.0 record without it reads as all measured. Only the names in {@link #ABSENTABLE} may be
 * listed.
 *
 * <p>{@code skippedUpdates} counts the optimizer updates of the step that were dropped because
 * the gradient norm was not finite (a healthy run has none); a record without it reads as 0.
 *
 * @param absentFields names of the fields the source did not measure, empty when it measured all
 * @param skippedUpdates updates of the step dropped for a non-finite gradient norm
 * @throws InvalidRecordException from the constructor when a field is missing or out of range
 */
public record StepStats(
    String schemaVersion,
    String runId,
    String host,
    int rank,
    int worldSize,
    long step,
    long timestampMs,
    String method,
    Map<String, Double> methodParams,
    long tokenCount,
    double entropySum,
    long responseCount,
    double rewardSum,
    long correctCount,
    double responseLengthSum,
    long clipLowCount,
    long clipHighCount,
    long detachedCount,
    long penalizedCount,
    double steerWeightMin,
    double steerWeightSum,
    Covariance covariance,
    double klSum,
    double gradNorm,
    double stepTimeMs,
    double entropyChangePredicted,
    double entropyChangeMeasured,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> absentFields,
    long skippedUpdates) implements WireRecord, StepSums {

  /** The fields a source may leave unmeasured: every measurement, none of the identity fields. */
  public static final Set<String> ABSENTABLE = Set.of("tokenCount", "entropySum", "responseCount", "rewardSum",
      "correctCount", "responseLengthSum", "clipLowCount", "clipHighCount", "detachedCount", "penalizedCount",
      "steerWeightMin", "steerWeightSum", "covariance", "klSum", "gradNorm", "stepTimeMs", "entropyChangePredicted",
      "entropyChangeMeasured");

  /** A record with every field measured (schema 1.0's shape). */
  public StepStats(String schemaVersion, String runId, String host, int rank, int worldSize, long step, long timestampMs,
      String method, Map<String, Double> methodParams, long tokenCount, double entropySum, long responseCount,
      double rewardSum, long correctCount, double responseLengthSum, long clipLowCount, long clipHighCount,
      long detachedCount, long penalizedCount, double steerWeightMin, double steerWeightSum, Covariance covariance,
      double klSum, double gradNorm, double stepTimeMs, double entropyChangePredicted, double entropyChangeMeasured) {
    this(schemaVersion, runId, host, rank, worldSize, step, timestampMs, method, methodParams, tokenCount, entropySum,
        responseCount, rewardSum, correctCount, responseLengthSum, clipLowCount, clipHighCount, detachedCount,
        penalizedCount, steerWeightMin, steerWeightSum, covariance, klSum, gradNorm, stepTimeMs, entropyChangePredicted,
        entropyChangeMeasured, List.of(), 0);
  }

  /** A record that names its unmeasured fields and skipped no update. */
  public StepStats(String schemaVersion, String runId, String host, int rank, int worldSize, long step, long timestampMs,
      String method, Map<String, Double> methodParams, long tokenCount, double entropySum, long responseCount,
      double rewardSum, long correctCount, double responseLengthSum, long clipLowCount, long clipHighCount,
      long detachedCount, long penalizedCount, double steerWeightMin, double steerWeightSum, Covariance covariance,
      double klSum, double gradNorm, double stepTimeMs, double entropyChangePredicted, double entropyChangeMeasured,
      List<String> absentFields) {
    this(schemaVersion, runId, host, rank, worldSize, step, timestampMs, method, methodParams, tokenCount, entropySum,
        responseCount, rewardSum, correctCount, responseLengthSum, clipLowCount, clipHighCount, detachedCount,
        penalizedCount, steerWeightMin, steerWeightSum, covariance, klSum, gradNorm, stepTimeMs, entropyChangePredicted,
        entropyChangeMeasured, absentFields, 0);
  }

  /** The canonical constructor; an {@code absentFields} missing from the JSON (a 1.0 record) is injected as empty, a missing {@code skippedUpdates} as 0. */
  public StepStats(
      String schemaVersion,
      String runId,
      String host,
      int rank,
      int worldSize,
      long step,
      long timestampMs,
      String method,
      Map<String, Double> methodParams,
      long tokenCount,
      double entropySum,
      long responseCount,
      double rewardSum,
      long correctCount,
      double responseLengthSum,
      long clipLowCount,
      long clipHighCount,
      long detachedCount,
      long penalizedCount,
      double steerWeightMin,
      double steerWeightSum,
      Covariance covariance,
      double klSum,
      double gradNorm,
      double stepTimeMs,
      double entropyChangePredicted,
      double entropyChangeMeasured,
      @JacksonInject(value = WireJson.NONE_ABSENT, useInput = OptBoolean.TRUE) List<String> absentFields,
      @JacksonInject(value = WireJson.NONE_SKIPPED, useInput = OptBoolean.TRUE) long skippedUpdates) {
    version(schemaVersion);
    id("runId", runId);
    id("host", host);
    nonNegative("rank", rank);
    if (worldSize < 1) {
      throw new InvalidRecordException("worldSize", "must be >= 1, was " + worldSize);
    }
    if (rank >= worldSize) {
      throw new InvalidRecordException("rank", "must be < worldSize (" + worldSize + "), was " + rank);
    }
    nonNegative("step", step);
    nonNegative("timestampMs", timestampMs);
    id("method", method);
    Map<String, Double> params = finiteMap("methodParams", methodParams);
    nonNegative("tokenCount", tokenCount);
    nonNegative("entropySum", entropySum);
    nonNegative("responseCount", responseCount);
    finite("rewardSum", rewardSum);
    atMost("correctCount", nonNegative("correctCount", correctCount), responseCount, "responseCount");
    nonNegative("responseLengthSum", responseLengthSum);
    atMost("clipLowCount", nonNegative("clipLowCount", clipLowCount), tokenCount, "tokenCount");
    atMost("clipHighCount", nonNegative("clipHighCount", clipHighCount), tokenCount, "tokenCount");
    atMost("detachedCount", nonNegative("detachedCount", detachedCount), tokenCount, "tokenCount");
    atMost("penalizedCount", nonNegative("penalizedCount", penalizedCount), tokenCount, "tokenCount");
    nonNegative("steerWeightMin", steerWeightMin);
    nonNegative("steerWeightSum", steerWeightSum);
    present("covariance", covariance);
    finite("klSum", klSum);
    nonNegative("gradNorm", gradNorm);
    nonNegative("stepTimeMs", stepTimeMs);
    finite("entropyChangePredicted", entropyChangePredicted);
    finite("entropyChangeMeasured", entropyChangeMeasured);
    nonNegative("skippedUpdates", skippedUpdates);
    this.schemaVersion = schemaVersion;
    this.runId = runId;
    this.host = host;
    this.rank = rank;
    this.worldSize = worldSize;
    this.step = step;
    this.timestampMs = timestampMs;
    this.method = method;
    this.methodParams = params;
    this.tokenCount = tokenCount;
    this.entropySum = entropySum;
    this.responseCount = responseCount;
    this.rewardSum = rewardSum;
    this.correctCount = correctCount;
    this.responseLengthSum = responseLengthSum;
    this.clipLowCount = clipLowCount;
    this.clipHighCount = clipHighCount;
    this.detachedCount = detachedCount;
    this.penalizedCount = penalizedCount;
    this.steerWeightMin = steerWeightMin;
    this.steerWeightSum = steerWeightSum;
    this.covariance = covariance;
    this.klSum = klSum;
    this.gradNorm = gradNorm;
    this.stepTimeMs = stepTimeMs;
    this.entropyChangePredicted = entropyChangePredicted;
    this.entropyChangeMeasured = entropyChangeMeasured;
    this.absentFields = absentFields(absentFields);
    this.skippedUpdates = skippedUpdates;
  }

  /** Whether the source measured {@code field} (one of {@link #ABSENTABLE}). */
  public boolean measured(String field) {
    return !absentFields.contains(field);
  }

  /** Sorted, without repeats; each name must be in {@link #ABSENTABLE}. */
  private static List<String> absentFields(List<String> names) {
    if (names == null || names.isEmpty()) {
      return List.of();
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String name : names) {
      if (name == null || !ABSENTABLE.contains(name)) {
        throw new InvalidRecordException("absentFields", "unknown field \"" + (name == null ? null
            : name.length() > 64 ? name.substring(0, 64) + "…" : name) + "\"; absentable: " + new TreeSet<>(ABSENTABLE));
      }
      sorted.add(name);
    }
    return List.copyOf(sorted);
  }
}
