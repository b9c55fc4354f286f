package dev.entropysentinel.trainer.rl;

import dev.entropysentinel.trainer.task.Problem;
import java.util.List;

/**
 * One rank's rollout of a step: sequences {@code [B × C]}, per-response outcomes and per-position
 * values {@code [B × R]} from the rollout policy (detached). {@code entropyChange} is the previous
 * step's {predictedSum, measuredSum, states}, measured on this rollout's forward pass (null on the
 * first step or with statistics off; see {@link StepStatistics}); {@code refLogp} only for
 * reference KL.
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
    double[] entropyChange) {

  int rows() {
    return problems.size();
  }
}
