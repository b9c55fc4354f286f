package dev.entropysentinel.trainer.rl;

import static dev.entropysentinel.trainer.task.Vocabulary.CONTEXT_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.EOS;
import static dev.entropysentinel.trainer.task.Vocabulary.MAX_RESPONSE_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.PROMPT_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.SIZE;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.entropysentinel.trainer.model.Policy;
import dev.entropysentinel.trainer.task.Problem;
import dev.entropysentinel.trainer.task.Vocabulary;
import java.util.List;
import java.util.Random;

/**
 * Token sequences in the fixed layout {@code prompt [0, P) | response [P, C)} (row-major int
 * arrays {@code [B × C]}), sampling, and the log-probabilities and entropies of responses.
 */
public final class Sequences {
  /** The logits at these positions predict the response tokens. */
  static final int FIRST_RESPONSE_LOGIT = PROMPT_LENGTH - 1;

  private Sequences() {}

  /** Rows with the prompts filled in and PAD elsewhere. */
  static int[] prompts(List<Problem> problems) {
    int[] tokens = new int[problems.size() * CONTEXT_LENGTH];
    for (int i = 0; i < problems.size(); i++) {
      System.arraycopy(Vocabulary.encode(problems.get(i).prompt()), 0, tokens, i * CONTEXT_LENGTH, PROMPT_LENGTH);
    }
    return tokens;
  }

  /**
   * Samples a response for every prompt at temperature 1 (or greedily), recomputing the prefix
   * each position (responses are at most seven tokens, so a key/value cache would save little).
   */
  static int[] generate(NDManager manager, Policy policy, List<Problem> problems, Random random, boolean greedy) {
    int b = problems.size();
    int[] tokens = prompts(problems);
    boolean[] done = new boolean[b];
    int open = b;
    for (int j = 0; j < MAX_RESPONSE_LENGTH && open > 0; j++) {
      int length = PROMPT_LENGTH + j;
      int[] input = new int[b * length];
      for (int i = 0; i < b; i++) {
        System.arraycopy(tokens, i * CONTEXT_LENGTH, input, i * length, length);
      }
      float[] last;
      try (NDManager sub = manager.newSubManager()) {
        last = policy.logits(sub.create(input, new Shape(b, length))).get(":, -1, :").toFloatArray();
      }
      for (int i = 0; i < b; i++) {
        if (done[i]) {
          continue;
        }
        double u = random.nextDouble();
        int token = greedy ? Sampler.argmax(last, i * SIZE, SIZE) : Sampler.inverseCdf(last, i * SIZE, SIZE, u);
        tokens[i * CONTEXT_LENGTH + length] = token;
        if (token == EOS) {
          done[i] = true;
          open--;
        }
      }
    }
    return tokens;
  }

  /** Response tokens up to and including EOS (all of them when there is no EOS). */
  static int responseLength(int[] tokens, int row) {
    for (int j = 0; j < MAX_RESPONSE_LENGTH; j++) {
      if (tokens[row * CONTEXT_LENGTH + PROMPT_LENGTH + j] == EOS) {
        return j + 1;
      }
    }
    return MAX_RESPONSE_LENGTH;
  }

  static String responseText(int[] tokens, int row) {
    return Vocabulary.decodeResponse(tokens, row * CONTEXT_LENGTH + PROMPT_LENGTH, MAX_RESPONSE_LENGTH);
  }

  /** Validity {@code [B × R]}: positions up to and including the first EOS. */
  static boolean[] responseMask(int[] tokens, int rows) {
    boolean[] mask = new boolean[rows * MAX_RESPONSE_LENGTH];
    for (int i = 0; i < rows; i++) {
      int length = responseLength(tokens, i);
      for (int j = 0; j < length; j++) {
        mask[i * MAX_RESPONSE_LENGTH + j] = true;
      }
    }
    return mask;
  }

  /** Logits {@code [n, R, V]} that predict the response tokens of the given rows. */
  static NDArray responseLogits(NDManager manager, Policy policy, int[] tokens, int[] rows) {
    int inputLength = CONTEXT_LENGTH - 1;
    int[] input = new int[rows.length * inputLength];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(tokens, rows[i] * CONTEXT_LENGTH, input, i * inputLength, inputLength);
    }
    NDArray logits = policy.logits(manager.create(input, new Shape(rows.length, inputLength)));
    return logits.get(":, {}:, :", FIRST_RESPONSE_LOGIT);
  }

  /** The response tokens {@code [n, R]} of the given rows (the targets of {@link #responseLogits}). */
  static NDArray responseTargets(NDManager manager, int[] tokens, int[] rows) {
    int[] targets = new int[rows.length * MAX_RESPONSE_LENGTH];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(tokens, rows[i] * CONTEXT_LENGTH + PROMPT_LENGTH, targets, i * MAX_RESPONSE_LENGTH, MAX_RESPONSE_LENGTH);
    }
    return manager.create(targets, new Shape(rows.length, MAX_RESPONSE_LENGTH));
  }

  /**
   * Log-probabilities of the targets and entropies of the full next-token distributions, both
   * {@code [n, R]}, differentiable: {@code log softmax(z)[target]} and {@code -Σ π log π}.
   */
  static NDArray[] logpAndEntropy(NDArray responseLogits, NDArray targets) {
    NDArray logSoftmax = responseLogits.logSoftmax(-1);
    NDArray logp = logSoftmax.mul(targets.oneHot(SIZE)).sum(new int[] {-1});
    NDArray entropy = logSoftmax.exp().mul(logSoftmax).sum(new int[] {-1}).neg();
    return new NDArray[] {logp, entropy};
  }

  /** A Fisher-Yates permutation of {@code 0 .. n-1}. */
  static int[] shuffled(int n, Random random) {
    int[] order = allRows(n);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** Rows {@code 0 .. n-1}. */
  static int[] allRows(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  /** The per-position values of the given rows, {@code R} per row. */
  static float[] gatherRows(float[] perPosition, int[] rows) {
    float[] out = new float[rows.length * MAX_RESPONSE_LENGTH];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(perPosition, rows[i] * MAX_RESPONSE_LENGTH, out, i * MAX_RESPONSE_LENGTH, MAX_RESPONSE_LENGTH);
    }
    return out;
  }

  static boolean[] gatherRows(boolean[] perPosition, int[] rows) {
    boolean[] out = new boolean[rows.length * MAX_RESPONSE_LENGTH];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(perPosition, rows[i] * MAX_RESPONSE_LENGTH, out, i * MAX_RESPONSE_LENGTH, MAX_RESPONSE_LENGTH);
    }
    return out;
  }
}
