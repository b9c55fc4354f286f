package dev.entropysentinel.trainer.rl;

import static dev.entropysentinel.trainer.task.Vocabulary.CONTEXT_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.MAX_RESPONSE_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.SIZE;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.stats.CovarianceSummary;
import dev.entropysentinel.trainer.stats.EntropyDynamics;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The work a step does only for its statistics, kept out of the step loop: the loop calls the
 * same hooks whether statistics are on or off ({@link #of}), and this class times itself for
 * {@code sentinel bench trainer}.
 *
 * <p>The entropy change of step k's update is measured <b>one step late</b>, without a forward pass
 * of its own: step k's rollout keeps a random subsample of its responses (their tokens and rollout
 * logits, {@link #capture}); step k+1's rollout appends those rows to the forward pass it runs
 * anyway ({@link #pendingRows}), which gives their logits under the updated policy, and {@link
 * #measure} turns before and after into the predicted (Lemma 1) and measured change. Step k+1's
 * record carries them, flagged {@code entropyChangeLagSteps = 1} in {@code methodParams}; the
 * first step has none (absent). Appending rows leaves the rollout's own logits bit-identical
 * (PiggybackForwardTest), so statistics on or off train the same. Buffers are allocated once: the
 * per-step work allocates only the arrays DJL returns.
 */
abstract sealed class StepStatistics permits StepStatistics.Measured, StepStatistics.Off {
  static final String LAG_PARAM = "entropyChangeLagSteps";

  /** Statistics as {@code config.statsEnabled()} asks; the ΔH subsample is drawn from {@code random}. */
  static StepStatistics of(TrainerConfig config, Random random) {
    return config.statsEnabled() ? new Measured(config, random) : new Off();
  }

  /**
   * Token rows {@code [n × C]} of {@code rank}'s previous subsample to append to this rollout's
   * forward pass, or null when there is none (first step, statistics off).
   */
  abstract int[] pendingRows(int rank);

  /**
   * The previous step's entropy change for {@code rank}, {predictedSum, measuredSum, states}, from
   * the updated policy's logits {@code [n, R, V]} on {@link #pendingRows}; null when there was none.
   */
  abstract double[] measure(int rank, NDArray logitsAfter);

  /** Keeps a random subsample of this rollout (tokens, mask, logits {@code [B, R, V]}) for the next step's {@link #measure}. */
  abstract void capture(int rank, NDArray rolloutLogits, int[] tokens, boolean[] mask);

  abstract Covariance covariance(RankRollout rollout);

  /** Adds what the statistics were computed on to the step's {@code methodParams}. */
  abstract void describe(Map<String, Double> params);

  /** Wall time spent so far in statistics-only work. */
  abstract long nanos();

  /** Writes the subsamples waiting for their measurement, so a resumed run reports what the straight one did. */
  abstract void save(DataOutputStream out) throws IOException;

  /** Reads what {@link #save} wrote. */
  abstract void load(DataInputStream in) throws IOException;

  static final class Measured extends StepStatistics {
    private final TrainerConfig config;
    private final Random random;
    private final Pending[] pending;
    private final double[] scratch = new double[SIZE];
    private double[] covarianceScratch = new double[0];
    private long nanos;

    private Measured(TrainerConfig config, Random random) {
      this.config = config;
      this.random = random;
      int rows = Math.min(config.entropyChangeRows(), config.sequencesPerRank());
      this.pending = new Pending[config.ranks()];
      for (int r = 0; r < pending.length; r++) {
        pending[r] = new Pending(rows);
      }
    }

    @Override
    int[] pendingRows(int rank) {
      return pending[rank].full ? pending[rank].tokens : null;
    }

    @Override
    double[] measure(int rank, NDArray logitsAfter) {
      Pending p = pending[rank];
      if (!p.full) {
        return null;
      }
      long t = System.nanoTime();
      float[] after = logitsAfter.toFloatArray();
      double[] sums = EntropyDynamics.changeSums(p.logitsBefore, after, SIZE, p.valid, scratch);
      long states = 0;
      for (boolean v : p.valid) {
        states += v ? 1 : 0;
      }
      p.full = false;
      nanos += System.nanoTime() - t;
      return new double[] {sums[0], sums[1], states};
    }

    @Override
    void capture(int rank, NDArray rolloutLogits, int[] tokens, boolean[] mask) {
      long t = System.nanoTime();
      Pending p = pending[rank];
      int responses = tokens.length / CONTEXT_LENGTH;
      int[] rows = subsample(responses, p.rows(), random);
      for (int i = 0; i < rows.length; i++) {
        p.index[i] = rows[i];
        System.arraycopy(tokens, rows[i] * CONTEXT_LENGTH, p.tokens, i * CONTEXT_LENGTH, CONTEXT_LENGTH);
        System.arraycopy(mask, rows[i] * MAX_RESPONSE_LENGTH, p.valid, i * MAX_RESPONSE_LENGTH, MAX_RESPONSE_LENGTH);
      }
      // Only the subsample's rows leave native memory, not the whole rollout's logits.
      try (NDManager sub = rolloutLogits.getManager().newSubManager()) {
        NDArray picked = rolloutLogits.get(sub.create(p.index));
        System.arraycopy(picked.toFloatArray(), 0, p.logitsBefore, 0, p.logitsBefore.length);
      }
      p.full = true;
      nanos += System.nanoTime() - t;
    }

    @Override
    Covariance covariance(RankRollout ro) {
      long t = System.nanoTime();
      if (covarianceScratch.length < ro.mask().length) {
        covarianceScratch = new double[ro.mask().length];
      }
      Covariance c = CovarianceSummary.of(ro.oldLogp(), ro.advantages(), ro.mask(), covarianceScratch);
      nanos += System.nanoTime() - t;
      return c;
    }

    @Override
    void describe(Map<String, Double> params) {
      params.put("entropyChangeSample", config.entropyChangeSample());
      params.put(LAG_PARAM, 1.0);
    }

    @Override
    long nanos() {
      return nanos;
    }

    @Override
    void save(DataOutputStream out) throws IOException {
      out.writeInt(pending.length);
      for (Pending p : pending) {
        out.writeInt(p.rows());
        out.writeBoolean(p.full);
        for (int v : p.tokens) {
          out.writeInt(v);
        }
        for (boolean v : p.valid) {
          out.writeBoolean(v);
        }
        for (float v : p.logitsBefore) {
          out.writeFloat(v);
        }
      }
    }

    @Override
    void load(DataInputStream in) throws IOException {
      int ranks = in.readInt();
      if (ranks != pending.length) {
        throw new IOException("saved entropy-change subsamples are for " + ranks + " rank(s), the run has " + pending.length);
      }
      for (Pending p : pending) {
        int rows = in.readInt();
        if (rows != p.rows()) {
          throw new IOException("saved entropy-change subsample has " + rows + " rows, the run's --dh-sample gives " + p.rows());
        }
        p.full = in.readBoolean();
        for (int i = 0; i < p.tokens.length; i++) {
          p.tokens[i] = in.readInt();
        }
        for (int i = 0; i < p.valid.length; i++) {
          p.valid[i] = in.readBoolean();
        }
        for (int i = 0; i < p.logitsBefore.length; i++) {
          p.logitsBefore[i] = in.readFloat();
        }
      }
    }
  }

  /** One rank's subsample waiting for the next forward pass: tokens {@code [n × C]}, validity {@code [n × R]}, logits {@code [n × R × V]}. */
  private static final class Pending {
    final long[] index;
    final int[] tokens;
    final boolean[] valid;
    final float[] logitsBefore;
    boolean full;

    Pending(int rows) {
      index = new long[rows];
      tokens = new int[rows * CONTEXT_LENGTH];
      valid = new boolean[rows * MAX_RESPONSE_LENGTH];
      logitsBefore = new float[rows * MAX_RESPONSE_LENGTH * SIZE];
    }

    int rows() {
      return tokens.length / CONTEXT_LENGTH;
    }
  }

  static final class Off extends StepStatistics {
    @Override
    int[] pendingRows(int rank) {
      return null;
    }

    @Override
    double[] measure(int rank, NDArray logitsAfter) {
      return null;
    }

    @Override
    void capture(int rank, NDArray rolloutLogits, int[] tokens, boolean[] mask) {}

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

    @Override
    void save(DataOutputStream out) {}

    @Override
    void load(DataInputStream in) {}
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
}
