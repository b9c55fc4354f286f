package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.atMost;
import static dev.entropysentinel.schemas.internal.Require.finite;
import static dev.entropysentinel.schemas.internal.Require.finiteMap;
import static dev.entropysentinel.schemas.internal.Require.id;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;
import static dev.entropysentinel.schemas.internal.Require.present;
import static dev.entropysentinel.schemas.internal.Require.version;

import java.util.Map;

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
 * from the logits before and after the update. {@code skippedUpdates} counts the optimizer updates
 * of the step that were dropped because the gradient was not finite (a healthy run has none).
 *
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
    long skippedUpdates) implements WireRecord, StepSums {

  public StepStats {
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
    methodParams = finiteMap("methodParams", methodParams);
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
  }

  /** A record with no skipped update: for producers that never skip one (replayed logs, tests). */
  public StepStats(String schemaVersion, String runId, String host, int rank, int worldSize, long step, long timestampMs,
      String method, Map<String, Double> methodParams, long tokenCount, double entropySum, long responseCount,
      double rewardSum, long correctCount, double responseLengthSum, long clipLowCount, long clipHighCount,
      long detachedCount, long penalizedCount, double steerWeightMin, double steerWeightSum, Covariance covariance,
      double klSum, double gradNorm, double stepTimeMs, double entropyChangePredicted, double entropyChangeMeasured) {
    this(schemaVersion, runId, host, rank, worldSize, step, timestampMs, method, methodParams, tokenCount, entropySum,
        responseCount, rewardSum, correctCount, responseLengthSum, clipLowCount, clipHighCount, detachedCount,
        penalizedCount, steerWeightMin, steerWeightSum, covariance, klSum, gradNorm, stepTimeMs, entropyChangePredicted,
        entropyChangeMeasured, 0);
  }
}
