package dev.entropysentinel.trainer.rl;

import static dev.entropysentinel.trainer.task.Vocabulary.MAX_RESPONSE_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.SIZE;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.model.Policy;
import dev.entropysentinel.trainer.stats.CovarianceSummary;
import dev.entropysentinel.trainer.stats.EntropyDynamics;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The work a step does only for its statistics (the ΔH subsample's logits, the forward pass after
 * the update, the covariance summary), kept out of the step loop: the loop calls the same hooks
 * whether statistics are on or off ({@link #of}), and this class times itself for {@code sentinel
 * bench trainer}.
 */
abstract sealed class StepStatistics permits StepStatistics.Measured, StepStatistics.Off {
  /** The subsample of one rank's responses and their rollout logits {@code [|rows| × R × V]}. */
  record Subsample(int[] rows, float[] logitsBefore) {}

  /** Statistics as {@code config.statsEnabled()} asks; the ΔH subsample is drawn from {@code random}. */
  static StepStatistics of(TrainerConfig config, Random random) {
    return config.statsEnabled() ? new Measured(config, random) : new Off();
  }

  /** The rollout's subsample for the entropy change, or null when off. */
  abstract Subsample capture(NDArray rolloutLogits, int responses);

  /** {predictedSum, measuredSum, states} of the entropy change, or null when off. */
  abstract double[] entropyChange(NDManager manager, Policy policy, RankRollout rollout);

  abstract Covariance covariance(RankRollout rollout);

  /** Adds what the statistics were computed on to the step's {@code methodParams}. */
  abstract void describe(Map<String, Double> params);

  /** Wall time spent so far in statistics-only work. */
  abstract long nanos();

  static final class Measured extends StepStatistics {
    private final TrainerConfig config;
    private final Random random;
    private long nanos;

    private Measured(TrainerConfig config, Random random) {
      this.config = config;
      this.random = random;
    }

    @Override
    Subsample capture(NDArray rolloutLogits, int responses) {
      long t = System.nanoTime();
      int[] rows = subsample(responses, config.entropyChangeRows(), random);
      Subsample s = new Subsample(rows, gatherLogits(rolloutLogits.toFloatArray(), rows));
      nanos += System.nanoTime() - t;
      return s;
    }

    /**
     * Predicted (Lemma 1) and measured entropy-change sums and the number of valid states, over the
     * rollout's subsample: logits before are the rollout's, after come from one forward pass of the
     * updated policy on those rows only.
     */
    @Override
    double[] entropyChange(NDManager manager, Policy policy, RankRollout ro) {
      long t = System.nanoTime();
      int[] rows = ro.dh().rows();
      int positions = 0;
      for (int row : rows) {
        positions = Math.max(positions, ro.lengths()[row]);
      }
      // Only the positions some subsampled response reaches: a shorter input, the same logits.
      float[] short1 = Sequences.responseLogits(manager, policy, ro.tokens(), rows, positions).toFloatArray();
      int perRow = MAX_RESPONSE_LENGTH * SIZE;
      float[] after = new float[rows.length * perRow];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(short1, i * positions * SIZE, after, i * perRow, positions * SIZE);
      }
      boolean[] valid = Sequences.gatherRows(ro.mask(), rows);
      double[] sums = EntropyDynamics.changeSums(ro.dh().logitsBefore(), after, SIZE, valid);
      long states = 0;
      for (boolean v : valid) {
        states += v ? 1 : 0;
      }
      nanos += System.nanoTime() - t;
      return new double[] {sums[0], sums[1], states};
    }

    @Override
    Covariance covariance(RankRollout ro) {
      long t = System.nanoTime();
      Covariance c = CovarianceSummary.of(ro.oldLogp(), ro.advantages(), ro.mask());
      nanos += System.nanoTime() - t;
      return c;
    }

    @Override
    void describe(Map<String, Double> params) {
      params.put("entropyChangeSample", config.entropyChangeSample());
    }

    @Override
    long nanos() {
      return nanos;
    }
  }

  static final class Off extends StepStatistics {
    @Override
    Subsample capture(NDArray rolloutLogits, int responses) {
      return null;
    }

    @Override
    double[] entropyChange(NDManager manager, Policy policy, RankRollout rollout) {
      return null;
    }

    @Override
    Covariance covariance(RankRollout rollout) {
      return Covariance.empty();
    }

    @Override
    void describe(Map<String, Double> params) {}

    @Override
    long nanos() {
      return 0;
    }
  }

  /** {@code k} distinct rows of {@code 0 .. n-1} chosen uniformly at random, in ascending order. */
  static int[] subsample(int n, int k, Random random) {
    if (k >= n) {
      return Sequences.allRows(n);
    }
    int[] order = Sequences.shuffled(n, random);
    int[] rows = Arrays.copyOf(order, k);
    Arrays.sort(rows);
    return rows;
  }

  private static float[] gatherLogits(float[] logits, int[] rows) {
    int perRow = MAX_RESPONSE_LENGTH * SIZE;
    float[] out = new float[rows.length * perRow];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(logits, rows[i] * perRow, out, i * perRow, perRow);
    }
    return out;
  }
}
