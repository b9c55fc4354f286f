package dev.entropysentinel.trainer.rl;

import static dev.entropysentinel.trainer.task.Vocabulary.MAX_RESPONSE_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.SIZE;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.loss.CovScope;
import dev.entropysentinel.trainer.loss.LossPlanner;
import dev.entropysentinel.trainer.loss.Method;
import dev.entropysentinel.trainer.loss.SurrogateLoss;
import dev.entropysentinel.trainer.loss.TokenBatch;
import dev.entropysentinel.trainer.loss.TokenPlan;
import dev.entropysentinel.trainer.model.Policy;
import dev.entropysentinel.trainer.stats.CovarianceSummary;
import dev.entropysentinel.trainer.stats.EntropyDynamics;
import dev.entropysentinel.trainer.task.Problem;
import dev.entropysentinel.trainer.task.TaskSuite;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A training run held open step by step: the policy, its optimizer, the task split and the random
 * streams. {@link #step()} does one RL step for every rank (rollout, group advantages, PPO
 * mini-batch updates over several epochs with gradients averaged over ranks, statistics) inside
 * its own sub-manager, so nothing grows across steps.
 *
 * <p>Ranks are data-parallel replicas in one process. Synchronous data parallelism keeps every
 * replica's weights identical, so they share one parameter set; each rank samples its own
 * prompts, and the gradient is the mean of the ranks' token-mean losses, as an all-reduce would
 * give.
 */
public final class TrainingSession implements AutoCloseable {
  static final String STATE_FILE = "trainer-state.properties";

  private final TrainerConfig config;
  private final Clock clock;
  private final NDManager root;
  private final Policy policy;
  private final Policy reference;
  private final TaskSuite suite;
  private final PolicyOptimizer optimizer;
  private final LossPlanner planner;
  private final AdaptiveEntropy adaptiveEntropy;
  private final List<Random> rankRandoms = new ArrayList<>();
  private final Random updateRandom;
  private final Random statsRandom;
  private final String host;
  private long nextStep;
  private long statisticsNanos;

  private TrainingSession(TrainerConfig config, Clock clock, Device device, Policy policy, long nextStep) {
    this.config = config;
    this.clock = clock;
    this.policy = policy;
    this.nextStep = nextStep;
    this.root = NDManager.newBaseManager(device);
    this.suite = TaskSuite.standard(config.seed(), config.evalSize());
    Random warm = new Random(config.seed() + 1);
    if (nextStep == 0 && config.warmStartSteps() > 0) {
      WarmStart.run(root, policy, suite, config, warm);
    }
    this.reference = config.loss().method() == Method.REF_KL ? policy.copy() : null;
    this.optimizer = new PolicyOptimizer(policy, config.learningRate(), config.weightDecay(), config.maxGradNorm());
    this.planner = new LossPlanner(config.loss(), new Random(config.seed() + 2));
    this.adaptiveEntropy = new AdaptiveEntropy(config.loss());
    for (int r = 0; r < config.ranks(); r++) {
      rankRandoms.add(new Random(config.seed() * 1_000_003L + 17L * (r + 1) + nextStep));
    }
    this.updateRandom = new Random(config.seed() + 3 + nextStep);
    this.statsRandom = new Random(config.seed() + 4 + nextStep);
    this.host = hostName();
  }

  /**
   * A fresh run: a policy initialised from the seed, then the warm start. {@code device} must
   * belong to the already loaded engine.
   */
  public static TrainingSession start(TrainerConfig config, Clock clock, Device device) {
    return new TrainingSession(config, clock, device, Policy.create(config.model(), device, config.seed()), 0);
  }

  /**
   * Continues a run from the checkpoint in {@code dir} (no warm start; AdamW moments start anew).
   *
   * @throws IOException when the checkpoint is missing or does not fit {@code config.model()}
   */
  public static TrainingSession resume(TrainerConfig config, Clock clock, Device device, Path dir) throws IOException {
    Path state = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(state)) {
      throw new IOException("no checkpoint in " + dir + " (missing " + STATE_FILE + ")");
    }
    java.util.Properties p = new java.util.Properties();
    try (var in = Files.newInputStream(state)) {
      p.load(in);
    }
    long step = Long.parseLong(p.getProperty("step"));
    return new TrainingSession(config, clock, device, Policy.load(config.model(), device, dir), step + 1);
  }

  public Policy policy() {
    return policy;
  }

  /**
   * Wall time spent so far on work done only when statistics are on (the ΔH subsample's logits,
   * the forward pass and sums after the update, the covariance summary), for {@code sentinel bench
   * trainer}: a noise-free complement to timing whole steps side by side.
   */
  public long statisticsNanos() {
    return statisticsNanos;
  }

  /** The step {@link #step()} will run next. */
  public long nextStep() {
    return nextStep;
  }

  /** Validation of the current policy, reported at the last completed step. */
  public EvalResult evaluate() {
    long at = Math.max(0, nextStep - 1);
    return Evaluator.evaluate(root, policy, suite.validation(), config.passK(), config.seed(), config.runId(), at, clock.millis());
  }

  /** Saves the policy and the step count to {@link TrainerConfig#checkpointDir()}. */
  public void checkpoint() throws IOException {
    Path dir = config.checkpointDir();
    long step = nextStep - 1;
    policy.save(dir, step);
    Files.writeString(dir.resolve(STATE_FILE), "runId=" + config.runId() + "\nstep=" + step + "\n");
  }

  /** One RL step for every rank; returns each rank's statistics. */
  public List<StepStats> step() {
    long started = System.nanoTime();
    long step = nextStep++;
    int ranks = config.ranks();
    try (NDManager manager = root.newSubManager()) {
      List<RankRollout> rollouts = new ArrayList<>(ranks);
      for (int r = 0; r < ranks; r++) {
        rollouts.add(rollout(manager, suite.nextTraining(config.promptsPerStep()), rankRandoms.get(r)));
      }
      double learningRate = config.learningRateSchedule().at(step);
      optimizer.learningRate(learningRate);
      double entropyMean = entropyMean(rollouts);
      double entropyCoef = switch (config.loss().method()) {
        case ENTROPY_BONUS -> config.loss().entropyCoef();
        case ADAPTIVE_ENTROPY -> adaptiveEntropy.coefficient(entropyMean);
        default -> 0;
      };
      List<UpdateCounts> counts = new ArrayList<>(ranks);
      for (int r = 0; r < ranks; r++) {
        counts.add(new UpdateCounts());
      }
      double gradNormSum = 0;
      int updates = 0;
      int perBatch = config.sequencesPerRank() / config.miniBatches();
      for (int epoch = 0; epoch < config.ppoEpochs(); epoch++) {
        List<int[]> orders = new ArrayList<>(ranks);
        for (int r = 0; r < ranks; r++) {
          orders.add(shuffled(config.sequencesPerRank(), updateRandom));
        }
        boolean lastEpoch = epoch == config.ppoEpochs() - 1;
        for (int mb = 0; mb < config.miniBatches(); mb++) {
          int from = mb * perBatch;
          int to = mb == config.miniBatches() - 1 ? config.sequencesPerRank() : from + perBatch;
          try (NDManager mini = manager.newSubManager()) {
            update(mini, rollouts, orders, from, to, entropyCoef, lastEpoch ? counts : null);
            gradNormSum += optimizer.step(mini);
            updates++;
          }
        }
      }
      double[][] entropyChange = new double[ranks][];
      if (config.statsEnabled()) {
        long t = System.nanoTime();
        for (int r = 0; r < ranks; r++) {
          entropyChange[r] = entropyChange(manager, rollouts.get(r));
        }
        statisticsNanos += System.nanoTime() - t;
      }
      double stepTimeMs = (System.nanoTime() - started) / 1e6;
      List<StepStats> out = new ArrayList<>(ranks);
      for (int r = 0; r < ranks; r++) {
        out.add(stats(step, r, rollouts.get(r), counts.get(r), gradNormSum / updates, stepTimeMs, entropyChange[r],
            entropyCoef, learningRate));
      }
      return out;
    }
  }

  private RankRollout rollout(NDManager manager, List<Problem> prompts, Random random) {
    List<Problem> problems = new ArrayList<>(prompts.size() * config.groupSize());
    for (Problem p : prompts) {
      for (int g = 0; g < config.groupSize(); g++) {
        problems.add(p);
      }
    }
    int[] tokens = Sequences.generate(manager, policy, problems, random, false);
    int b = problems.size();
    float[] rewards = new float[b];
    boolean[] correct = new boolean[b];
    int[] lengths = new int[b];
    for (int i = 0; i < b; i++) {
      correct[i] = problems.get(i).isCorrect(Sequences.responseText(tokens, i));
      rewards[i] = correct[i] ? 1f : 0f;
      lengths[i] = Sequences.responseLength(tokens, i);
    }
    float[] sequenceAdvantages = GroupAdvantages.compute(rewards, config.groupSize());
    float[] advantages = new float[b * MAX_RESPONSE_LENGTH];
    for (int i = 0; i < b; i++) {
      Arrays.fill(advantages, i * MAX_RESPONSE_LENGTH, (i + 1) * MAX_RESPONSE_LENGTH, sequenceAdvantages[i]);
    }
    int[] rows = Sequences.allRows(b);
    NDArray targets = Sequences.responseTargets(manager, tokens, rows);
    NDArray logits = Sequences.responseLogits(manager, policy, tokens, rows);
    NDArray[] scores = Sequences.logpAndEntropy(logits, targets);
    float[] refLogp = reference == null ? null
        : Sequences.logpAndEntropy(Sequences.responseLogits(manager, reference, tokens, rows), targets)[0].toFloatArray();
    int[] dhRows = null;
    float[] dhLogits = null;
    if (config.statsEnabled()) {
      long t = System.nanoTime();
      dhRows = subsample(b, config.entropyChangeRows(), statsRandom);
      dhLogits = gatherLogits(logits.toFloatArray(), dhRows);
      statisticsNanos += System.nanoTime() - t;
    }
    return new RankRollout(problems, tokens, Sequences.responseMask(tokens, b), rewards, correct, lengths, advantages,
        scores[0].toFloatArray(), scores[1].toFloatArray(), refLogp, dhRows, dhLogits);
  }

  /**
   * Predicted (Lemma 1) and measured entropy-change sums and the number of valid states, over the
   * rollout's subsample {@code dhRows}: logits before are the rollout's, after come from one
   * forward pass of the updated policy on those rows only.
   *
   * @return {predictedSum, measuredSum, states}
   */
  private double[] entropyChange(NDManager manager, RankRollout ro) {
    int[] rows = ro.dhRows();
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
    double[] sums = EntropyDynamics.changeSums(ro.dhLogitsBefore(), after, SIZE, valid);
    long states = 0;
    for (boolean v : valid) {
      states += v ? 1 : 0;
    }
    return new double[] {sums[0], sums[1], states};
  }

  /** {@code k} distinct rows of {@code 0 .. n-1} chosen uniformly at random, in ascending order. */
  static int[] subsample(int n, int k, Random random) {
    if (k >= n) {
      return Sequences.allRows(n);
    }
    int[] order = shuffled(n, random);
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

  /** One mini-batch update: forward every rank's rows, plan, backward each rank's loss / ranks. */
  private void update(NDManager manager, List<RankRollout> rollouts, List<int[]> orders, int from, int to,
      double entropyCoef, List<UpdateCounts> counts) {
    int ranks = rollouts.size();
    List<NDArray[]> scores = new ArrayList<>(ranks);
    List<TokenBatch> batches = new ArrayList<>(ranks);
    List<int[]> rowsByRank = new ArrayList<>(ranks);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      for (int r = 0; r < ranks; r++) {
        RankRollout ro = rollouts.get(r);
        int[] rows = Arrays.copyOfRange(orders.get(r), from, to);
        NDArray[] s = Sequences.logpAndEntropy(Sequences.responseLogits(manager, policy, ro.tokens(), rows),
            Sequences.responseTargets(manager, ro.tokens(), rows));
        scores.add(s);
        rowsByRank.add(rows);
        batches.add(new TokenBatch(s[0].toFloatArray(), Sequences.gatherRows(ro.oldLogp(), rows),
            Sequences.gatherRows(ro.advantages(), rows), Sequences.gatherRows(ro.mask(), rows),
            Sequences.gatherRows(ro.oldEntropy(), rows)));
      }
      List<TokenPlan> plans = plans(batches);
      for (int r = 0; r < ranks; r++) {
        float[] ref = rollouts.get(r).refLogp() == null ? null : Sequences.gatherRows(rollouts.get(r).refLogp(), rowsByRank.get(r));
        NDArray loss = SurrogateLoss.loss(scores.get(r)[0], scores.get(r)[1], batches.get(r), plans.get(r), ref,
            config.loss(), entropyCoef);
        collector.backward(ranks == 1 ? loss : loss.div((float) ranks));
        if (counts != null) {
          counts.get(r).add(batches.get(r), plans.get(r), config.loss().method() == Method.FORKING_TOKENS);
        }
      }
    }
  }

  private List<TokenPlan> plans(List<TokenBatch> batches) {
    if (config.covScope() == CovScope.LOCAL || batches.size() == 1) {
      return batches.stream().map(planner::plan).toList();
    }
    TokenPlan global = planner.plan(TokenBatch.concat(batches));
    List<TokenPlan> out = new ArrayList<>(batches.size());
    int offset = 0;
    for (TokenBatch b : batches) {
      out.add(global.slice(offset, b.size()));
      offset += b.size();
    }
    return out;
  }

  private StepStats stats(long step, int rank, RankRollout ro, UpdateCounts c, double gradNorm, double stepTimeMs,
      double[] entropyChange, double entropyCoef, double learningRate) {
    long tokens = 0;
    double entropySum = 0;
    for (int i = 0; i < ro.mask().length; i++) {
      if (ro.mask()[i]) {
        tokens++;
        entropySum += ro.oldEntropy()[i];
      }
    }
    double rewardSum = 0;
    long correct = 0;
    double lengthSum = 0;
    for (int i = 0; i < ro.rows(); i++) {
      rewardSum += ro.rewards()[i];
      correct += ro.correct()[i] ? 1 : 0;
      lengthSum += ro.lengths()[i];
    }
    boolean steer = config.loss().method() == Method.STEER;
    long t = System.nanoTime();
    Covariance covariance = config.statsEnabled() ? CovarianceSummary.of(ro.oldLogp(), ro.advantages(), ro.mask()) : Covariance.empty();
    statisticsNanos += config.statsEnabled() ? System.nanoTime() - t : 0;
    double states = entropyChange == null ? 0 : entropyChange[2];
    double predicted = states == 0 ? 0 : entropyChange[0] / states;
    double measured = states == 0 ? 0 : entropyChange[1] / states;
    Map<String, Double> params = new LinkedHashMap<>(config.loss().methodParams());
    params.put("globalCovScope", config.covScope() == CovScope.GLOBAL ? 1.0 : 0.0);
    params.put("learningRate", learningRate);
    if (config.statsEnabled()) {
      params.put("entropyChangeSample", config.entropyChangeSample());
    }
    if (config.loss().method() == Method.ADAPTIVE_ENTROPY) {
      params.put("entropyCoefCurrent", adaptiveEntropy.alpha());
      params.put("entropyCoefApplied", entropyCoef);
    }
    return new StepStats(SchemaVersion.CURRENT, config.runId(), host, rank, config.ranks(), step, clock.millis(),
        config.loss().method().wireName(), params, tokens, entropySum, ro.rows(), rewardSum, correct, lengthSum,
        Math.min(c.clipLow, tokens), Math.min(c.clipHigh, tokens), Math.min(c.detached, tokens), Math.min(c.penalised, tokens),
        steer ? c.weightMin() : 1.0, steer ? c.weightSum : tokens, covariance, c.klSum, gradNorm, stepTimeMs, predicted, measured);
  }

  private static double entropyMean(List<RankRollout> rollouts) {
    double sum = 0;
    long n = 0;
    for (RankRollout ro : rollouts) {
      for (int i = 0; i < ro.mask().length; i++) {
        if (ro.mask()[i]) {
          sum += ro.oldEntropy()[i];
          n++;
        }
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  private static int[] shuffled(int n, Random random) {
    int[] order = Sequences.allRows(n);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public void close() {
    root.close();
    if (reference != null) {
      reference.close();
    }
    policy.close();
  }

  /** Token counts of the last PPO epoch, where every valid token is seen exactly once. */
  private static final class UpdateCounts {
    long clipLow;
    long clipHigh;
    long detached;
    long penalised;
    double weightMin = Double.POSITIVE_INFINITY;
    double weightSum;
    double klSum;

    /** {@code zeroWeightIsDetached}: forking tokens' weight-0 tokens get no gradient, like Clip-Cov's detached ones. */
    void add(TokenBatch b, TokenPlan plan, boolean zeroWeightIsDetached) {
      boolean[] mask = b.mask();
      clipLow += TokenPlan.count(plan.clippedLow(), mask);
      clipHigh += TokenPlan.count(plan.clippedHigh(), mask);
      detached += TokenPlan.count(plan.detached(), mask);
      for (int i = 0; i < mask.length; i++) {
        if (mask[i] && zeroWeightIsDetached && plan.weight()[i] == 0f && !plan.detached()[i]) {
          detached++;
        }
        if (mask[i]) {
          penalised += plan.klPenalty()[i] != 0 ? 1 : 0;
          weightMin = Math.min(weightMin, plan.weight()[i]);
          weightSum += plan.weight()[i];
          klSum += (double) b.oldLogp()[i] - b.logp()[i];
        }
      }
    }

    double weightMin() {
      return Double.isFinite(weightMin) ? weightMin : 1.0;
    }
  }
}
