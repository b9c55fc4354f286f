package dev.entropysentinel.trainer;

import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.StepStats;
import java.util.List;
import java.util.Map;

/**
 * A hook around {@link Training}'s step loop, which itself only runs steps and validations:
 * records, checkpoints and control commands are listeners. Called from the training thread only,
 * in the order the listeners were given.
 */
public interface StepListener {
  /** Before the first step (and before the initial validation of a fresh run). */
  default void onRunStart(RunContext run) {}

  /** At the boundary before {@code step}: the place to switch methods or ask the run to stop. */
  default void beforeStep(long step) {}

  /** After a step, with one record per rank. */
  default void afterStep(List<StepStats> stats) {}

  default void onEval(EvalResult eval) {}

  /** After the last step or a stop, after the final validation. */
  default void onRunEnd(RunEnd end) {}

  /** Entries this listener needs back after a resume, saved with every checkpoint ({@link RunContext#checkpoint()}). */
  default Map<String, String> checkpointEntries() {
    return Map.of();
  }

  /**
   * How a run ended.
   *
   * @param lastStep the last completed step (-1 if none)
   * @param stopReason why it stopped early, or null when it ran all its steps
   */
  record RunEnd(long lastStep, String stopReason) {
    public boolean stopped() {
      return stopReason != null;
    }
  }
}
