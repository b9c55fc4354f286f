package dev.entropysentinel.trainer.rl;

import static dev.entropysentinel.trainer.task.Vocabulary.CONTEXT_LENGTH;
import static dev.entropysentinel.trainer.task.Vocabulary.MAX_RESPONSE_LENGTH;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.internal.Hosts;
import dev.entropysentinel.trainer.internal.Scalars;
import dev.entropysentinel.trainer.loss.CovScope;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.LossPlanner;
import dev.entropysentinel.trainer.loss.Method;
import dev.entropysentinel.trainer.loss.SurrogateLoss;
import dev.entropysentinel.trainer.loss.TokenBatch;
import dev.entropysentinel.trainer.loss.TokenPlan;
import dev.entropysentinel.trainer.model.Policy;
import dev.entropysentinel.trainer.task.Problem;
import dev.entropysentinel.trainer.task.TaskSuite;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;

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
  static final String OPTIMIZER_FILE = "optimizer.bin";
  static final String RANDOM_FILE = "random-streams.bin";
  static final String ENTROPY_CHANGE_FILE = "entropy-change.bin";
  /** Ref-KL's frozen reference, so a resumed run keeps the reference it started from. */
  static final String REFERENCE_FILE = "reference.params";
  private static final String ADAPTIVE_ALPHA = "adaptiveAlpha";

  private final TrainerConfig config;
  private final Clock clock;
  private final NDManager root;
  private final Policy policy;
  private final TaskSuite suite;
  private final PolicyOptimizer optimizer;
  private final RandomStreams randoms;
  private final StepStatistics statistics;
  private final StepRecords records;
  private final Map<String, String> resumedState;
  private Policy reference;
  private LossConfig loss;
  private LossPlanner planner;
  private AdaptiveEntropy adaptiveEntropy;
  private long nextStep;

  private TrainingSession(TrainerConfig config, Clock clock, Device device, Policy policy, Policy reference, long nextStep,
      Map<String, String> resumedState, RandomStreams randoms) {
    this.config = config;
    this.clock = clock;
    this.policy = policy;
    this.reference = reference;
    this.nextStep = nextStep;
    this.resumedState = Map.copyOf(resumedState);
    this.randoms = randoms;
    this.root = NDManager.newBaseManager(device);
    this.suite = TaskSuite.standard(config.seed(), config.evalSize(), randoms.training());
    Random warm = new Random(config.seed() + 1);
    if (nextStep == 0 && config.warmStartSteps() > 0) {
      WarmStart.run(root, policy, suite, config, warm);
    }
    this.optimizer = new PolicyOptimizer(policy, config.learningRate(), config.weightDecay(), config.maxGradNorm());
    useLoss(config.loss());
    restoreAdaptiveAlpha();
    this.statistics = StepStatistics.of(config, randoms.statistics());
    this.records = new StepRecords(config, Hosts.name(), clock);
  }

  private void useLoss(LossConfig next) {
    if (next.method() == Method.REF_KL && reference == null) {
      reference = policy.copy();
    }
    loss = next;
    planner = new LossPlanner(next, randoms.planner());
    adaptiveEntropy = new AdaptiveEntropy(next);
  }

  /**
   * A fresh run: a policy initialised from the seed, then the warm start. {@code device} must
   * belong to the already loaded engine.
   */
  public static TrainingSession start(TrainerConfig config, Clock clock, Device device) {
    return new TrainingSession(config, clock, device, Policy.create(config.model(), device, config.seed()), null, 0, Map.of(),
        RandomStreams.fresh(config.seed(), config.ranks()));
  }

  /**
   * Continues a run exactly from the checkpoint in {@code dir}: weights, AdamW moments and update
   * count, every random stream, the adaptive-entropy α and ref-KL's reference, so the following
   * steps are those the uninterrupted run would have taken.
   *
   * @throws IOException when the checkpoint is missing, incomplete or does not fit {@code config}
   */
  public static TrainingSession resume(TrainerConfig config, Clock clock, Device device, Path dir) throws IOException {
    Path state = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(state)) {
      throw new IOException("no checkpoint in " + dir + " (missing " + STATE_FILE + ")");
    }
    Properties p = new Properties();
    try (var in = Files.newInputStream(state)) {
      p.load(in);
    }
    long step = Long.parseLong(p.getProperty("step"));
    Map<String, String> saved = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> saved.put(k, p.getProperty(k)));
    RandomStreams randoms = RandomStreams.decode(Files.readAllBytes(required(dir, RANDOM_FILE)), config.ranks());
    Path referenceFile = config.loss().method() == Method.REF_KL ? required(dir, REFERENCE_FILE) : dir.resolve(REFERENCE_FILE);
    Policy policy = Policy.load(config.model(), device, dir);
    Policy reference = null;
    TrainingSession session;
    try {
      if (Files.isRegularFile(referenceFile)) {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(referenceFile)))) {
          reference = Policy.readParameters(config.model(), device, in);
        }
      }
      session = new TrainingSession(config, clock, device, policy, reference, step + 1, saved, randoms);
    } catch (IOException | RuntimeException e) {
      if (reference != null) {
        reference.close();
      }
      policy.close();
      throw e;
    }
    try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(required(dir, OPTIMIZER_FILE))))) {
      session.optimizer.adamW().load(in);
      Path pending = dir.resolve(ENTROPY_CHANGE_FILE);
      if (config.statsEnabled() && Files.isRegularFile(pending)) {  // without it the first resumed step reports no ΔH
        try (var stats = new DataInputStream(new BufferedInputStream(Files.newInputStream(pending)))) {
          session.statistics.load(stats);
        }
      }
    } catch (IOException e) {
      session.close();
      throw new IOException("cannot resume from " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  private static Path required(Path dir, String file) throws IOException {
    Path path = dir.resolve(file);
    if (!Files.isRegularFile(path)) {
      throw new IOException("checkpoint in " + dir + " has no " + file + " (saved by an older trainer?); an exact resume needs it");
    }
    return path;
  }

  public Policy policy() {
    return policy;
  }

  /**
   * Wall time spent so far on work done only when statistics are on (keeping the ΔH subsample,
   * the entropy sums of the previous step's subsample, the covariance summary), for {@code sentinel
   * bench trainer}: a noise-free complement to timing whole steps side by side. The subsample's rows
   * in the next rollout's forward pass are part of that pass and not counted here.
   */
  public long statisticsNanos() {
    return statistics.nanos();
  }

  /** The method and parameters the next step uses. */
  public LossConfig loss() {
    return loss;
  }

  /**
   * Switches method and parameters from the next step on (a control command's INTERVENE). A
   * switch to reference KL takes the current policy as the reference.
   */
  public void switchLoss(LossConfig next) {
    useLoss(next);
  }

  /**
   * Resumes with the method a control command had set before the checkpoint: like {@link
   * #switchLoss}, but the adaptive-entropy α goes on from its saved value instead of starting over.
   */
  public void resumeLoss(LossConfig next) {
    useLoss(next);
    restoreAdaptiveAlpha();
  }

  private void restoreAdaptiveAlpha() {
    if (resumedState.containsKey(ADAPTIVE_ALPHA)) {
      adaptiveEntropy = new AdaptiveEntropy(loss, Double.parseDouble(resumedState.get(ADAPTIVE_ALPHA)));
    }
  }

  /** The entries of the checkpoint this session resumed from ({@code step}, {@code runId}, extras), or empty. */
  public Map<String, String> resumedState() {
    return resumedState;
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

  /** Saves the policy, the optimizer and random state and the step count to {@link TrainerConfig#checkpointDir()}. */
  public void checkpoint() throws IOException {
    checkpoint(Map.of());
  }

  /**
   * Saves the policy, the step count and {@code extra} entries (e.g. the last applied control
   * sequence number) to {@link TrainerConfig#checkpointDir()}; {@link #resumedState()} returns them.
   */
  public void checkpoint(Map<String, String> extra) throws IOException {
    Path dir = config.checkpointDir();
    long step = nextStep - 1;
    policy.save(dir, step);
    try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve(OPTIMIZER_FILE))))) {
      optimizer.adamW().save(out);
    }
    Files.write(dir.resolve(RANDOM_FILE), randoms.encode());
    Path referenceFile = dir.resolve(REFERENCE_FILE);
    if (reference != null) {
      try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(referenceFile)))) {
        reference.writeParameters(out);
      }
    } else {
      Files.deleteIfExists(referenceFile);
    }
    Path pending = dir.resolve(ENTROPY_CHANGE_FILE);
    if (config.statsEnabled()) {
      try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(pending)))) {
        statistics.save(out);
      }
    } else {
      Files.deleteIfExists(pending);
    }
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty("runId", config.runId());
    p.setProperty("step", Long.toString(step));
    p.setProperty(ADAPTIVE_ALPHA, Double.toString(adaptiveEntropy.alpha()));
    try (var out = Files.newOutputStream(dir.resolve(STATE_FILE))) {
      p.store(out, "trainer checkpoint");
    }
  }

  /** One RL step for every rank; returns each rank's statistics. */
  public List<StepStats> step() {
    long started = System.nanoTime();
    long step = nextStep++;
    int ranks = config.ranks();
    try (NDManager manager = root.newSubManager()) {
      List<RankRollout> rollouts = new ArrayList<>(ranks);
      for (int r = 0; r < ranks; r++) {
        rollouts.add(rollout(manager, r, suite.nextTraining(config.promptsPerStep()), randoms.ranks().get(r)));
      }
      double learningRate = config.learningRateSchedule().at(step);
      optimizer.learningRate(learningRate);
      double entropyMean = entropyMean(rollouts);
      double entropyCoef = switch (loss.method()) {
        case ENTROPY_BONUS -> loss.entropyCoef();
        case ADAPTIVE_ENTROPY -> adaptiveEntropy.coefficient(entropyMean);
        default -> 0;
      };
      List<UpdateCounts> counts = new ArrayList<>(ranks);
      for (int r = 0; r < ranks; r++) {
        counts.add(new UpdateCounts());
      }
      double gradNormSum = 0;
      int updates = 0;
      long skippedBefore = optimizer.skipped();
      int perBatch = config.sequencesPerRank() / config.miniBatches();
      for (int epoch = 0; epoch < config.ppoEpochs(); epoch++) {
        List<int[]> orders = new ArrayList<>(ranks);
        for (int r = 0; r < ranks; r++) {
          orders.add(Sequences.shuffled(config.sequencesPerRank(), randoms.update()));
        }
        boolean lastEpoch = epoch == config.ppoEpochs() - 1;
        for (int mb = 0; mb < config.miniBatches(); mb++) {
          int from = mb * perBatch;
          int to = mb == config.miniBatches() - 1 ? config.sequencesPerRank() : from + perBatch;
          try (NDManager mini = manager.newSubManager()) {
            update(mini, rollouts, orders, from, to, epoch == 0 && mb == 0, entropyCoef, lastEpoch ? counts : null);
            double norm = optimizer.step(mini);
            if (!Double.isNaN(norm)) {
              gradNormSum += norm;
              updates++;
            }
          }
        }
      }
      StepRecords.StepTotals totals = new StepRecords.StepTotals(step, loss, updates == 0 ? 0 : gradNormSum / updates,
          (System.nanoTime() - started) / 1e6, entropyCoef, learningRate, adaptiveEntropy.alpha(),
          optimizer.skipped() - skippedBefore);
      List<StepStats> out = new ArrayList<>(ranks);
      for (int r = 0; r < ranks; r++) {
        RankRollout ro = rollouts.get(r);
        out.add(records.of(totals, r, ro, counts.get(r), ro.entropyChange(), statistics.covariance(ro), statistics));
      }
      return out;
    }
  }

  private RankRollout rollout(NDManager manager, int rank, List<Problem> prompts, Random random) {
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
    // The previous step's ΔH subsample rides along at the end of this forward pass: its logits
    // under the updated policy, with no forward pass of its own (StepStatistics).
    int[] pending = statistics.pendingRows(rank);
    NDArray logits;
    double[] entropyChange = null;
    if (pending == null) {
      logits = Sequences.responseLogits(manager, policy, tokens, rows);
    } else {
      int[] both = Arrays.copyOf(tokens, tokens.length + pending.length);
      System.arraycopy(pending, 0, both, tokens.length, pending.length);
      NDArray all = Sequences.responseLogits(manager, policy, both, Sequences.allRows(b + pending.length / CONTEXT_LENGTH));
      logits = all.get("0:{}", b);
      entropyChange = statistics.measure(rank, all.get("{}:", b));
    }
    NDArray[] scores = Sequences.logpAndEntropy(logits, targets);
    float[] refLogp = reference == null ? null
        : Sequences.logpAndEntropy(Sequences.responseLogits(manager, reference, tokens, rows), targets)[0].toFloatArray();
    boolean[] mask = Sequences.responseMask(tokens, b);
    statistics.capture(rank, logits, tokens, mask);
    return new RankRollout(problems, tokens, mask, rewards, correct, lengths, advantages,
        scores[0].toFloatArray(), scores[1].toFloatArray(), refLogp, entropyChange);
  }

  /**
   * One mini-batch update: forward every rank's rows, plan, backward each rank's loss / ranks. The
   * step's first update runs on the rollout's weights, so its old log-probabilities are the
   * forward's own values ({@code onPolicy}): the rollout pass batches all rows and differs from a
   * mini-batch pass in the last float bits, which would give KL-Cov's |logp - old_logp| a
   * c·sign(noise) gradient where science.md requires exactly 0.
   */
  private void update(NDManager manager, List<RankRollout> rollouts, List<int[]> orders, int from, int to,
      boolean onPolicy, double entropyCoef, List<UpdateCounts> counts) {
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
        float[] logp = s[0].toFloatArray();
        batches.add(new TokenBatch(logp, onPolicy ? logp : Sequences.gatherRows(ro.oldLogp(), rows),
            Sequences.gatherRows(ro.advantages(), rows), Sequences.gatherRows(ro.mask(), rows),
            Sequences.gatherRows(ro.oldEntropy(), rows)));
      }
      List<TokenPlan> plans = plans(batches);
      for (int r = 0; r < ranks; r++) {
        float[] ref = rollouts.get(r).refLogp() == null ? null : Sequences.gatherRows(rollouts.get(r).refLogp(), rowsByRank.get(r));
        NDArray surrogate = SurrogateLoss.loss(scores.get(r)[0], scores.get(r)[1], batches.get(r), plans.get(r), ref,
            loss, entropyCoef);
        collector.backward(ranks == 1 ? surrogate : surrogate.div(Scalars.of(manager, ranks)));
        if (counts != null) {
          counts.get(r).add(batches.get(r), plans.get(r), loss.method() == Method.FORKING_TOKENS);
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

  @Override
  public void close() {
    optimizer.close();
    root.close();
    if (reference != null) {
      reference.close();
    }
    policy.close();
  }
}
