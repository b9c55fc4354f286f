package dev.entropysentinel.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import dev.entropysentinel.trainer.loss.SurrogateLoss;
import dev.entropysentinel.trainer.loss.TokenBatch;
import dev.entropysentinel.trainer.loss.TokenPlan;
import dev.entropysentinel.trainer.model.Engines;
import dev.entropysentinel.trainer.model.Policy;
import dev.entropysentinel.trainer.task.TaskSuite;
import dev.entropysentinel.trainer.task.Vocabulary;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The root cause of the skipped updates: constants passed to DJL as {@code Number}s lived in Java
 * memory that a garbage collection between forward and backward freed, so the backward read
 * garbage. Here a collection (and fresh native allocations filled with NaN bytes, to take over
 * freed memory) runs between forward and backward of the whole model and the RL loss; the
 * gradients must be those of a run without it, every time.
 */
class GradientUnderGcTest {
  @BeforeAll
  static void engine() {
    Engines.pytorch(2);
  }

  @Test
  void gradientsDoNotChangeWhenTheGarbageCollectorRunsBetweenForwardAndBackward() {
    TrainerConfig config = TrainerConfig.builder().modelDim(16).heads(2).layers(1).build();
    LossConfig loss = LossConfig.builder(Method.REF_KL).refKlCoef(0.5).build();
    try (Policy policy = Policy.create(config.model(), Device.cpu(), 3); NDManager root = NDManager.newBaseManager()) {
      int rows = 16;
      int[] tokens = WarmStart.demonstrations(TaskSuite.standard(3, 4).nextTraining(rows), 0.3, new Random(3));
      float[] plain = gradient(policy, root, tokens, rows, loss, false);
      for (int round = 0; round < 5; round++) {
        assertThat(gradient(policy, root, tokens, rows, loss, true)).as("round %d", round).containsExactly(plain);
      }
    }
  }

  private static float[] gradient(Policy policy, NDManager root, int[] tokens, int rows, LossConfig loss, boolean collect) {
    int[] all = Sequences.allRows(rows);
    int n = rows * Vocabulary.MAX_RESPONSE_LENGTH;
    Random random = new Random(5);
    float[] oldLogp = new float[n];
    float[] advantages = new float[n];
    float[] reference = new float[n];
    for (int i = 0; i < n; i++) {
      oldLogp[i] = (float) (-1 - random.nextDouble());
      advantages[i] = (float) random.nextGaussian();
      reference[i] = (float) (-1 - random.nextDouble());
    }
    try (NDManager step = root.newSubManager()) {
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray[] scores = Sequences.logpAndEntropy(Sequences.responseLogits(step, policy, tokens, all),
            Sequences.responseTargets(step, tokens, all));
        TokenBatch batch = new TokenBatch(scores[0].toFloatArray(), oldLogp, advantages, Sequences.responseMask(tokens, rows),
            scores[1].toFloatArray());
        NDArray surrogate = SurrogateLoss.loss(scores[0], scores[1], batch, TokenPlan.neutral(n), reference, loss, 0.01);
        if (collect) {
          churn();
        }
        collector.backward(surrogate);
      }
      List<Float> out = new ArrayList<>();
      for (var p : policy.parameters()) {
        NDArray g = p.getValue().getArray().getGradient();
        g.attach(step);
        for (float v : g.toFloatArray()) {
          out.add(v);
        }
        g.subi(g);
      }
      float[] flat = new float[out.size()];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = out.get(i);
      }
      return flat;
    }
  }

  /** A full collection, then native memory reused with NaN bytes; what the collection freed gets overwritten. */
  private static void churn() {
    System.gc();
    List<ByteBuffer> junk = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 64) * 4);
      while (b.hasRemaining()) {
        b.put((byte) 0xFF);
      }
      junk.add(b);
    }
    System.gc();
    junk.clear();
  }
}
