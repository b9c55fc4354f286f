package dev.entropysentinel.processor.bench;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import java.util.List;
import java.util.Map;

/**
 * The synthetic runs of the benchmark: records shaped like a real trainer's (every field filled,
 * a top-group table, a few hundred tokens per rank) so parsing and merging cost what they cost in
 * production, with an entropy that collapses early so the processor decides to INTERVENE.
 */
final class BenchRecords {
  /**
   * Event time of step 0, now: step {@code s} happens {@code s} seconds later, so the processor's
   * silence check (wall clock against event time) sees live runs, as in production.
   */
  static final long T0 = System.currentTimeMillis();
  /** Tokens per rank and step. */
  static final long TOKENS = 400;
  /** Planned length of a collapsing run: a collapse at step 16 is early, so the policy intervenes. */
  static final int PLANNED_STEPS = 60;
  /** A validation every this many steps. */
  static final int EVAL_EVERY = 10;

  private BenchRecords() {}

  static RunInfo run(String run, long plannedSteps, int world) {
    return new RunInfo(SchemaVersion.CURRENT, run, T0, plannedSteps, "grpo", Map.of("epsLow", 0.2), "bench-decoder",
        120_000L, world, EVAL_EVERY, RunInfo.ScoreScale.ACCURACY, "sentinel-bench");
  }

  /** Rank {@code rank} of {@code world} at {@code step} with token-mean entropy {@code h}. */
  static StepStats step(String run, int rank, int world, long step, double h) {
    return new StepStats(SchemaVersion.CURRENT, run, "bench-host-" + rank, rank, world, step, T0 + step * 1000, "grpo",
        Map.of("epsLow", 0.2), TOKENS, h * TOKENS, 16, 8 + rank, 4, 16 * 12.5, 1, 2, 0, 0, 1, TOKENS,
        new Covariance(TOKENS, 0.01 * TOKENS, 0.002 * TOKENS, List.of(new Covariance.TopGroup(0.02, 2, 0.5 + rank),
            new Covariance.TopGroup(1.0, TOKENS, 0.01 * TOKENS))),
        0.001 * TOKENS, 0.5 + rank, 80 + rank, -0.01, -0.012);
  }

  /** A validation that rises as the entropy falls (the entropy-performance law's shape). */
  static EvalResult eval(String run, long step, double h) {
    return new EvalResult(SchemaVersion.CURRENT, run, step, T0 + step * 1000, "arith", 0.3 + 0.3 * (1 - h / 1.2), 256,
        Map.of());
  }

  /** Collapsing entropy: 1.2 at step 0 down toward 0.05, halving every 8 steps (INTERVENE at step 16). */
  static double collapsing(long step) {
    return 0.05 + 1.15 * Math.pow(0.5, step / 8.0);
  }

  /** A long run's slowly falling, wiggling entropy: 0.9 to 0.3, below 60% of its start near step 1 800. */
  static double slow(long step) {
    return 0.3 + 0.6 * Math.exp(-step / 2000.0) + 0.02 * Math.sin(step / 7.0);
  }

  /** A long healthy run's entropy: 0.9 easing to 0.7, never below 60% of its start. */
  static double steady(long step) {
    return 0.7 + 0.2 * Math.exp(-step / 2000.0) + 0.02 * Math.sin(step / 7.0);
  }
}
