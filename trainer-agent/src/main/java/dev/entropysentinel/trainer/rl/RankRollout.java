package dev.entropysentinel.trainer.rl;

import dev.entropysentinel.trainer.task.Problem;
import java.util.List;

/**
 * One rank's rollout of a step: sequences {@code [B × C]}, per-response outcomes and per-position
 * values {@code [B × R]} from the rollout policy (detached). When statistics are on, {@code
 * dh} is the step's random subsample of responses for the predicted/measured entropy change with
 * their rollout logits (null when off); {@code refLogp}
 * only for reference KL.
 */
record RankRollout(
    List<Problem> problems,
    int[] tokens,
    boolean[] mask,
    float[] rewards,
    boolean[] correct,
    int[] lengths,
    float[] advantages,
    float[] oldLogp,
    float[] oldEntropy,
    float[] refLogp,
    StepStatistics.Subsample dh) {

  int rows() {
    return problems.size();
  }
}
