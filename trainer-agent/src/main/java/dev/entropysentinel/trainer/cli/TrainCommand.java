package dev.entropysentinel.trainer.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.trainer.StepListener;
import dev.entropysentinel.trainer.Training;
import dev.entropysentinel.trainer.control.ControlGate;
import dev.entropysentinel.trainer.control.ControlListener;
import dev.entropysentinel.trainer.control.ControlSource;
import dev.entropysentinel.trainer.control.KafkaControlSource;
import dev.entropysentinel.trainer.emit.EmitterConfig;
import dev.entropysentinel.trainer.emit.KafkaEmitter;
import dev.entropysentinel.trainer.internal.Hosts;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.loss.CovScope;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import dev.entropysentinel.trainer.loss.SteerMode;
import dev.entropysentinel.trainer.model.Engines;
import dev.entropysentinel.trainer.stats.ConsoleProgress;
import dev.entropysentinel.trainer.stats.JsonLinesSink;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel train}: the built-in covariance-controlled RL trainer. Usage errors (bad flag
 * values, invalid settings) exit 2 and name the flag.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = "Trains a small transformer with RL on verifiable tasks (addition, sorting) and reports per-step "
        + "token statistics. Ratios are fractions of valid tokens (0.002 = 0.2%%).")
public final class TrainCommand implements Callable<Integer> {
  /**
   * Config keys to the flags that set them, so validation errors name the flag; the loss
   * parameters' flags come from the schemas vocabulary ({@link ControlParameters.Parameter#flag()}).
   */
  private static final Map<String, String> FLAGS = Map.ofEntries(
      Map.entry("trainer.runId", "--run-id"), Map.entry("trainer.steps", "--steps"),
      Map.entry("trainer.promptsPerStep", "--prompts"), Map.entry("trainer.groupSize", "--group-size"),
      Map.entry("trainer.ranks", "--ranks"), Map.entry("trainer.miniBatches", "--mini-batches"),
      Map.entry("trainer.ppoEpochs", "--ppo-epochs"), Map.entry("trainer.learningRate", "--lr"),
      Map.entry("trainer.lrSchedule", "--lr-schedule"), Map.entry("trainer.lrWarmupSteps", "--lr-warmup"),
      Map.entry("trainer.lrFloor", "--lr-floor"),
      Map.entry("trainer.weightDecay", "--weight-decay"), Map.entry("trainer.maxGradNorm", "--max-grad-norm"),
      Map.entry("trainer.evalEvery", "--eval-every"), Map.entry("trainer.evalSize", "--eval-size"),
      Map.entry("trainer.passK", "--pass-k"), Map.entry("trainer.warmStartSteps", "--warm-start-steps"),
      Map.entry("trainer.warmStartBatch", "--warm-start-batch"), Map.entry("trainer.warmStartNoise", "--warm-start-noise"),
      Map.entry("trainer.warmStartLearningRate", "--warm-start-lr"), Map.entry("trainer.checkpointEvery", "--checkpoint-every"),
      Map.entry("trainer.entropyChangeSample", "--dh-sample"),
      Map.entry("model.modelDim", "--model-dim"), Map.entry("model.heads", "--heads"), Map.entry("model.layers", "--layers"),
      Map.entry("model.ffnMultiplier", "--ffn-multiplier"));

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--method", defaultValue = "grpo", converter = MethodConverter.class,
      description = "grpo, clip-higher, clip-cov, kl-cov, steer, entropy-bonus, ref-kl, adaptive-entropy, forking-tokens (default: ${DEFAULT-VALUE})")
  Method method;

  @Option(names = "--steps", description = "RL steps (default 150)") Integer steps;
  @Option(names = "--seed", description = "seed of weights, task split, sampling (default 7)") Long seed;
  @Option(names = "--run-id", description = "run id on every record (default train-<method>-<seed>)") String runId;
  @Option(names = "--prompts", description = "prompts per rank per step (default 16)") Integer prompts;
  @Option(names = "--group-size", description = "samples per prompt G (default 8)") Integer groupSize;
  @Option(names = "--ranks", description = "data-parallel replicas in this process (default 1)") Integer ranks;
  @Option(names = "--cov-scope", description = "local|global: token selections per rank or over all ranks (default local)") CovScope covScope;
  @Option(names = "--mini-batches", description = "PPO mini-batches per epoch (default 2)") Integer miniBatches;
  @Option(names = "--ppo-epochs", description = "passes over each rollout (default 2)") Integer ppoEpochs;
  @Option(names = "--lr", description = "peak AdamW learning rate of the RL steps (default 3e-4)") Double lr;
  @Option(names = "--lr-schedule", description = "cosine|linear|constant: decay after the warmup to --lr-floor at the last step (default cosine)")
  dev.entropysentinel.trainer.LearningRateSchedule.Shape lrSchedule;
  @Option(names = "--lr-warmup", description = "steps of linear learning-rate warmup (default 5)") Integer lrWarmup;
  @Option(names = "--lr-floor", description = "last step's learning rate as a fraction of --lr (default 0.1)") Double lrFloor;
  @Option(names = "--weight-decay", description = "AdamW weight decay (default 0.01)") Double weightDecay;
  @Option(names = "--max-grad-norm", description = "gradient clipping norm (default 1.0)") Double maxGradNorm;
  @Option(names = "--eval-every", description = "validate every N steps (default 10)") Integer evalEvery;
  @Option(names = "--eval-size", description = "validation problems (default 256)") Integer evalSize;
  @Option(names = "--pass-k", description = "samples per validation problem (default 4)") Integer passK;
  @Option(names = "--warm-start-steps", description = "supervised warm-start steps (default 1500; 0 skips)") Integer warmStartSteps;
  @Option(names = "--warm-start-batch", description = "demonstrations per warm-start step (default 128)") Integer warmStartBatch;
  @Option(names = "--warm-start-noise", description = "chance a demonstration character is wrong (default 0.3)") Double warmStartNoise;
  @Option(names = "--warm-start-lr", description = "warm-start learning rate (default 1e-3)") Double warmStartLr;
  @Option(names = "--model-dim", description = "transformer width (default 64)") Integer modelDim;
  @Option(names = "--heads", description = "attention heads (default 4)") Integer heads;
  @Option(names = "--layers", description = "decoder blocks (default 2)") Integer layers;
  @Option(names = "--ffn-multiplier", description = "MLP width / model width (default 4)") Integer ffnMultiplier;
  @Option(names = "--no-stats", negatable = true, defaultValue = "true", description = "skip covariance and entropy-change statistics")
  boolean stats;
  @Option(names = "--dh-sample", description = {"fraction of each step's sampled responses (at least one) on which the predicted "
      + "(Lemma 1) and measured entropy change are both computed, a fresh random subsample each step (default 0.0625, i.e. 8 of 128; 1 = all)"})
  Double dhSample;

  @Option(names = "--preset", defaultValue = "paper", converter = PresetConverter.class,
      description = {"paper|tiny: parameters of the covariance-controlled methods. paper = science.md defaults; "
          + "tiny = scaled to this trainer's ~150-token mini-batches (mini-batches 4 for every method; kl-cov-ratio 0.05, kl-coef 2; "
          + "clip-cov-ratio 0.05, clip-cov-lb 0.5; steer-w-min 0.5). "
          + "Explicit flags override it (default ${DEFAULT-VALUE})"})
  dev.entropysentinel.trainer.loss.LossPreset preset;
  @Option(names = "--eps-low", description = "PPO clip below (default 0.2; clip-cov 1)") Double epsLow;
  @Option(names = "--eps-high", description = "PPO clip above (default 0.2; clip-higher 0.28; clip-cov 1)") Double epsHigh;
  @Option(names = "--clip-cov-ratio", description = "Clip-Cov: fraction of valid tokens detached (default 2e-4)") Double clipCovRatio;
  @Option(names = "--clip-cov-lb", description = "Clip-Cov: covariance lower bound (default 1)") Double clipCovLb;
  @Option(names = "--clip-cov-ub", description = "Clip-Cov: covariance upper bound (default 5)") Double clipCovUb;
  @Option(names = "--kl-cov-ratio", description = "KL-Cov: fraction (not percent) of valid tokens penalised (default 2e-3)") Double klCovRatio;
  @Option(names = "--kl-coef", description = "KL-Cov: penalty coefficient (default 1)") Double klCoef;
  @Option(names = "--steer-mode", description = "STEER: linear|exponential (default exponential)") SteerMode steerMode;
  @Option(names = "--steer-w-min", description = "STEER: smallest weight (default 0.8)") Double steerWMin;
  @Option(names = "--steer-w-max", description = "STEER: largest weight (linear default 1.2; exponential 1)") Double steerWMax;
  @Option(names = "--entropy-coef", description = "entropy bonus alpha (default 0.005); adaptive-entropy: initial alpha (0)") Double entropyCoef;
  @Option(names = "--ref-kl-coef", description = "reference-KL beta (default 0.001)") Double refKlCoef;
  @Option(names = "--target-entropy", description = "adaptive-entropy target (default 0.2)") Double targetEntropy;
  @Option(names = "--entropy-coef-delta", description = "adaptive-entropy step of alpha (default 1e-4)") Double entropyCoefDelta;
  @Option(names = "--entropy-coef-max", description = "adaptive-entropy largest alpha (default 0.01)") Double entropyCoefMax;
  @Option(names = "--forking-rho", description = "forking tokens: fraction of highest-entropy tokens trained (default 0.2)") Double forkingRho;

  @Option(names = "--threads", defaultValue = "2", description = "PyTorch intra-op threads (default ${DEFAULT-VALUE})") int threads;
  @Option(names = "--device", defaultValue = "cpu", description = "cpu|gpu; gpu needs DJL's CUDA build of PyTorch (default ${DEFAULT-VALUE})")
  String device;
  @Option(names = "--out", description = "write step-stats and eval records as JSON lines to FILE") Path out;
  @Option(names = "--checkpoint-dir", description = "save checkpoints here") Path checkpointDir;
  @Option(names = "--checkpoint-every", description = "save every N steps (default 0: at the end only)") Integer checkpointEvery;
  @Option(names = "--resume", description = "continue from the checkpoint in DIR (same model sizes)") Path resume;

  @Option(names = "--bootstrap", description = "Kafka bootstrap servers HOST:PORT: send run, step-stats and eval records "
      + "there (through an on-disk spool, so an unreachable broker never stops training) and obey signed control commands "
      + "for this run. With it, --checkpoint-dir defaults to FILE.checkpoint next to --out (STOP saves a checkpoint)")
  String bootstrap;
  @Option(names = "--secret-file", description = "file holding the control signing key (at least 16 bytes); without it the "
      + "key comes from the environment variable " + CommandSigner.KEY_ENV + ", and without either control commands are not "
      + "read (records are still sent)")
  Path secretFile;
  @Option(names = "--spool-dir", description = "directory of the record spool; a restart with the same directory sends what "
      + "the broker had not acknowledged (default: FILE.spool next to --out, else RUN-ID.spool)")
  Path spoolDir;
  @Option(names = "--spool-max-bytes", defaultValue = "268435456", description = "bound on the spool's size on disk; when "
      + "full, records are not spooled and this is reported (default ${DEFAULT-VALUE} = 256 MiB)")
  long spoolMaxBytes;
  @Option(names = "--control-freshness", defaultValue = "120", description = "seconds a control command stays valid after it "
      + "was issued; older ones are refused as stale (default ${DEFAULT-VALUE})")
  long controlFreshness;

  @Override
  public Integer call() throws Exception {
    TrainerConfig config = config();
    if (!device.equals("cpu") && !device.equals("gpu")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--device must be cpu or gpu, was " + device);
    }
    Live live = live(config);
    Engine engine = Engines.pytorch(threads);
    Device target;
    try {
      target = Engines.device(engine, device.equals("gpu"));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    StatsSink progress = new ConsoleProgress(System.err, System.console() != null, Duration.ofSeconds(10), Clock.systemUTC(),
        config.steps());
    List<StatsSink> sinks = new ArrayList<>();
    if (out != null) {
      sinks.add(new JsonLinesSink(out));
    }
    sinks.add(progress);
    var err = spec.commandLine().getErr();
    try (KafkaEmitter emitter = live == null ? null : KafkaEmitter.start(live.emitter());
        ControlSource control = live == null || live.signer() == null ? null
            : KafkaControlSource.start(live.emitter().bootstrap(), config.runId(), live.freshness().multipliedBy(2), Clock.systemUTC())) {
      if (emitter != null) {
        sinks.add(emitter);
      }
      try (StatsSink sink = StatsSink.tee(sinks.toArray(StatsSink[]::new))) {
        err.printf("train: run %s, method %s, %d steps, %d rank(s)%s%n", config.runId(), config.loss().method().wireName(),
            config.steps(), config.ranks(), live == null ? "" : ", records to " + live.emitter().bootstrap() + " via spool "
                + live.emitter().spoolDir() + (control == null ? " (no control key: commands are not read)" : ", obeying signed commands"));
        List<StepListener> listeners = new ArrayList<>();
        if (control != null) {
          listeners.add(new ControlListener(new ControlGate(config.runId(), live.signer(), live.freshness()), control, sink, Hosts.name(),
              line -> err.println("train: " + line)));
        }
        listeners.add(new Training.SinkListener(sink));
        listeners.add(new Training.CheckpointListener());
        StepListener.RunEnd end = Training.run(config, target, Clock.systemUTC(), resume, listeners);
        if (end.stopped()) {
          err.printf("train: stopped at step %d by %s; checkpoint in %s%n", end.lastStep(), end.stopReason(), config.checkpointDir());
        }
      }
    }
    return 0;
  }

  /** What --bootstrap needs, validated before the engine loads; null without --bootstrap. */
  private record Live(EmitterConfig emitter, CommandSigner signer, Duration freshness) {}

  private Live live(TrainerConfig config) {
    if (bootstrap == null) {
      return null;
    }
    if (!bootstrap.matches("[^\\s:,]+:\\d+(,[^\\s:,]+:\\d+)*")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--bootstrap must be HOST:PORT[,HOST:PORT...], was " + bootstrap);
    }
    if (controlFreshness < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--control-freshness must be >= 1 second, was " + controlFreshness);
    }
    EmitterConfig emitter;
    try {
      emitter = EmitterConfig.ofDefaults(bootstrap, spoolDir != null ? spoolDir : beside(config, ".spool")).withSpoolMaxBytes(spoolMaxBytes);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--spool-max-bytes: " + e.getMessage(), e);
    }
    CommandSigner signer = null;
    if (secretFile != null || System.getenv(CommandSigner.KEY_ENV) != null) {
      try {
        signer = CommandSigner.fromFileOrEnv(secretFile, System.getenv());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--secret-file: " + e.getMessage(), e);
      }
    }
    return new Live(emitter, signer, Duration.ofSeconds(controlFreshness));
  }

  /** {@code --out FILE}'s sibling FILE{@code suffix}, else RUN-ID{@code suffix} in the working directory. */
  private Path beside(TrainerConfig config, String suffix) {
    return out != null ? out.resolveSibling(out.getFileName() + suffix) : Path.of(config.runId() + suffix);
  }

  /** The validated configuration; invalid values become usage errors naming the flag. */
  TrainerConfig config() {
    try {
      LossConfig.Builder loss = preset.apply(LossConfig.builder(method));
      set(epsLow, loss::epsLow);
      set(epsHigh, loss::epsHigh);
      set(clipCovRatio, loss::clipCovRatio);
      set(clipCovLb, loss::clipCovLb);
      set(clipCovUb, loss::clipCovUb);
      set(klCovRatio, loss::klCovRatio);
      set(klCoef, loss::klCoef);
      set(steerMode, loss::steerMode);
      set(steerWMin, loss::steerWMin);
      set(steerWMax, loss::steerWMax);
      set(entropyCoef, loss::entropyCoef);
      set(refKlCoef, loss::refKlCoef);
      set(targetEntropy, loss::targetEntropy);
      set(entropyCoefDelta, loss::entropyCoefDelta);
      set(entropyCoefMax, loss::entropyCoefMax);
      set(forkingRho, loss::forkingRho);
      TrainerConfig.Builder b = TrainerConfig.builder().loss(loss.build()).statsEnabled(stats);
      preset.miniBatches().ifPresent(b::miniBatches);
      set(seed, b::seed);
      set(dhSample, b::entropyChangeSample);
      String run = runId != null ? runId : "train-" + method.wireName() + "-" + (seed == null ? TrainerConfig.builder().build().seed() : seed);
      b.runId(run);
      set(steps, b::steps);
      set(prompts, b::promptsPerStep);
      set(groupSize, b::groupSize);
      set(ranks, b::ranks);
      set(covScope, b::covScope);
      set(miniBatches, b::miniBatches);
      set(ppoEpochs, b::ppoEpochs);
      set(lr, b::learningRate);
      set(lrSchedule, b::lrSchedule);
      set(lrWarmup, b::lrWarmupSteps);
      set(lrFloor, b::lrFloor);
      set(weightDecay, b::weightDecay);
      set(maxGradNorm, b::maxGradNorm);
      set(evalEvery, b::evalEvery);
      set(evalSize, b::evalSize);
      set(passK, b::passK);
      set(warmStartSteps, b::warmStartSteps);
      set(warmStartBatch, b::warmStartBatch);
      set(warmStartNoise, b::warmStartNoise);
      set(warmStartLr, b::warmStartLearningRate);
      set(modelDim, b::modelDim);
      set(heads, b::heads);
      set(layers, b::layers);
      set(ffnMultiplier, b::ffnMultiplier);
      set(checkpointDir, b::checkpointDir);
      if (bootstrap != null && checkpointDir == null) {
        b.checkpointDir(out != null ? out.resolveSibling(out.getFileName() + ".checkpoint")
            : Path.of(run + ".checkpoint"));
      }
      set(checkpointEvery, b::checkpointEvery);
      return b.build();
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().split(" ", 2)[0];
      String flag = FLAGS.getOrDefault(key, lossFlag(key));
      throw new CommandLine.ParameterException(spec.commandLine(), flag + ": " + e.getMessage(), e);
    }
  }

  private static String lossFlag(String key) {
    String prefix = "trainer.loss.";
    return key.startsWith(prefix)
        ? ControlParameters.Parameter.fromKey(key.substring(prefix.length())).map(ControlParameters.Parameter::flag).orElse("--method")
        : "--method";
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  static final class PresetConverter implements CommandLine.ITypeConverter<dev.entropysentinel.trainer.loss.LossPreset> {
    @Override
    public dev.entropysentinel.trainer.loss.LossPreset convert(String value) {
      try {
        return dev.entropysentinel.trainer.loss.LossPreset.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Parses method names with hyphens ({@code clip-cov}), which enum names cannot hold. */
  static final class MethodConverter implements CommandLine.ITypeConverter<Method> {
    @Override
    public Method convert(String value) {
      try {
        return Method.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
