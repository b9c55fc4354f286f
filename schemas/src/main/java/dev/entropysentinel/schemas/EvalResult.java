package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.finite;
import static dev.entropysentinel.schemas.internal.Require.finiteMap;
import static dev.entropysentinel.schemas.internal.Require.id;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;
import static dev.entropysentinel.schemas.internal.Require.version;

import java.util.Map;

/**
 * A validation result of a run at a step: {@code score} is the benchmark's main number (accuracy,
 * or mean reward when rewards are ±1); {@code metrics} carries extras such as {@code pass@4}.
 */
public record EvalResult(
    String schemaVersion,
    String runId,
    long step,
    long timestampMs,
    String benchmark,
    double score,
    long sampleCount,
    Map<String, Double> metrics) implements WireRecord {

  public EvalResult {
    version(schemaVersion);
    id("runId", runId);
    nonNegative("step", step);
    nonNegative("timestampMs", timestampMs);
    id("benchmark", benchmark);
    finite("score", score);
    nonNegative("sampleCount", sampleCount);
    metrics = finiteMap("metrics", metrics);
  }
}
