package dev.entropysentinel.trainer.rl;

import static dev.entropysentinel.trainer.task.Vocabulary.CONTEXT_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.EOS;
import static dev.entropysentinel.trainer.task.Vocabulary.MAX_RESPONSE_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.PROMPT_LENGTH;

import ai.djl.ndarray.NDManager;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.model.Policy;
import dev.entropysentinel.trainer.task.Problem;
import dev.entropysentinel.trainer.task.TaskSuite;
import dev.entropysentinel.trainer.task.Vocabulary;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervised warm start on imperfect demonstrations: each answer character is replaced by a
 * random digit with probability {@code warmStartNoise}. The policy then behaves like a base model
 * before RL: some accuracy and high entropy (the noise is spread over the digits).
 */
final class WarmStart {
  private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);
  /** Progress lines per warm start: it takes minutes on a CPU before the first RL step says anything. */
  private static final int PROGRESS_LINES = 10;

  private WarmStart() {}

  /** Trains {@code policy} in place; returns the last step's cross-entropy (nats per token). */
  static double run(NDManager root, Policy policy, TaskSuite suite, TrainerConfig config, Random random) {
    try (SupervisedStep step = new SupervisedStep(policy, config.warmStartLearningRate(), config.weightDecay(), config.maxGradNorm())) {
      return run(step, root, suite, config, random);
    }
  }

  private static double run(SupervisedStep step, NDManager root, TaskSuite suite, TrainerConfig config, Random random) {
    double loss = Double.NaN;
    for (int s = 0; s < config.warmStartSteps(); s++) {
      List<Problem> problems = suite.nextTraining(config.warmStartBatch());
      int[] tokens = demonstrations(problems, config.warmStartNoise(), random);
      float[] mask = new float[problems.size() * MAX_RESPONSE_LENGTH];
      for (int i = 0; i < problems.size(); i++) {
        for (int j = 0; j <= problems.get(i).answer().length(); j++) {
          mask[i * MAX_RESPONSE_LENGTH + j] = 1f;
        }
      }
      loss = step.run(root, tokens, mask);
      int every = Math.max(1, config.warmStartSteps() / PROGRESS_LINES);
      if ((s + 1) % every == 0 || s + 1 == config.warmStartSteps()) {
        LOG.info("warm start: step {}/{}, cross-entropy {} nats per token", s + 1, config.warmStartSteps(),
            String.format(java.util.Locale.ROOT, "%.3f", loss));
      }
    }
    return loss;
  }

  static int[] demonstrations(List<Problem> problems, double noise, Random random) {
    int[] tokens = Sequences.prompts(problems);
    for (int i = 0; i < problems.size(); i++) {
      String answer = problems.get(i).answer();
      int base = i * CONTEXT_LENGTH + PROMPT_LENGTH;
      for (int j = 0; j < answer.length(); j++) {
        boolean corrupt = random.nextDouble() < noise;
        tokens[base + j] = corrupt ? Vocabulary.digit(random.nextInt(10)) : Vocabulary.id(answer.charAt(j));
      }
      tokens[base + answer.length()] = EOS;
    }
    return tokens;
  }
}
