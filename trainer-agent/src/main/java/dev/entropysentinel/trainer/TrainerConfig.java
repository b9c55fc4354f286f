package dev.entropysentinel.trainer;

import static dev.entropysentinel.trainer.internal.Check.atLeast;
import static dev.entropysentinel.trainer.internal.Check.fraction;
import static dev.entropysentinel.trainer.internal.Check.nonNegative;
import static dev.entropysentinel.trainer.internal.Check.positive;
import static dev.entropysentinel.trainer.internal.Check.present;

import dev.entropysentinel.trainer.loss.CovScope;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import dev.entropysentinel.trainer.model.ModelConfig;
import dev.entropysentinel.trainer.task.Vocabulary;
import java.nio.file.Path;

/**
 * Everything a training run needs, validated at construction; errors name the key and the value
 * ({@code trainer.groupSize must be >= 2, was 1}). The defaults ({@link #builder()}) are sized so a
 * 2-core CPU shows GRPO's entropy collapse within minutes.
 *
 * @param runId run id on every record
 * @param seed fixes weights, task split, sampling and selections
 * @param steps RL steps (rollout + updates each)
 * @param promptsPerStep prompts per rank per step
 * @param groupSize samples per prompt (G); advantages are normalised within the group
 * @param ranks data-parallel replicas in this process
 * @param covScope whether token selections are per rank or over all ranks
 * @param miniBatches PPO mini-batches per epoch
 * @param ppoEpochs passes over each rollout
 * @param learningRate peak AdamW learning rate of the RL phase
 * @param lrSchedule shape of the RL learning rate over the steps ({@link LearningRateSchedule})
 * @param lrWarmupSteps steps of linear warmup to {@code learningRate}
 * @param lrFloor the last step's learning rate as a fraction of {@code learningRate}
 * @param weightDecay AdamW decoupled weight decay
 * @param maxGradNorm gradients are rescaled to at most this global norm
 * @param evalEvery validate every this many steps (and at step 0 and the last step)
 * @param evalSize validation problems (fixed split)
 * @param passK samples per validation problem (mean@k and pass@k)
 * @param warmStartSteps supervised steps on imperfect demonstrations before RL (0 skips)
 * @param warmStartBatch demonstrations per supervised step
 * @param warmStartNoise probability that a demonstration's answer character is replaced at random
 * @param warmStartLearningRate AdamW learning rate of the warm start
 * @param statsEnabled compute the costly statistics (covariance summary, predicted/measured ΔH)
 * @param entropyChangeSample fraction of the step's sampled responses (at least one) on which the
 *     predicted (Lemma 1) and measured entropy changes are computed: both on the same random
 *     subsample, drawn per step from its own seeded stream, so they remain token means over that
 *     step's sampled states; its rows join the next rollout's forward pass, which gives their
 *     logits after the update, so the change is reported one step late (1 = all)
 * @param checkpointDir where checkpoints go, or null
 * @param checkpointEvery save every this many steps (0: only at the end)
 * @param model transformer sizes
 * @param loss the method and its parameters
 */
public record TrainerConfig(
    String runId,
    long seed,
    int steps,
    int promptsPerStep,
    int groupSize,
    int ranks,
    CovScope covScope,
    int miniBatches,
    int ppoEpochs,
    double learningRate,
    LearningRateSchedule.Shape lrSchedule,
    int lrWarmupSteps,
    double lrFloor,
    double weightDecay,
    double maxGradNorm,
    int evalEvery,
    int evalSize,
    int passK,
    int warmStartSteps,
    int warmStartBatch,
    double warmStartNoise,
    double warmStartLearningRate,
    boolean statsEnabled,
    double entropyChangeSample,
    Path checkpointDir,
    int checkpointEvery,
    ModelConfig model,
    LossConfig loss) {

  public TrainerConfig {
    present("trainer.runId", runId);
    if (runId.isBlank()) {
      throw new IllegalArgumentException("trainer.runId must not be blank, was \"" + runId + "\"");
    }
    atLeast("trainer.steps", steps, 0);
    atLeast("trainer.promptsPerStep", promptsPerStep, 1);
    atLeast("trainer.groupSize", groupSize, 2);
    atLeast("trainer.ranks", ranks, 1);
    present("trainer.covScope", covScope);
    atLeast("trainer.miniBatches", miniBatches, 1);
    if (miniBatches > promptsPerStep * groupSize) {
      throw new IllegalArgumentException("trainer.miniBatches must be <= trainer.promptsPerStep * trainer.groupSize ("
          + promptsPerStep * groupSize + "), was " + miniBatches);
    }
    atLeast("trainer.ppoEpochs", ppoEpochs, 1);
    positive("trainer.learningRate", learningRate);
    present("trainer.lrSchedule", lrSchedule);
    atLeast("trainer.lrWarmupSteps", lrWarmupSteps, 0);
    fraction("trainer.lrFloor", lrFloor);
    nonNegative("trainer.weightDecay", weightDecay);
    positive("trainer.maxGradNorm", maxGradNorm);
    atLeast("trainer.evalEvery", evalEvery, 1);
    atLeast("trainer.evalSize", evalSize, 1);
    atLeast("trainer.passK", passK, 1);
    atLeast("trainer.warmStartSteps", warmStartSteps, 0);
    atLeast("trainer.warmStartBatch", warmStartBatch, 1);
    nonNegative("trainer.warmStartNoise", warmStartNoise);
    if (warmStartNoise > 0) {
      fraction("trainer.warmStartNoise", warmStartNoise);
    }
    positive("trainer.warmStartLearningRate", warmStartLearningRate);
    fraction("trainer.entropyChangeSample", entropyChangeSample);
    atLeast("trainer.checkpointEvery", checkpointEvery, 0);
    present("trainer.model", model);
    present("trainer.loss", loss);
    if (model.vocabSize() != Vocabulary.SIZE || model.contextLength() != Vocabulary.CONTEXT_LENGTH) {
      throw new IllegalArgumentException("trainer.model must match the task vocabulary (" + Vocabulary.SIZE + " tokens, context "
          + Vocabulary.CONTEXT_LENGTH + "), was " + model.vocabSize() + " tokens, context " + model.contextLength());
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Responses per rank on which the entropy change is measured: {@code max(1, round(entropyChangeSample · B))}. */
  public int entropyChangeRows() {
    return Math.max(1, (int) Math.round(entropyChangeSample * sequencesPerRank()));
  }

  /** The RL learning rate per step. */
  public LearningRateSchedule learningRateSchedule() {
    return new LearningRateSchedule(lrSchedule, learningRate, lrWarmupSteps, lrFloor, steps);
  }

  /** Sequences each rank samples per step. */
  public int sequencesPerRank() {
    return promptsPerStep * groupSize;
  }

  /** Defaults in the fields; {@link #build()} validates. */
  public static final class Builder {
    private String runId = "train";
    private long seed = 7;
    private int steps = 150;
    private int promptsPerStep = 16;
    private int groupSize = 8;
    private int ranks = 1;
    private CovScope covScope = CovScope.LOCAL;
    private int miniBatches = 2;
    private int ppoEpochs = 2;
    private double learningRate = 3e-4;
    private LearningRateSchedule.Shape lrSchedule = LearningRateSchedule.Shape.COSINE;
    private int lrWarmupSteps = 5;
    private double lrFloor = 0.1;
    private double weightDecay = 0.01;
    private double maxGradNorm = 1.0;
    private int evalEvery = 10;
    private int evalSize = 256;
    private int passK = 4;
    private int warmStartSteps = 1500;
    private int warmStartBatch = 128;
    private double warmStartNoise = 0.3;
    private double warmStartLearningRate = 1e-3;
    private boolean statsEnabled = true;
    private double entropyChangeSample = 0.0625;
    private Path checkpointDir;
    private int checkpointEvery;
    private int modelDim = 64;
    private int heads = 4;
    private int layers = 2;
    private int ffnMultiplier = 4;
    private LossConfig loss = LossConfig.defaults(Method.GRPO);

    public Builder runId(String v) { runId = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder steps(int v) { steps = v; return this; }
    public Builder promptsPerStep(int v) { promptsPerStep = v; return this; }
    public Builder groupSize(int v) { groupSize = v; return this; }
    public Builder ranks(int v) { ranks = v; return this; }
    public Builder covScope(CovScope v) { covScope = v; return this; }
    public Builder miniBatches(int v) { miniBatches = v; return this; }
    public Builder ppoEpochs(int v) { ppoEpochs = v; return this; }
    public Builder learningRate(double v) { learningRate = v; return this; }
    public Builder lrSchedule(LearningRateSchedule.Shape v) { lrSchedule = v; return this; }
    public Builder lrWarmupSteps(int v) { lrWarmupSteps = v; return this; }
    public Builder lrFloor(double v) { lrFloor = v; return this; }
    public Builder weightDecay(double v) { weightDecay = v; return this; }
    public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
    public Builder evalEvery(int v) { evalEvery = v; return this; }
    public Builder evalSize(int v) { evalSize = v; return this; }
    public Builder passK(int v) { passK = v; return this; }
    public Builder warmStartSteps(int v) { warmStartSteps = v; return this; }
    public Builder warmStartBatch(int v) { warmStartBatch = v; return this; }
    public Builder warmStartNoise(double v) { warmStartNoise = v; return this; }
    public Builder warmStartLearningRate(double v) { warmStartLearningRate = v; return this; }
    public Builder statsEnabled(boolean v) { statsEnabled = v; return this; }
    public Builder entropyChangeSample(double v) { entropyChangeSample = v; return this; }
    public Builder checkpointDir(Path v) { checkpointDir = v; return this; }
    public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
    public Builder modelDim(int v) { modelDim = v; return this; }
    public Builder heads(int v) { heads = v; return this; }
    public Builder layers(int v) { layers = v; return this; }
    public Builder ffnMultiplier(int v) { ffnMultiplier = v; return this; }
    public Builder loss(LossConfig v) { loss = v; return this; }

    /** @throws IllegalArgumentException naming the key and value of the first invalid setting */
    public TrainerConfig build() {
      ModelConfig model = new ModelConfig(Vocabulary.SIZE, Vocabulary.CONTEXT_LENGTH, modelDim, heads, layers, ffnMultiplier);
      return new TrainerConfig(runId, seed, steps, promptsPerStep, groupSize, ranks, covScope, miniBatches, ppoEpochs,
          learningRate, lrSchedule, lrWarmupSteps, lrFloor, weightDecay, maxGradNorm, evalEvery, evalSize, passK, warmStartSteps, warmStartBatch, warmStartNoise,
          warmStartLearningRate, statsEnabled, entropyChangeSample, checkpointDir, checkpointEvery, model, loss);
    }
  }
}
