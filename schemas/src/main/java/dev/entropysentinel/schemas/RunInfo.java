package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.finiteMap;
import static dev.entropysentinel.schemas.internal.Require.id;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;
import static dev.entropysentinel.schemas.internal.Require.present;
import static dev.entropysentinel.schemas.internal.Require.version;

import java.util.Map;

/**
 * What a run is, sent when it starts and whenever it changes (e.g. after an INTERVENE switched its
 * method). The processor needs {@code plannedSteps} as the forecast's target; the coefficient
 * registry needs the model's name and size; the score scale says whether scores are accuracies in
 * [0, 1] or rewards in [−1, 1].
 *
 * @param plannedSteps the run's planned last step, or {@code null} when the trainer does not know
 *     it (the forecast then says it lacks a target rather than guessing)
 * @param evalInterval steps between validations, 0 when unknown
 * @param source who sent it: {@code trainer} for the built-in trainer, {@code sidecar:<format>}
 * @throws InvalidRecordException from the constructor when a field is missing or out of range
 */
public record RunInfo(
    String schemaVersion,
    String runId,
    long timestampMs,
    Long plannedSteps,
    String method,
    Map<String, Double> methodParams,
    String modelName,
    long parameterCount,
    int worldSize,
    int evalInterval,
    ScoreScale scoreScale,
    String source) implements WireRecord {

  /** The range of a run's validation scores. */
  public enum ScoreScale {
    /** Accuracy in [0, 1]. */
    ACCURACY,
    /** Mean reward in [−1, 1]; a score difference counts half on the accuracy scale. */
    REWARD
  }

  public RunInfo {
    version(schemaVersion);
    id("runId", runId);
    nonNegative("timestampMs", timestampMs);
    if (plannedSteps != null && plannedSteps < 1) {
      throw new InvalidRecordException("plannedSteps", "must be >= 1 or null (unknown), was " + plannedSteps);
    }
    id("method", method);
    methodParams = finiteMap("methodParams", methodParams);
    id("modelName", modelName);
    nonNegative("parameterCount", parameterCount);
    if (worldSize < 1) {
      throw new InvalidRecordException("worldSize", "must be >= 1, was " + worldSize);
    }
    nonNegative("evalInterval", evalInterval);
    present("scoreScale", scoreScale);
    id("source", source);
  }
}
