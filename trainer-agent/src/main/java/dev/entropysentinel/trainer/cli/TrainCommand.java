package dev.entropysentinel.trainer.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.entropysentinel.schemas.CommandSigner;
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
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sentinel train}: the built-in covariance-controlled RL trainer. Usage errors (bad flag
 * values, invalid settings) exit 2 and name the flag.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    defaultValueProvider = ConfigDefaults.class,
    description = "Trains a small transformer with RL on verifiable tasks (addition, sorting) and reports per-step "
        + "token statistics. Ratios are fractions of valid tokens (0.002 = 0.2%%).")
public final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--method", defaultValue = "grpo", converter = MethodConverter.class,
      description = "grpo, clip-higher, clip-cov, kl-cov, steer, entropy-bonus, ref-kl, adaptive-entropy, forking-tokens (default: ${DEFAULT-VALUE})")
  Method method;

  // Fields named like the TrainerConfig / ModelConfig / LossConfig components they set: ConfigDefaults shows those
  // records' defaults as ${DEFAULT-VALUE}, config() passes every given option to the builder method of that name,
  // and a validation error's key finds its flag the same way. Nothing here repeats a default.
  @Option(names = "--steps", description = "RL steps (default ${DEFAULT-VALUE})") Integer steps;
  @Option(names = "--seed", description = "seed of weights, task split, sampling (default ${DEFAULT-VALUE})") Long seed;
  @Option(names = "--run-id", description = "run id on every record (default train-<method>-<seed>)") String runId;
  @Option(names = "--prompts", description = "prompts per rank per step (default ${DEFAULT-VALUE})") Integer promptsPerStep;
  @Option(names = "--group-size", description = "samples per prompt G (default ${DEFAULT-VALUE})") Integer groupSize;
  @Option(names = "--ranks", description = "data-parallel replicas in this process (default ${DEFAULT-VALUE})") Integer ranks;
  @Option(names = "--cov-scope", description = "LOCAL|GLOBAL: token selections per rank or over all ranks (default ${DEFAULT-VALUE})")
  CovScope covScope;
  @Option(names = "--mini-batches", description = "PPO mini-batches per epoch; --preset tiny sets 4 (default ${DEFAULT-VALUE})") Integer miniBatches;
  @Option(names = "--ppo-epochs", description = "passes over each rollout (default ${DEFAULT-VALUE})") Integer ppoEpochs;
  @Option(names = "--lr", description = "peak AdamW learning rate of the RL steps (default ${DEFAULT-VALUE})") Double learningRate;
  @Option(names = "--lr-schedule", description = "COSINE|LINEAR|CONSTANT: decay after the warmup to --lr-floor at the last step "
      + "(default ${DEFAULT-VALUE})")
  dev.entropysentinel.trainer.LearningRateSchedule.Shape lrSchedule;
  @Option(names = "--lr-warmup", description = "steps of linear learning-rate warmup (default ${DEFAULT-VALUE})") Integer lrWarmupSteps;
  @Option(names = "--lr-floor", description = "last step's learning rate as a fraction of --lr (default ${DEFAULT-VALUE})") Double lrFloor;
  @Option(names = "--weight-decay", description = "AdamW weight decay (default ${DEFAULT-VALUE})") Double weightDecay;
  @Option(names = "--max-grad-norm", description = "gradient clipping norm (default ${DEFAULT-VALUE})") Double maxGradNorm;
  @Option(names = "--eval-every", description = "validate every N steps (default ${DEFAULT-VALUE})") Integer evalEvery;
  @Option(names = "--eval-size", description = "validation problems (default ${DEFAULT-VALUE})") Integer evalSize;
  @Option(names = "--pass-k", description = "samples per validation problem (default ${DEFAULT-VALUE})") Integer passK;
  @Option(names = "--warm-start-steps", description = "supervised warm-start steps, 0 skips (default ${DEFAULT-VALUE})") Integer warmStartSteps;
  @Option(names = "--warm-start-batch", description = "demonstrations per warm-start step (default ${DEFAULT-VALUE})") Integer warmStartBatch;
  @Option(names = "--warm-start-noise", description = "chance a demonstration character is wrong (default ${DEFAULT-VALUE})")
  Double warmStartNoise;
  @Option(names = "--warm-start-lr", description = "warm-start learning rate (default ${DEFAULT-VALUE})") Double warmStartLearningRate;
  @Option(names = "--model-dim", description = "transformer width (default ${DEFAULT-VALUE})") Integer modelDim;
  @Option(names = "--heads", description = "attention heads (default ${DEFAULT-VALUE})") Integer heads;
  @Option(names = "--layers", description = "decoder blocks (default ${DEFAULT-VALUE})") Integer layers;
  @Option(names = "--ffn-multiplier", description = "MLP width / model width (default ${DEFAULT-VALUE})") Integer ffnMultiplier;
  @Option(names = "--no-stats", negatable = true, defaultValue = "true", description = "skip covariance and entropy-change statistics")
  boolean stats;
  @Option(names = "--dh-sample", description = {"fraction of each step's sampled responses (at least one) on which the predicted "
      + "(Lemma 1) and measured entropy change are both computed, a fresh random subsample each step, 1 = all; measured on the "
      + "next rollout's forward pass, so step k+1's record carries step k's change (default ${DEFAULT-VALUE})"})
  Double entropyChangeSample;

  @Option(names = "--preset", defaultValue = "paper", converter = PresetConverter.class,
      description = {"paper|tiny: parameters of the covariance-controlled methods. paper = science.md defaults; "
          + "tiny = scaled to this trainer's ~150-token mini-batches (mini-batches 4 for every method; kl-cov-ratio 0.1, kl-coef 2; "
          + "clip-cov with eps-low/eps-high 0.2, clip-cov-ratio 0.18, clip-cov-lb 0.2, clip-cov-ub 100; steer-w-min 0.5). "
          + "Explicit flags override it (default ${DEFAULT-VALUE})"})
  dev.entropysentinel.trainer.loss.LossPreset preset;
  // Method parameters: the defaults shown are GRPO's; a method may start elsewhere (clip-higher, clip-cov: PPO clip;
  // entropy-bonus: alpha), and step-stats methodParams report the values in force.
  @Option(names = "--eps-low", description = "PPO clip below; clip-cov has its own default (default ${DEFAULT-VALUE})") Double epsLow;
  @Option(names = "--eps-high", description = "PPO clip above; clip-higher and clip-cov have their own defaults (default ${DEFAULT-VALUE})") Double epsHigh;
  @Option(names = "--clip-cov-ratio", description = "Clip-Cov: fraction of valid tokens detached (default ${DEFAULT-VALUE})") Double clipCovRatio;
  @Option(names = "--clip-cov-lb", description = "Clip-Cov: covariance lower bound (default ${DEFAULT-VALUE})") Double clipCovLb;
  @Option(names = "--clip-cov-ub", description = "Clip-Cov: covariance upper bound (default ${DEFAULT-VALUE})") Double clipCovUb;
  @Option(names = "--kl-cov-ratio", description = "KL-Cov: fraction (not percent) of valid tokens penalised (default ${DEFAULT-VALUE})")
  Double klCovRatio;
  @Option(names = "--kl-coef", description = "KL-Cov: penalty coefficient (default ${DEFAULT-VALUE})") Double klCoef;
  @Option(names = "--steer-mode", description = "STEER: LINEAR|EXPONENTIAL (default ${DEFAULT-VALUE})") SteerMode steerMode;
  @Option(names = "--steer-w-min", description = "STEER: smallest weight (default ${DEFAULT-VALUE})") Double steerWMin;
  @Option(names = "--steer-w-max", description = "STEER: largest weight; the linear mode has its own default (default ${DEFAULT-VALUE})") Double steerWMax;
  @Option(names = "--entropy-coef", description = "entropy bonus alpha, adaptive-entropy initial alpha; entropy-bonus has its "
      + "own default (default ${DEFAULT-VALUE})") Double entropyCoef;
  @Option(names = "--ref-kl-coef", description = "reference-KL beta (default ${DEFAULT-VALUE})") Double refKlCoef;
  @Option(names = "--target-entropy", description = "adaptive-entropy target (default ${DEFAULT-VALUE})") Double targetEntropy;
  @Option(names = "--entropy-coef-delta", description = "adaptive-entropy step of alpha (default ${DEFAULT-VALUE})") Double entropyCoefDelta;
  @Option(names = "--entropy-coef-max", description = "adaptive-entropy largest alpha (default ${DEFAULT-VALUE})") Double entropyCoefMax;
  @Option(names = "--forking-rho", description = "forking tokens: fraction of highest-entropy tokens trained (default ${DEFAULT-VALUE})")
  Double forkingRho;

  @Option(names = "--threads", defaultValue = "2", description = "PyTorch intra-op threads (default ${DEFAULT-VALUE})") int threads;
  @Option(names = "--device", defaultValue = "cpu", description = "cpu|gpu; gpu needs DJL's CUDA build of PyTorch (default ${DEFAULT-VALUE})")
  String device;
  @Option(names = "--out", description = "write step-stats and eval records as JSON lines to FILE") Path out;
  @Option(names = "--checkpoint-dir", description = "save checkpoints here (with --bootstrap the default is FILE.checkpoint "
      + "next to --out, else RUN-ID.checkpoint: a STOP saves one)") Path checkpointDir;
  @Option(names = "--checkpoint-every", description = "save every N steps, 0: at the end only (default ${DEFAULT-VALUE})") Integer checkpointEvery;
  @Option(names = "--resume", description = "continue from the checkpoint in DIR (same model sizes)") Path resume;

  @Mixin LiveOptions liveOptions = new LiveOptions();

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
    CommandLine cl = spec.commandLine();
    EmitterConfig emitter = liveOptions.emitter(cl, beside(config, ".spool"));
    return emitter == null ? null : new Live(emitter, liveOptions.signer(cl), liveOptions.freshness(cl));
  }

  /** {@code --out FILE}'s sibling FILE{@code suffix}, else RUN-ID{@code suffix} in the working directory. */
  private Path beside(TrainerConfig config, String suffix) {
    return out != null ? out.resolveSibling(out.getFileName() + suffix) : Path.of(config.runId() + suffix);
  }

  /**
   * The validated configuration: the preset, then every option given on the command line passed to
   * the builder method of its field's name. Invalid values become usage errors naming the flag.
   */
  TrainerConfig config() {
    CommandLine.ParseResult given = spec.commandLine().getParseResult();
    try {
      LossConfig.Builder loss = preset.apply(LossConfig.builder(method));
      TrainerConfig.Builder b = TrainerConfig.builder().statsEnabled(stats);
      preset.miniBatches().ifPresent(b::miniBatches);
      for (CommandLine.Model.OptionSpec option : spec.options()) {
        if (given.hasMatchedOption(option)) {
          ConfigDefaults.apply(option, loss, b);
        }
      }
      b.loss(loss.build());
      long runSeed = seed != null ? seed : TrainerConfig.builder().build().seed();
      String run = runId != null ? runId : "train-" + method.wireName() + "-" + runSeed;
      b.runId(run);
      if (liveOptions.bootstrap != null && checkpointDir == null) {
        b.checkpointDir(out != null ? out.resolveSibling(out.getFileName() + ".checkpoint")
            : Path.of(run + ".checkpoint"));
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), ConfigDefaults.flagOf(spec, e.getMessage()) + ": " + e.getMessage(), e);
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
