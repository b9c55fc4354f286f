package dev.entropysentinel.trainer.sidecar;

import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.trainer.control.ControlSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The sidecar's run: reads the job's metrics (its wrapped stdout/stderr, or a followed file) into a
 * {@link LogIngest}, answers control commands ({@link SidecarControl}) and stops the job when told
 * ({@link StopProcedure}); at the end, an exit code and a one-line summary say why the job ended.
 */
public final class Sidecar {
  /** Exit code: a STOP ended the job without a new checkpoint (resume from the previous one). */
  public static final int STOPPED_WITHOUT_CHECKPOINT = 3;
  /** Exit code: a STOP had to kill the job. */
  public static final int STOPPED_BY_KILL = 4;
  /** Exit code: the followed log could not be read. */
  public static final int UNREADABLE_LOG = 2;

  /**
   * @param follow the log file (or TRL output_dir) to read instead of the wrapped job's output, null for none
   * @param stateFile where a follower keeps its position and the last steps sent
   * @param poll how often a followed file and the control topic are looked at
   * @param idleExit a follower without a wrapped job ends after this long without new lines (zero: never)
   */
  public record Settings(JobSpec job, LogFormat format, Path follow, Path stateFile, Duration poll, Duration idleExit) {}

  /** How the run ended: the process exit code and a one-line summary. */
  public record Outcome(int exitCode, String summary) {}

  private final Settings settings;
  private final LogIngest ingest;
  private final ControlSource control;
  private final Clock clock;
  private final Consumer<String> report;
  private volatile boolean running = true;
  private volatile String followFailure;
  private volatile boolean wrapping;

  /**
   * @param control raw commands for this run, null when control is off
   */
  public Sidecar(Settings settings, LogIngest ingest, ControlSource control, Clock clock, Consumer<String> report) {
    this.settings = settings;
    this.ingest = ingest;
    this.control = control;
    this.clock = clock;
    this.report = report;
  }

  /**
   * Runs {@code command} in its own process group, passing its output through, until it ends.
   *
   * @param decide builds the command handling for the started job (the stop procedure needs it)
   */
  public Outcome wrap(List<String> command, OutputStream out, OutputStream err, Function<JobControl, Controls> decide)
      throws IOException, InterruptedException {
    wrapping = true;
    Consumer<String> lines = settings.follow() == null ? ingest::line : l -> {};
    WrappedJob job = WrappedJob.start(command, out, err, lines, report);
    report.accept("wrapped job started, process group " + job.pgid() + " (" + settings.job() + ")");
    Controls controls = decide.apply(job);
    Thread follower = settings.follow() == null ? null : thread("sidecar-follow", this::followLoop);
    Thread commands = thread("sidecar-control", () -> controlLoop(controls.control()));
    int code = job.waitForExit();
    running = false;
    join(follower);
    join(commands);
    StopProcedure.Result stop = controls.stopResult().get();
    String read = ingest.summary() + (followFailure == null ? "" : "; " + followFailure);
    if (stop == null) {
      return new Outcome(code, "job exited with " + code + " by itself (" + read + ")");
    }
    int exit = switch (stop.ending()) {
      case NO_CHECKPOINT -> STOPPED_WITHOUT_CHECKPOINT;
      case KILLED -> STOPPED_BY_KILL;
      case ENDED_ITSELF -> code;
      default -> 0;
    };
    return new Outcome(exit, "job " + stop.account() + " on " + controls.stopReason().get() + "; its exit status " + code
        + " (" + read + ")");
  }

  /** Follows the log until interrupted ({@link #shutdown()}), idle for the idle time, or a stop hook ended the job. */
  public Outcome follow(Controls controls) throws InterruptedException {
    Thread commands = thread("sidecar-control", () -> controlLoop(controls.control()));
    followLoop();
    running = false;
    join(commands);
    StopProcedure.Result stop = controls.stopResult().get();
    if (followFailure != null) {
      return new Outcome(UNREADABLE_LOG, followFailure + " (" + ingest.summary() + ")");
    }
    return new Outcome(0, (stop == null ? "stopped following " + settings.follow() : stop.account() + " on " + controls.stopReason().get())
        + " (" + ingest.summary() + ")");
  }

  /** Ends a follow (the sidecar got SIGTERM/SIGINT); the state is saved on the way out. */
  public void shutdown() {
    running = false;
  }

  /** The command handling and where the stop procedure's result lands. */
  public record Controls(SidecarControl control, AtomicReference<StopProcedure.Result> stopResult, AtomicReference<String> stopReason) {}

  private void controlLoop(SidecarControl handler) {
    while (running && control != null && handler != null) {
      for (byte[] raw : control.poll()) {
        handler.accept(raw);
      }
      if (!pause()) {
        return;
      }
    }
  }

  private void followLoop() {
    SidecarState saved;
    try {
      saved = SidecarState.load(settings.stateFile());
    } catch (IOException e) {
      followFailure = e.getMessage();
      report.accept(followFailure);
      return;
    }
    boolean document = settings.format() == LogFormat.TRL
        || settings.format() == null && settings.follow().getFileName().toString().endsWith(".json");
    LogFollower lines = document ? null : new LogFollower(settings.follow(), saved.position(), ingest::line, report);
    TrainerStateFollower state = document ? new TrainerStateFollower(settings.follow(), ingest::row, report) : null;
    long lastRead = clock.millis();
    try {
      while (true) {
        boolean read = lines != null ? lines.poll() : state.poll();
        if (lines != null) {
          new SidecarState(SidecarState.VERSION, lines.position(), ingest.progress()).save(settings.stateFile());
        }
        if (read) {
          lastRead = clock.millis();
        }
        boolean idle = !settings.idleExit().isZero() && clock.millis() - lastRead >= settings.idleExit().toMillis();
        if (!running || idle || !pause()) {
          break;
        }
      }
      if (lines != null) {
        lines.poll();
        new SidecarState(SidecarState.VERSION, lines.position(), ingest.progress()).save(settings.stateFile());
        lines.close();
      }
    } catch (IOException e) {
      followFailure = "--follow " + e.getMessage();
      report.accept(followFailure + (wrapping ? "; the job is not affected" : ""));
    }
  }

  private boolean pause() {
    try {
      Thread.sleep(settings.poll().toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Thread thread(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void join(Thread t) throws InterruptedException {
    if (t != null) {
      t.join();
    }
  }
}
