package dev.entropysentinel.trainer;

import ai.djl.Device;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.model.ModelConfig;
import dev.entropysentinel.trainer.rl.TrainingSession;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole run: validation before the first step, {@code steps} RL steps, validation every {@code
 * evalEvery} steps and after the last. The loop owns only the steps and the validation schedule;
 * records, checkpoints and control are {@link StepListener}s around it.
 */
public final class Training {
  private Training() {}

  /**
   * Every record to {@code sink}, checkpoints as configured.
   *
   * @param resumeFrom a checkpoint directory to continue from, or null for a fresh run
   * @throws IOException when a checkpoint cannot be read or written
   */
  public static void run(TrainerConfig config, Device device, StatsSink sink, Clock clock, Path resumeFrom) throws IOException {
    run(config, device, clock, resumeFrom, List.of(new SinkListener(sink), new CheckpointListener()));
  }

  /**
   * Runs with {@code listeners}, called in this order.
   *
   * @return how the run ended
   * @throws IOException when a checkpoint cannot be read or written
   */
  public static StepListener.RunEnd run(TrainerConfig config, Device device, Clock clock, Path resumeFrom,
      List<StepListener> listeners) throws IOException {
    try (TrainingSession session = resumeFrom == null
        ? TrainingSession.start(config, clock, device)
        : TrainingSession.resume(config, clock, device, resumeFrom)) {
      Loop loop = new Loop(config, clock, session, List.copyOf(listeners));
      try {
        return loop.run();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  private static final class Loop implements RunContext {
    private final TrainerConfig config;
    private final Clock clock;
    private final TrainingSession session;
    private final List<StepListener> listeners;
    private String stopReason;

    Loop(TrainerConfig config, Clock clock, TrainingSession session, List<StepListener> listeners) {
      this.config = config;
      this.clock = clock;
      this.session = session;
      this.listeners = listeners;
    }

    StepListener.RunEnd run() {
      listeners.forEach(l -> l.onRunStart(this));
      if (session.nextStep() == 0) {
        evaluate();
      }
      long lastEvaluated = session.nextStep() - 1;
      for (long step = session.nextStep(); step < config.steps(); step++) {
        for (StepListener l : listeners) {
          l.beforeStep(step);
        }
        if (stopReason != null) {
          break;
        }
        List<StepStats> stats = session.step();
        listeners.forEach(l -> l.afterStep(stats));
        if ((step + 1) % config.evalEvery() == 0 || step == config.steps() - 1) {
          evaluate();
          lastEvaluated = step;
        }
      }
      long last = session.nextStep() - 1;
      if (stopReason != null && lastEvaluated != last) {
        evaluate();
      }
      StepListener.RunEnd end = new StepListener.RunEnd(last, stopReason);
      listeners.forEach(l -> l.onRunEnd(end));
      return end;
    }

    private void evaluate() {
      EvalResult eval = session.evaluate();
      listeners.forEach(l -> l.onEval(eval));
    }

    @Override
    public TrainerConfig config() {
      return config;
    }

    @Override
    public Clock clock() {
      return clock;
    }

    @Override
    public TrainingSession session() {
      return session;
    }

    @Override
    public void stop(String reason) {
      if (stopReason == null) {
        stopReason = reason;
      }
    }

    @Override
    public void checkpoint() throws IOException {
      if (config.checkpointDir() == null) {
        throw new IllegalStateException("run " + config.runId() + " has no checkpoint directory (set --checkpoint-dir)");
      }
      Map<String, String> entries = new HashMap<>();
      for (StepListener l : listeners) {
        entries.putAll(l.checkpointEntries());
      }
      session.checkpoint(entries);
    }
  }

  /**
   * Forwards every record to a {@link StatsSink}: a {@link RunInfo} at the start and before the
   * first step that ran with a different method or parameters, then each step's and validation's.
   */
  public static final class SinkListener implements StepListener {
    private final StatsSink sink;
    private RunContext run;
    private LossConfig described;

    public SinkListener(StatsSink sink) {
      this.sink = sink;
    }

    @Override
    public void onRunStart(RunContext context) {
      this.run = context;
      describe();
    }

    @Override
    public void afterStep(List<StepStats> stats) {
      if (!run.session().loss().equals(described)) {
        describe();
      }
      stats.forEach(sink::accept);
    }

    private void describe() {
      described = run.session().loss();
      sink.accept(runInfo(run, described));
    }

    @Override
    public void onEval(EvalResult eval) {
      sink.accept(eval);
    }
  }

  /** What the run is, with the method and parameters in force. */
  static RunInfo runInfo(RunContext run, LossConfig loss) {
    TrainerConfig c = run.config();
    ModelConfig m = c.model();
    String model = "sentinel-tiny-d" + m.modelDim() + "-l" + m.layers() + "-h" + m.heads();
    return new RunInfo(SchemaVersion.CURRENT, c.runId(), run.clock().millis(), c.steps() >= 1 ? (long) c.steps() : null,
        loss.method().wireName(), loss.methodParams(), model, run.session().policy().parameterCount(), c.ranks(),
        c.evalEvery(), RunInfo.ScoreScale.ACCURACY, "trainer");
  }

  /**
   * Saves a checkpoint every {@code checkpointEvery} steps and at the end of the run (also after a
   * stop), when the run has a checkpoint directory.
   */
  public static final class CheckpointListener implements StepListener {
    private RunContext run;

    @Override
    public void onRunStart(RunContext context) {
      this.run = context;
    }

    @Override
    public void afterStep(List<StepStats> stats) {
      TrainerConfig config = run.config();
      long step = stats.get(0).step();
      boolean periodic = config.checkpointEvery() > 0 && (step + 1) % config.checkpointEvery() == 0;
      if (periodic && step != config.steps() - 1) {
        save();
      }
    }

    @Override
    public void onRunEnd(RunEnd end) {
      if (end.lastStep() >= 0 && (end.stopped() || end.lastStep() == run.config().steps() - 1)) {
        save();
      }
    }

    private void save() {
      if (run.config().checkpointDir() == null) {
        return;
      }
      try {
        run.checkpoint();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the checkpoint of run " + run.config().runId() + " to "
            + run.config().checkpointDir() + ": " + e.getMessage(), e);
      }
    }
  }
}
