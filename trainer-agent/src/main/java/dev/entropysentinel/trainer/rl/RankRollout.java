package dev.entropysentinel.trainer.rl;

import dev.entropysentinel.trainer.task.Problem;
import java.util.List;

/**
 * One rank's rollout of a step: sequences {@code [B × C]}, per-response outcomes and per-position
 * values {@code [B × R]} from the rollout policy (detached). {@code logitsBefore} ({@code [B × R ×
 * V]}) is kept only when statistics are on, for the predicted/measured entropy change; {@code
 * refLogp} only for reference KL.
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
    float[] logitsBefore) {

  int rows() {
    return problems.size();
  }
}
