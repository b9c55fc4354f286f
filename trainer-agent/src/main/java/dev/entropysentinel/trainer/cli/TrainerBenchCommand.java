package dev.entropysentinel.trainer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.entropysentinel.schemas.BenchFigure;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.model.Engines;
import dev.entropysentinel.trainer.model.ModelConfig;
import dev.entropysentinel.trainer.model.Policy;
import dev.entropysentinel.trainer.rl.SupervisedStep;
import dev.entropysentinel.trainer.rl.TrainingSession;
import dev.entropysentinel.trainer.stats.CovarianceSummary;
import dev.entropysentinel.trainer.stats.EntropyDynamics;
import dev.entropysentinel.trainer.task.Vocabulary;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel bench trainer}: the cost of the step statistics (RL step time with statistics on
 * vs off, goal ≤ 1.02) and, when Debian's python3-torch is installed, DJL vs PyTorch eager on the
 * same model and batch (goal ≤ 1.2). Always ratios measured side by side in one run.
 */
@Command(name = "trainer", mixinStandardHelpOptions = true,
    description = "RL step time with statistics on vs off; DJL vs PyTorch eager on the same model and batch.")
public final class TrainerBenchCommand implements Callable<Integer> {
  static final String PYTHON = "/usr/bin/python3";

  private static final int WARM_STEPS = 15;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--steps", defaultValue = "240", description = "measured steps per side (default ${DEFAULT-VALUE}: with two compute threads on "
      + "two cores single steps swing by tens of ms; 60 steps let the ratio swing 1.02-1.13)") int steps;
  @Option(names = "--rounds", defaultValue = "6", description = "rounds the steps are split into, each ratio printed to show "
      + "the spread (default ${DEFAULT-VALUE})") int rounds;
  @Option(names = "--threads", defaultValue = "2", description = "threads on both sides (default ${DEFAULT-VALUE})") int threads;
  @Option(names = "--dh-sample", defaultValue = "0.0625", description = "fraction of responses for the entropy change, as in train (default ${DEFAULT-VALUE})")
  double dhSample;
  @Option(names = "--batch", defaultValue = "128", description = "sequences per supervised step in the PyTorch comparison (default ${DEFAULT-VALUE})")
  int batch;

  @Override
  public Integer call() throws Exception {
    if (steps < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be >= 1, was " + steps);
    }
    if (rounds < 1 || rounds > steps) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be between 1 and --steps (" + steps + "), was " + rounds);
    }
    Engines.pytorch(threads);
    var out = spec.commandLine().getOut();
    List<BenchFigure> figures = new ArrayList<>();
    TrainerConfig.Builder base = TrainerConfig.builder().warmStartSteps(100).evalSize(16).entropyChangeSample(dhSample);
    warmStatisticsCode();
    try (TrainingSession on = TrainingSession.start(base.statsEnabled(true).build(), Clock.systemUTC(), Device.cpu());
        TrainingSession off = TrainingSession.start(base.statsEnabled(false).build(), Clock.systemUTC(), Device.cpu())) {
      // Unmeasured steps first: the first rounds ran ~5-10% slower on the statistics side (code the
      // JIT had not compiled yet), which a long run pays once, not per step.
      for (int i = 0; i < WARM_STEPS; i++) {
        on.step();
        off.step();
      }
      long statsBefore = on.statisticsNanos();
      double[] onMs = new double[steps];
      double[] offMs = new double[steps];
      double[] roundRatios = new double[rounds];
      int perRound = Math.max(1, steps / rounds);
      for (int i = 0; i < steps; i++) {
        // Steps alternate, and so does which side goes first, so both sides see the same machine.
        if (i % 2 == 0) {
          onMs[i] = timed(on::step);
          offMs[i] = timed(off::step);
        } else {
          offMs[i] = timed(off::step);
          onMs[i] = timed(on::step);
        }
      }
      for (int r = 0; r < rounds; r++) {
        int from = r * perRound;
        int to = r == rounds - 1 ? steps : from + perRound;
        roundRatios[r] = sum(onMs, from, to) / sum(offMs, from, to);
      }
      // What a user pays is the total wall time: the ratio of totals (= of means), not of medians.
      double ratio = sum(onMs, 0, steps) / sum(offMs, 0, steps);
      out.printf(Locale.ROOT, "rl step (default model, 16 prompts x 8 samples, 2x2 PPO updates, %d alternating steps per side): "
          + "total wall time stats on %.0f ms, off %.0f ms, ratio %.3f (goal <= 1.02); per round of %d: %s; "
          + "means %.1f / %.1f ms, medians %.1f / %.1f ms%n", steps, sum(onMs, 0, steps), sum(offMs, 0, steps), ratio, perRound,
          Arrays.stream(roundRatios).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toList(), mean(onMs), mean(offMs),
          median(onMs), median(offMs));
      figures.add(BenchFigure.atMost("trainer stats on/off total wall time ratio", ratio, 1.02));
      double statsMs = (on.statisticsNanos() - statsBefore) / 1e6 / steps;
      out.printf(Locale.ROOT, "  statistics-only work inside the step: %.2f ms per step = %.1f%% of the mean step with stats on%n",
          statsMs, 100 * statsMs / mean(onMs));
    }
    ModelConfig model = TrainerConfig.builder().build().model();
    double djlMs = djlSupervisedMs(model);
    String peer = pytorchMs(model);
    if (peer == null) {
      out.printf(Locale.ROOT, "supervised step (batch %d): DJL %.1f ms; PyTorch eager skipped: %s cannot import torch "
          + "(apt-get install python3-torch libopenblas0-openmp)%n", batch, djlMs, PYTHON);
    } else {
      double torchMs = Double.parseDouble(peer.trim());
      out.printf(Locale.ROOT, "supervised step (batch %d): DJL %.1f ms, PyTorch eager %.1f ms, ratio DJL/PyTorch %.3f (goal <= 1.2)%n",
          batch, djlMs, torchMs, djlMs / torchMs);
      figures.add(BenchFigure.atMost("trainer DJL/PyTorch supervised step ratio", djlMs / torchMs, 1.2));
    }
    figures.forEach(f -> out.println(f.line()));
    return 0;
  }

  /**
   * The statistics run once per step, so in a short benchmark the JVM would still interpret them
   * (a long run compiles them after a few dozen steps): warm them on synthetic data first, as
   * djl.md asks of anything timed.
   */
  private static void warmStatisticsCode() {
    Random random = new Random(0);
    int n = 128 * Vocabulary.MAX_RESPONSE_LENGTH;
    float[] logp = new float[n];
    float[] advantages = new float[n];
    boolean[] mask = new boolean[n];
    for (int i = 0; i < n; i++) {
      logp[i] = (float) -random.nextDouble();
      advantages[i] = (float) random.nextGaussian();
      mask[i] = random.nextBoolean();
    }
    int states = 8 * Vocabulary.MAX_RESPONSE_LENGTH;
    float[] z0 = new float[states * Vocabulary.SIZE];
    float[] z1 = new float[z0.length];
    for (int i = 0; i < z0.length; i++) {
      z0[i] = (float) random.nextGaussian();
      z1[i] = z0[i] + 0.01f * (float) random.nextGaussian();
    }
    boolean[] valid = Arrays.copyOf(mask, states);
    for (int i = 0; i < 2000; i++) {
      CovarianceSummary.of(logp, advantages, mask);
      EntropyDynamics.changeSums(z0, z1, Vocabulary.SIZE, valid);
    }
  }

  private double djlSupervisedMs(ModelConfig model) {
    Random random = new Random(0);
    int[] tokens = new int[batch * Vocabulary.CONTEXT_LENGTH];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = 2 + random.nextInt(Vocabulary.SIZE - 2);
    }
    float[] mask = new float[batch * Vocabulary.MAX_RESPONSE_LENGTH];
    Arrays.fill(mask, 1f);
    try (Policy policy = Policy.create(model, Device.cpu(), 0); NDManager root = NDManager.newBaseManager();
        SupervisedStep step = new SupervisedStep(policy, 1e-3, 0.01, 1.0)) {
      for (int i = 0; i < 5; i++) {
        step.run(root, tokens, mask);
      }
      double[] ms = new double[steps];
      for (int i = 0; i < steps; i++) {
        ms[i] = timed(() -> step.run(root, tokens, mask));
      }
      return mean(ms);
    }
  }

  /** The peer's mean ms per step, or null when python3-torch is missing. */
  private String pytorchMs(ModelConfig model) throws Exception {
    if (!Files.isExecutable(Path.of(PYTHON)) || run(List.of(PYTHON, "-c", "import torch")) == null) {
      return null;
    }
    Path script = Files.createTempFile("pytorch_peer", ".py");
    try (InputStream in = TrainerBenchCommand.class.getResourceAsStream("/dev/entropysentinel/trainer/bench/pytorch_peer.py")) {
      Files.write(script, in.readAllBytes());
      List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
      for (int v : new int[] {model.vocabSize(), model.contextLength(), Vocabulary.PROMPT_LENGTH, model.modelDim(), model.heads(),
          model.layers(), model.ffnMultiplier(), batch, steps, threads}) {
        cmd.add(Integer.toString(v));
      }
      return run(cmd);
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return null;
    }
    return p.exitValue() == 0 ? output : null;
  }

  private static double timed(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return (System.nanoTime() - t) / 1e6;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  static double sum(double[] v, int from, int to) {
    double total = 0;
    for (int i = from; i < to; i++) {
      total += v[i];
    }
    return total;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }
}
