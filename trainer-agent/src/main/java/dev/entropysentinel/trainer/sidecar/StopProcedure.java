package dev.entropysentinel.trainer.sidecar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Stops an external job cleanly on a STOP command (integrations.md). verl has no graceful stop:
 * SIGINT/SIGTERM end it without a checkpoint, so the sidecar first waits for the next checkpoint to
 * land ({@code latest_checkpointed_iteration.txt} under {@code trainer.default_local_dir} changes)
 * up to the stop grace, then sends SIGTERM to the process group, then SIGKILL after the kill grace.
 * TRL saves on SIGTERM when {@code enable_jit_checkpoint} is set, so it gets SIGTERM at once. A
 * stop hook ({@code ray job stop ID}) replaces the signals. Time is injected, so tests never sleep.
 */
public final class StopProcedure {
  /** verl's marker of the last complete checkpoint. */
  public static final String VERL_MARKER = "latest_checkpointed_iteration.txt";

  /** How a stop ended the job. */
  public enum Ending {
    /** A new checkpoint landed, then the job ended on SIGTERM. */
    CHECKPOINTED,
    /** SIGTERM without waiting for a checkpoint (TRL, or no checkpoint directory known). */
    TERMINATED,
    /** No checkpoint landed within the stop grace; SIGTERM ended the job. */
    NO_CHECKPOINT,
    /** The job ignored SIGTERM for the kill grace and was killed. */
    KILLED,
    /** The stop hook ran (for verl after the checkpoint wait) and the job ended. */
    HOOK,
    /** The job ended by itself while the sidecar waited. */
    ENDED_ITSELF,
    /** The stop hook ran; the job has not ended (yet). */
    HOOK_PENDING
  }

  /** How the stop went, with a one-line account. */
  public record Result(Ending ending, String account) {}

  /** Waits; tests move a clock instead. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /**
   * @param trainer whose stop rules apply
   * @param checkpointDir verl's checkpoint directory (null: unknown)
   * @param stopGrace how long to wait for a checkpoint (or the stop hook's job to end)
   * @param killGrace how long after SIGTERM before SIGKILL
   * @param hook a shell command replacing the signals, null for none
   * @param poll how often the checkpoint marker is looked at
   */
  public record Settings(JobSpec.Trainer trainer, Path checkpointDir, Duration stopGrace, Duration killGrace, String hook,
      Duration poll) {
    public Settings {
      Objects.requireNonNull(trainer, "sidecar.trainer");
      positive("sidecar.stopGrace", stopGrace, true);
      positive("sidecar.killGrace", killGrace, false);
      positive("sidecar.stopPoll", poll, false);
      if (hook != null && hook.isBlank()) {
        throw new IllegalArgumentException("sidecar.stopHook must be a command, was blank");
      }
    }

    private static void positive(String key, Duration d, boolean zeroAllowed) {
      if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
        throw new IllegalArgumentException(key + " must be " + (zeroAllowed ? ">= 0" : "positive") + ", was " + d);
      }
    }
  }

  private final Settings settings;
  private final JobControl job;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Consumer<String> report;

  public StopProcedure(Settings settings, JobControl job, Clock clock, Sleeper sleeper, Consumer<String> report) {
    this.settings = settings;
    this.job = job;
    this.clock = clock;
    this.sleeper = sleeper;
    this.report = report;
  }

  /** Stops the job as its trainer needs; blocks until it ended or was killed. */
  public Result stop(String why) throws IOException, InterruptedException {
    if (settings.trainer() == JobSpec.Trainer.TRL || settings.checkpointDir() == null) {
      if (settings.hook() != null) {
        return hook(why, "");
      }
      report.accept(settings.trainer() == JobSpec.Trainer.TRL
          ? "STOP (" + why + "): SIGTERM to the job's process group (transformers saves a checkpoint on SIGTERM with "
              + "enable_jit_checkpoint=True)"
          : "STOP (" + why + "): no checkpoint directory known (give --checkpoint-dir or trainer.default_local_dir=), so no "
              + "checkpoint to wait for: SIGTERM now");
      return terminate(Ending.TERMINATED, settings.trainer() == JobSpec.Trainer.TRL ? "by SIGTERM (TRL)"
          : "by SIGTERM without waiting for a checkpoint (directory unknown)");
    }
    Path marker = settings.checkpointDir().resolve(VERL_MARKER);
    String before = read(marker);
    report.accept("STOP (" + why + "): waiting up to " + settings.stopGrace().toSeconds() + " s for the next checkpoint ("
        + marker + (before == null ? " does not exist yet" : " says " + before) + ")");
    long deadline = clock.millis() + settings.stopGrace().toMillis();
    while (true) {
      if (job != null && !job.isAlive()) {
        return new Result(Ending.ENDED_ITSELF, "ended by itself while the sidecar waited for a checkpoint");
      }
      String now = read(marker);
      if (now != null && !now.equals(before)) {
        String after = "after checkpoint global_step_" + now;
        if (settings.hook() != null) {
          return hook(why, after + ", ");
        }
        report.accept("checkpoint global_step_" + now + " landed: SIGTERM to the job's process group");
        return terminate(Ending.CHECKPOINTED, after);
      }
      if (clock.millis() >= deadline) {
        String last = before == null ? "none" : "global_step_" + before;
        if (settings.hook() != null) {
          return hook(why, "without a new checkpoint within the stop grace (last: " + last + "), ");
        }
        report.accept("no checkpoint within " + settings.stopGrace().toSeconds() + " s: SIGTERM to the job's process group "
            + "(resume from " + (before == null ? "the start" : "global_step_" + before) + ")");
        return terminate(Ending.NO_CHECKPOINT, "without a new checkpoint within the stop grace (last: " + last + ")");
      }
      sleeper.sleep(settings.poll());
    }
  }

  private Result terminate(Ending ending, String how) throws IOException, InterruptedException {
    job.signal("TERM");
    if (job.waitFor(settings.killGrace())) {
      return new Result(ending, "stopped " + how);
    }
    report.accept("the job ignored SIGTERM for " + settings.killGrace().toSeconds() + " s: SIGKILL to its process group");
    job.signal("KILL");
    job.waitFor(settings.killGrace());
    return new Result(Ending.KILLED, "killed " + how + ", after ignoring SIGTERM for " + settings.killGrace().toSeconds() + " s");
  }

  private Result hook(String why, String after) throws IOException, InterruptedException {
    report.accept("STOP (" + why + "): " + after + "running the stop hook: " + settings.hook());
    Process p = new ProcessBuilder("/bin/sh", "-c", settings.hook()).inheritIO().start();
    Duration grace = settings.stopGrace().plus(settings.killGrace());
    if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      report.accept("the stop hook did not finish within " + grace.toSeconds() + " s; it was killed");
    } else if (p.exitValue() != 0) {
      report.accept("the stop hook exited with " + p.exitValue());
    }
    if (job == null || job.waitFor(grace)) {
      return new Result(Ending.HOOK, "stopped " + after + "by the stop hook (" + settings.hook() + ")");
    }
    return new Result(Ending.HOOK_PENDING, "not ended " + grace.toSeconds() + " s after the stop hook (" + settings.hook() + ") ran");
  }

  private static String read(Path marker) {
    try {
      return Files.readString(marker).strip();
    } catch (IOException e) {
      return null;
    }
  }
}
