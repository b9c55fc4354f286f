package dev.entropysentinel.trainer.cli;

import dev.entropysentinel.forecaster.cli.ReplayCommand;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.trainer.control.ControlGate;
import dev.entropysentinel.trainer.control.ControlSource;
import dev.entropysentinel.trainer.control.KafkaControlSource;
import dev.entropysentinel.trainer.emit.EmitterConfig;
import dev.entropysentinel.trainer.emit.KafkaEmitter;
import dev.entropysentinel.trainer.internal.Hosts;
import dev.entropysentinel.trainer.sidecar.IngestProgress;
import dev.entropysentinel.trainer.sidecar.JobControl;
import dev.entropysentinel.trainer.sidecar.JobSpec;
import dev.entropysentinel.trainer.sidecar.LogIngest;
import dev.entropysentinel.trainer.sidecar.LogRecords;
import dev.entropysentinel.trainer.sidecar.Sidecar;
import dev.entropysentinel.trainer.sidecar.SidecarControl;
import dev.entropysentinel.trainer.sidecar.SidecarState;
import dev.entropysentinel.trainer.sidecar.StopProcedure;
import dev.entropysentinel.trainer.stats.JsonLinesSink;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sentinel sidecar}: Sentinel next to a verl or TRL job it did not start the code of. Wraps
 * the job ({@code -- CMD...}) or follows its log ({@code --follow FILE}), sends the same run,
 * step-stats and eval records as the built-in trainer, and relays signed control commands back.
 */
@Command(
    name = "sidecar",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {"Watches an external trainer (verl, TRL) without changing its code, and stops it cleanly when told.",
        "Wrap: sentinel sidecar --run-id R --bootstrap B -- python3 -m verl.trainer.main_ppo trainer.total_training_steps=500 ... "
            + "runs the job in its own process group, passes its stdout/stderr through unchanged and reads the metrics from them.",
        "Follow: sentinel sidecar --run-id R --bootstrap B --follow FILE tails a log written by a job started elsewhere "
            + "(survives truncation, rotation and its own restart).",
        "STOP (signed commands only): verl: wait for the next checkpoint (latest_checkpointed_iteration.txt) up to --stop-grace, "
            + "SIGTERM to the process group, SIGKILL after --kill-grace; TRL: SIGTERM (saves with enable_jit_checkpoint=True); "
            + "--stop-hook CMD replaces the signals. INTERVENE: logged as the trainer's exact config overrides, and alerted.",
        "Exit code: the job's own when it ended by itself; 0 when a STOP ended it after a checkpoint (or by SIGTERM for TRL, or "
            + "the hook); 3 when no checkpoint landed within --stop-grace; 4 when it had to be killed; 2 for usage errors and an "
            + "unreadable --follow log. The last line on stderr says why the job ended."})
public final class SidecarCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LiveOptions live = new LiveOptions();

  @Option(names = "--run-id", required = true, description = "run id on every record") String runId;
  @Option(names = "--follow", paramLabel = "FILE", description = "read the metrics from this log instead of the job's output "
      + "(verl: $VERL_FILE_LOGGER_PATH or a console log; TRL: trainer_state.json, or the output_dir with --format trl)")
  Path follow;
  @Option(names = "--format", converter = ReplayCommand.FormatConverter.class, description = "verl, verl-jsonl, trl-stdout or trl "
      + "(trainer_state.json) (default: detected from the first metric line)")
  LogFormat format;
  @Option(names = "--trainer", description = "verl or trl: whose stop rules and overrides apply (default: from the command, "
      + "else from the log's format, else verl)")
  String trainer;
  @Option(names = "--total-steps", paramLabel = "N", description = "the run's planned last step when the command does not say "
      + "(trainer.total_training_steps=, --max_steps); without either the forecast says it lacks a target")
  Long totalSteps;
  @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "verl's trainer.default_local_dir (default: from the command)")
  Path checkpointDir;
  @Option(names = "--logging-steps", paramLabel = "N", description = "TRL's logging_steps, which numbers its stdout log calls "
      + "(default: from the command, else " + JobSpec.TRL_DEFAULT_LOGGING_STEPS + ")")
  Integer loggingSteps;
  @Option(names = "--entropy-key", paramLabel = "KEY", description = "the entropy metric (default: each row's best, as replay ranks them)")
  String entropyKey;
  @Option(names = "--validation-key", paramLabel = "KEY", description = "the validation metric (default: each row's best)")
  String validationKey;
  @Option(names = "--stop-grace", defaultValue = "1800", paramLabel = "SECONDS", description = "how long a STOP waits for verl's "
      + "next checkpoint before SIGTERM (default ${DEFAULT-VALUE}; set it above your save_freq's time)")
  long stopGrace;
  @Option(names = "--kill-grace", defaultValue = "60", paramLabel = "SECONDS", description = "how long after SIGTERM before "
      + "SIGKILL (default ${DEFAULT-VALUE})")
  long killGrace;
  @Option(names = "--stop-hook", paramLabel = "CMD", description = "shell command run on STOP instead of the signals, e.g. "
      + "'ray job stop raysubmit_123'")
  String stopHook;
  @Option(names = "--dry-run", description = "never signal: commands are logged as advice only")
  boolean dryRun;
  @Option(names = "--out", paramLabel = "FILE", description = "also write the step-stats and eval records as JSON lines to FILE")
  Path out;
  @Option(names = "--state-file", paramLabel = "FILE", description = "where --follow keeps its position and the last steps sent "
      + "(default: sidecar-state.json in the spool directory, else RUN-ID.sidecar-state.json)")
  Path stateFile;
  @Option(names = "--idle-exit", defaultValue = "0", paramLabel = "SECONDS", description = "--follow without a command ends after "
      + "this long without new lines (default ${DEFAULT-VALUE}: never; end it with SIGTERM/Ctrl-C)")
  long idleExit;
  @Option(names = "--poll-ms", defaultValue = "200", hidden = true) long pollMs;

  @Parameters(paramLabel = "CMD", description = "the job to wrap, after --") List<String> command = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    PrintWriter err = cl.getErr();
    if (command.isEmpty() && follow == null) {
      throw new CommandLine.ParameterException(cl, "nothing to watch: give the job after -- (wrap) or --follow FILE");
    }
    if (live.bootstrap == null && out == null) {
      throw new CommandLine.ParameterException(cl, "nowhere to send records: give --bootstrap HOST:PORT (and --out FILE for a copy)");
    }
    JobSpec job = job(cl);
    EmitterConfig emitter = live.emitter(cl, Path.of(runId + ".spool"));
    CommandSigner signer = live.signer(cl);
    Duration freshness = live.freshness(cl);
    StopProcedure.Settings stop = stopSettings(cl, job);
    Path state = stateFile != null ? stateFile
        : emitter != null ? emitter.spoolDir().resolve("sidecar-state.json") : Path.of(runId + ".sidecar-state.json");
    Files.createDirectories(state.toAbsolutePath().getParent());
    Clock clock = Clock.systemUTC();
    java.util.function.Consumer<String> report = line -> {
      synchronized (err) {
        err.println("sidecar: " + line);
        err.flush();
      }
    };
    List<StatsSink> sinks = new ArrayList<>();
    if (out != null) {
      sinks.add(new JsonLinesSink(out));
    }
    try (KafkaEmitter kafka = emitter == null ? null : KafkaEmitter.start(emitter);
        ControlSource control = emitter == null || signer == null ? null
            : KafkaControlSource.start(emitter.bootstrap(), runId, freshness.multipliedBy(2), clock)) {
      if (kafka != null) {
        sinks.add(kafka);
      }
      try (StatsSink sink = StatsSink.tee(sinks.toArray(StatsSink[]::new))) {
        IngestProgress start = follow != null ? savedProgress(cl, state) : IngestProgress.START;
        LogIngest ingest = new LogIngest(runId, job, format, new LogRecords(runId, Hosts.name(), job.method(), entropyKey,
            validationKey), sink, clock, start, report);
        Sidecar sidecar = new Sidecar(new Sidecar.Settings(job, format, follow, state, Duration.ofMillis(pollMs),
            Duration.ofSeconds(idleExit)), ingest, control, clock, report);
        report.accept("run " + runId + ": " + job + (kafka == null ? ", records to " + out : ", records to " + emitter.bootstrap())
            + (control == null ? " (no control key: commands are not read)" : dryRun ? ", commands as advice only (--dry-run)"
            : ", obeying signed commands"));
        Sidecar.Outcome outcome;
        if (command.isEmpty()) {
          Sidecar.Controls controls = controls(job, stop, null, sink, control, clock, ingest, report);
          Thread hook = new Thread(sidecar::shutdown);
          Runtime.getRuntime().addShutdownHook(hook);
          outcome = sidecar.follow(controls);
          removeHook(hook);
        } else {
          AtomicReference<JobControl> started = new AtomicReference<>();
          Thread forward = new Thread(() -> forwardTermination(started.get(), stop, report));
          Runtime.getRuntime().addShutdownHook(forward);
          outcome = sidecar.wrap(command, new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err), j -> {
            started.set(j);
            return controls(job, stop, j, sink, control, clock, ingest, report);
          });
          removeHook(forward);
        }
        report.accept(outcome.summary());
        return outcome.exitCode();
      }
    }
  }

  /** What an earlier sidecar following this log sent; an unreadable state file is a usage error naming it. */
  private static IngestProgress savedProgress(CommandLine cl, Path state) {
    try {
      return SidecarState.load(state).progress();
    } catch (IOException e) {
      throw new CommandLine.ParameterException(cl, "--state-file " + e.getMessage(), e);
    }
  }

  /** A hook no longer needed; during JVM shutdown it cannot be removed, and need not be. */
  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down
    }
  }

  private Sidecar.Controls controls(JobSpec job, StopProcedure.Settings stop, JobControl target, StatsSink sink,
      ControlSource control, Clock clock, LogIngest ingest, java.util.function.Consumer<String> report) {
    AtomicReference<StopProcedure.Result> result = new AtomicReference<>();
    AtomicReference<String> reason = new AtomicReference<>();
    if (control == null) {
      return new Sidecar.Controls(null, result, reason);
    }
    ControlGate gate = new ControlGate(runId, live.signer(spec.commandLine()), live.freshness(spec.commandLine()));
    boolean canStop = target != null || stopHook != null;
    SidecarControl handler = new SidecarControl(runId, gate, job, sink, Hosts.name(), clock, dryRun, canStop,
        () -> ingest.progress().lastStatsStep(), why -> {
          reason.set(why);
          Thread t = new Thread(() -> {
            try {
              result.set(new StopProcedure(stop, target, clock, d -> Thread.sleep(d.toMillis()), report).stop(why));
            } catch (IOException e) {
              report.accept("the stop failed: " + e.getMessage());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }, "sidecar-stop");
          t.setDaemon(true);
          t.start();
        }, report);
    return new Sidecar.Controls(handler, result, reason);
  }

  /** The sidecar itself got SIGTERM/SIGINT (scancel, Ctrl-C): the job's group gets it too, then SIGKILL after the kill grace. */
  private static void forwardTermination(JobControl job, StopProcedure.Settings stop, java.util.function.Consumer<String> report) {
    if (job == null || !job.isAlive()) {
      return;
    }
    try {
      report.accept("the sidecar was asked to end: SIGTERM to the job's process group");
      job.signal("TERM");
      if (!job.waitFor(stop.killGrace())) {
        job.signal("KILL");
      }
    } catch (IOException e) {
      report.accept("could not signal the job: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private JobSpec job(CommandLine cl) {
    JobSpec.Trainer t = null;
    if (trainer != null) {
      try {
        t = JobSpec.Trainer.valueOf(trainer.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cl, "--trainer must be verl or trl, was " + trainer);
      }
    } else if (command.isEmpty()) {
      LogFormat f = format != null ? format : detected(follow);
      t = f == LogFormat.TRL || f == LogFormat.TRL_STDOUT ? JobSpec.Trainer.TRL : JobSpec.Trainer.VERL;
    }
    if (totalSteps != null && totalSteps < 1) {
      throw new CommandLine.ParameterException(cl, "--total-steps must be >= 1, was " + totalSteps);
    }
    if (loggingSteps != null && loggingSteps < 1) {
      throw new CommandLine.ParameterException(cl, "--logging-steps must be >= 1, was " + loggingSteps);
    }
    try {
      return JobSpec.of(command, t, totalSteps, checkpointDir, loggingSteps);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage() + " (or --total-steps / --logging-steps)", e);
    }
  }

  /** The followed log's format when it can be told already (the file exists), else null: verl's rules then apply. */
  private static LogFormat detected(Path log) {
    try {
      return Files.isRegularFile(log) ? LogFormat.detect(log) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private StopProcedure.Settings stopSettings(CommandLine cl, JobSpec job) {
    try {
      return new StopProcedure.Settings(job.trainer(), job.checkpointDir(), Duration.ofSeconds(stopGrace),
          Duration.ofSeconds(killGrace), stopHook, Duration.ofSeconds(1));
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().split(" ", 2)[0];
      String flag = switch (key) {
        case "sidecar.stopGrace" -> "--stop-grace";
        case "sidecar.killGrace" -> "--kill-grace";
        default -> "--stop-hook";
      };
      throw new CommandLine.ParameterException(cl, flag + ": " + e.getMessage(), e);
    }
  }
}
