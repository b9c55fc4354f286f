package dev.entropysentinel.trainer.rl;

import static dev.entropysentinel.trainer.task.Vocabulary.CONTEXT_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.model.Engines;
import dev.entropysentinel.trainer.model.Policy;
import dev.entropysentinel.trainer.task.Vocabulary;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ΔH subsample rides along at the end of the next rollout's forward pass (StepStatistics). That
 * is only sound if the extra rows leave the rollout's own logits bit-identical, or statistics on
 * and off would train differently; batched kernels need not guarantee it, so it is checked here at
 * the default model's sizes.
 */
class PiggybackForwardTest {
  @BeforeAll
  static void engine() {
    Engines.pytorch(2);
  }

  @Test
  void rowsAppendedToAForwardPassLeaveTheFirstRowsLogitsBitIdentical() {
    TrainerConfig config = TrainerConfig.builder().build();
    Random random = new Random(3);
    int extra = 8;
    try (Policy policy = Policy.create(config.model(), Device.cpu(), 5); NDManager m = NDManager.newBaseManager(Device.cpu())) {
      for (int b : new int[] {16, 64, 128, 256}) {
        int[] tokens = new int[(b + extra) * CONTEXT_LENGTH];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = random.nextInt(Vocabulary.SIZE);
        }
        float[] alone = Sequences.responseLogits(m, policy, tokens, Sequences.allRows(b)).toFloatArray();
        float[] first = Sequences.responseLogits(m, policy, tokens, Sequences.allRows(b + extra)).get("0:{}", b).toFloatArray();
        int differing = 0;
        for (int i = 0; i < alone.length; i++) {
          differing += Float.floatToIntBits(alone[i]) == Float.floatToIntBits(first[i]) ? 0 : 1;
        }
        assertThat(first).hasSameSizeAs(alone);
        assertThat(differing).as("logits differing in their bits with %d rows + %d appended", b, extra).isZero();
      }
    }
  }
}
