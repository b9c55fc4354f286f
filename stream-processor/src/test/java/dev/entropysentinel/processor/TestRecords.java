package dev.entropysentinel.processor;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import java.util.List;
import java.util.Map;

/** Wire records for processor tests: a run whose entropy follows a given curve. */
public final class TestRecords {
  public static final long T0 = 1_700_000_000_000L;

  private TestRecords() {}

  /** Rank {@code rank} of {@code world} at {@code step} with token-mean entropy {@code h} over {@code tokens} tokens. */
  public static StepStats step(String run, int rank, int world, long step, double h, long tokens) {
    return new StepStats(SchemaVersion.CURRENT, run, "host-" + rank, rank, world, step, T0 + step * 1000, "grpo",
        Map.of("epsLow", 0.2), tokens, h * tokens, 16, 8 + rank, 4, 16 * 12.5,
        1, 2, 0, 0, 1, tokens, new Covariance(tokens, 0.01 * tokens, 0.002 * tokens,
            List.of(new Covariance.TopGroup(0.02, 2, 0.5 + rank), new Covariance.TopGroup(1.0, tokens, 0.01 * tokens))),
        0.001 * tokens, 0.5 + rank, 80 + rank, -0.01, -0.012);
  }

  public static EvalResult eval(String run, long step, double score) {
    return new EvalResult(SchemaVersion.CURRENT, run, step, T0 + step * 1000, "arith", score, 256, Map.of());
  }

  public static RunInfo run(String run, long plannedSteps, int world) {
    return new RunInfo(SchemaVersion.CURRENT, run, T0, plannedSteps, "grpo", Map.of("epsLow", 0.2), "tiny-decoder",
        120_000L, world, 10, RunInfo.ScoreScale.ACCURACY, "trainer");
  }

  /** A collapsing entropy: from 1.2 at step 0 down toward 0.05, halving every 8 steps. */
  public static double collapsing(long step) {
    return 0.05 + 1.15 * Math.pow(0.5, step / 8.0);
  }
}
