package dev.entropysentinel.trainer.sidecar;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.TrainerTranslations;
import dev.entropysentinel.trainer.control.ControlGate;
import dev.entropysentinel.trainer.control.ControlState;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What the sidecar does with control commands. The {@link ControlGate} the built-in trainer uses
 * decides what is obeyed (signed, fresh, in order, for this run); then STOP is handed to the stop
 * procedure (once), and INTERVENE, which an external trainer cannot apply live, is shown as that
 * trainer's exact config overrides ({@link TrainerTranslations}) to restart from the checkpoint with,
 * and raised as an alert. With {@code --dry-run} nothing is signalled; commands are advice only.
 * Every command is acknowledged on {@code sentinel.control-acks}.
 */
public final class SidecarControl {
  /** The loss the gate validates INTERVENE parameters against; the sidecar applies none. */
  private static final LossConfig ANY_LOSS = LossConfig.builder(Method.GRPO).build();

  private final String runId;
  private final ControlGate gate;
  private final JobSpec job;
  private final StatsSink sink;
  private final String host;
  private final Clock clock;
  private final boolean dryRun;
  private final boolean canStop;
  private final LongSupplier currentStep;
  private final Consumer<String> onStop;
  private final Consumer<String> report;
  private ControlState state = ControlState.INITIAL;
  private boolean stopping;

  /**
   * @param canStop whether this sidecar can stop the job (it wrapped it, or has a stop hook)
   * @param currentStep the last step read from the log, for acknowledgements
   * @param onStop starts the stop procedure with the command's description (called at most once)
   */
  public SidecarControl(String runId, ControlGate gate, JobSpec job, StatsSink sink, String host, Clock clock, boolean dryRun, boolean canStop,
      LongSupplier currentStep, Consumer<String> onStop, Consumer<String> report) {
    this.runId = runId;
    this.gate = gate;
    this.job = job;
    this.sink = sink;
    this.host = host;
    this.clock = clock;
    this.dryRun = dryRun;
    this.canStop = canStop;
    this.currentStep = currentStep;
    this.onStop = onStop;
    this.report = report;
  }

  /** Decides on one raw command record. */
  public synchronized void accept(byte[] raw) {
    long step = Math.max(0, currentStep.getAsLong());
    ControlGate.Decision d = gate.decide(state, raw, clock.millis(), ANY_LOSS);
    if (d.outcome() == ControlGate.Outcome.REFUSE) {
      report.accept("refused control command seq=" + d.seq() + ": " + d.reason());
      ack(d.seq(), step, ControlAck.Status.REFUSED, d.reason());
      return;
    }
    state = d.next();
    ControlCommand c = d.command();
    boolean advice = dryRun || d.outcome() == ControlGate.Outcome.ADVISE;
    if (c.action() == ControlAction.INTERVENE) {
      intervene(c, step, advice);
    } else if (advice) {
      report.accept("advice, not applied (" + (dryRun ? "--dry-run" : "dry-run command") + "): STOP seq=" + c.seq() + " (" + c.reason() + ")");
      ack(c.seq(), step, ControlAck.Status.REFUSED, "advice only: the sidecar runs with --dry-run or the command is a dry run");
    } else if (!canStop) {
      String why = "this sidecar follows a log and did not start the job: it cannot stop it; give --stop-hook CMD (e.g. ray job stop ID)";
      report.accept("STOP seq=" + c.seq() + " (" + c.reason() + ") not applied: " + why);
      ack(c.seq(), step, ControlAck.Status.REFUSED, why);
    } else if (stopping) {
      ack(c.seq(), step, ControlAck.Status.APPLIED, "already stopping");
    } else {
      stopping = true;
      ack(c.seq(), step, ControlAck.Status.APPLIED, "stopping the job: " + stopPlan());
      onStop.accept("STOP seq=" + c.seq() + ": " + c.reason());
    }
  }

  private void intervene(ControlCommand c, long step, boolean advice) {
    TrainerTranslations.Translation t = job.trainer() == JobSpec.Trainer.VERL
        ? TrainerTranslations.verl(c.parameters()) : TrainerTranslations.trl(c.parameters());
    String overrides = String.join(" ", t.overrides());
    String line = "INTERVENE seq=" + c.seq() + " (" + c.reason() + "): " + t.trainer() + " cannot switch its loss live; restart "
        + "from the last checkpoint with: " + (overrides.isEmpty() ? "(no " + t.trainer() + " setting for it)" : overrides)
        + (t.unsupported().isEmpty() ? "" : "; " + t.trainer() + " has no setting for " + t.unsupported());
    report.accept(line);
    sink.accept(new Alert(SchemaVersion.CURRENT, c.runId() + "/" + Alert.Type.INTERVENTION + "/" + c.seq(), c.runId(),
        Alert.Type.INTERVENTION, Alert.Severity.WARNING, Alert.Status.FIRING, step, clock.millis(), null,
        abbreviate(line), Map.of("seq", (double) c.seq(), "step", (double) step)));
    ack(c.seq(), step, ControlAck.Status.APPLIED, abbreviate((advice ? "advice: " : "") + "shown as " + t.trainer() + " overrides: " + overrides));
  }

  private String stopPlan() {
    if (job.trainer() == JobSpec.Trainer.TRL) {
      return "SIGTERM (TRL)";
    }
    return job.checkpointDir() == null ? "SIGTERM (no checkpoint directory known)" : "after the next checkpoint in " + job.checkpointDir();
  }

  private void ack(long seq, long step, ControlAck.Status status, String reason) {
    sink.accept(new ControlAck(SchemaVersion.CURRENT, runId, seq, host, 0, step, clock.millis(), status, reason));
  }

  private static String abbreviate(String s) {
    return s.length() <= 4000 ? s : s.substring(0, 4000) + "…";
  }
}
