package dev.entropysentinel.trainer.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.entropysentinel.trainer.model.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW on the policy's parameters without a DJL {@code Trainer}: global-norm clipping, one fused
 * update per parameter, gradients zeroed after. Gradient handles are attached to the caller's step
 * manager so the parameter manager never grows (djl.md).
 */
final class PolicyOptimizer implements AutoCloseable {
  private final List<Pair<String, Parameter>> parameters;
  private final AdamW adamW;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PolicyOptimizer.class);
  private static final int MAX_SKIPPED_IN_A_ROW = 10;
  private static final ai.djl.ndarray.index.NDIndex ALL = new ai.djl.ndarray.index.NDIndex(":");

  private final double maxGradNorm;
  private int skippedInARow;
  private long skipped;
  private float learningRate;

  PolicyOptimizer(Policy policy, double learningRate, double weightDecay, double maxGradNorm) {
    this.parameters = policy.parameters();
    this.adamW = new AdamW(parameters, weightDecay);
    this.maxGradNorm = maxGradNorm;
    this.learningRate = (float) learningRate;
  }

  /** The rate of the following updates (the schedule sets it once per RL step). */
  void learningRate(double rate) {
    this.learningRate = (float) rate;
  }

  /** Updates dropped so far because their gradient norm was not finite (reported per step as {@code skippedUpdates}). */
  long skipped() {
    return skipped;
  }

  /**
   * Applies the accumulated gradients; returns their global L2 norm before clipping, or NaN when the
   * norm was not finite and the update was dropped (counted in {@link #skipped()}).
   */
  double step(NDManager manager) {
    List<NDArray> gradients = new ArrayList<>(parameters.size());
    double squares = 0;
    for (Pair<String, Parameter> p : parameters) {
      NDArray gradient = p.getValue().getArray().getGradient();
      gradient.attach(manager);
      gradients.add(gradient);
      squares += gradient.square().sum().getFloat();
    }
    double norm = Math.sqrt(squares);
    if (!Double.isFinite(norm)) {
      // Like mixed-precision loss scaling: drop a rare overflowing step instead of poisoning AdamW's state.
      if (++skippedInARow > MAX_SKIPPED_IN_A_ROW) {
        throw new IllegalStateException("gradient norm was not finite " + skippedInARow + " updates in a row; lower --lr");
      }
      skipped++;
      LOG.warn("skipping an update whose gradient norm is {}", norm);
      zero(gradients);
      return Double.NaN;
    }
    skippedInARow = 0;
    float scale = norm > maxGradNorm ? (float) (maxGradNorm / norm) : 1f;
    if (scale != 1f) {
      for (NDArray gradient : gradients) {
        gradient.muli(scale);
      }
    }
    adamW.update(gradients, learningRate);
    zero(gradients);
    return norm;
  }

  /** Zeroes in place (multiplying by 0 would keep NaN and infinities). */
  private static void zero(List<NDArray> gradients) {
    for (NDArray g : gradients) {
      g.set(ALL, 0f);
    }
  }

  /** The AdamW state (moments and update count), for checkpoints. */
  AdamW adamW() {
    return adamW;
  }

  @Override
  public void close() {
    adamW.close();
  }
}
