package dev.entropysentinel.trainer;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import java.util.Map;

/** Small valid records for tests that need records, not training. */
public final class TestRecords {
  private TestRecords() {}

  public static StepStats step(String run, long step, int rank) {
    return new StepStats(SchemaVersion.CURRENT, run, "host", rank, 2, step, 1_000 + step, "grpo", Map.of("epsLow", 0.2),
        100, 50.0, 16, 8.0, 8, 100.0, 0, 0, 0, 0, 1.0, 100.0, Covariance.empty(), 0.0, 1.0, 10.0, 0.0, 0.0);
  }

  public static EvalResult eval(String run, long step) {
    return new EvalResult(SchemaVersion.CURRENT, run, step, 1_000 + step, "tasks-validation", 0.5, 64, Map.of());
  }

  public static RunInfo runInfo(String run) {
    return new RunInfo(SchemaVersion.CURRENT, run, 1_000, 100L, "grpo", Map.of("epsLow", 0.2), "tiny", 1000, 2, 10,
        RunInfo.ScoreScale.ACCURACY, "trainer");
  }
}
