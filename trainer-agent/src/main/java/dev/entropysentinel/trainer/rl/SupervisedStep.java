package dev.entropysentinel.trainer.rl;

import static dev.entropysentinel.trainer.task.Vocabulary.MAX_RESPONSE_LENGTH;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.entropysentinel.trainer.model.Policy;

/**
 * One supervised update on full sequences: masked negative log-likelihood of the response tokens,
 * backward, AdamW. The warm start's step, and the workload the benchmark compares with PyTorch.
 */
public final class SupervisedStep implements AutoCloseable {
  private final Policy policy;
  private final PolicyOptimizer optimizer;

  public SupervisedStep(Policy policy, double learningRate, double weightDecay, double maxGradNorm) {
    this.policy = policy;
    this.optimizer = new PolicyOptimizer(policy, learningRate, weightDecay, maxGradNorm);
  }

  /**
   * @param tokens sequences {@code [B × C]} in the task layout
   * @param mask {@code [B × R]}: 1 where a response token is trained
   * @return the loss (nats per trained token)
   */
  public double run(NDManager root, int[] tokens, float[] mask) {
    int rows = mask.length / MAX_RESPONSE_LENGTH;
    int[] all = Sequences.allRows(rows);
    try (NDManager step = root.newSubManager()) {
      double loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logp = Sequences.logpAndEntropy(Sequences.responseLogits(step, policy, tokens, all),
            Sequences.responseTargets(step, tokens, all))[0];
        NDArray m = step.create(mask, new Shape(rows, MAX_RESPONSE_LENGTH));
        NDArray nll = logp.mul(m).sum().neg().div(m.sum());
        collector.backward(nll);
        loss = nll.getFloat();
      }
      optimizer.step(step);
      return loss;
    }
  }

  @Override
  public void close() {
    optimizer.close();
  }
}
