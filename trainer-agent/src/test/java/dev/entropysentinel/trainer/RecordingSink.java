package dev.entropysentinel.trainer;

import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.util.ArrayList;
import java.util.List;

/** Keeps every step and validation record, for assertions. */
public final class RecordingSink implements StatsSink {
  public final List<StepStats> steps = new ArrayList<>();
  public final List<EvalResult> evals = new ArrayList<>();

  @Override
  public void accept(StepStats stats) {
    steps.add(stats);
  }

  @Override
  public void accept(EvalResult eval) {
    evals.add(eval);
  }

  @Override
  public void close() {}
}
