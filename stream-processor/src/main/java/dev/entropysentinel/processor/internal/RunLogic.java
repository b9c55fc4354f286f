package dev.entropysentinel.processor.internal;

import dev.entropysentinel.forecaster.Decision;
import dev.entropysentinel.forecaster.Detection;
import dev.entropysentinel.forecaster.MonitorEvent;
import dev.entropysentinel.forecaster.MonitorState;
import dev.entropysentinel.forecaster.MonitorStep;
import dev.entropysentinel.forecaster.MonitorTransition;
import dev.entropysentinel.forecaster.wire.WireMapping;
import dev.entropysentinel.processor.Policy;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The processor's per-run logic as a pure function {@code (RunState, input) → (RunState, outputs)}:
 * turns merged steps, validations, run records, acknowledgements and silence ticks into monitor
 * events, and the monitor's detections and decisions into forecasts, alerts and signed commands
 * with the run's next sequence number. Deterministic (times come from the records), so a restarted
 * processor re-deriving an aborted transaction emits the same records.
 */
public final class RunLogic {
  private final MonitorTransition transition;
  private final WireMapping wire;
  private final Policy policy;

  public RunLogic(MonitorTransition transition, WireMapping wire, Policy policy) {
    this.transition = transition;
    this.wire = wire;
    this.policy = policy;
  }

  /** The new state and what to send. */
  public record Outcome(RunState state, List<Forecast> forecasts, List<Alert> alerts, List<ControlCommand> commands) {
    static Outcome none(RunState state) {
      return new Outcome(state, List.of(), List.of(), List.of());
    }
  }

  /** The run's description arrived or changed: its planned steps become the forecast's target. */
  public Outcome onRunInfo(RunState s, RunInfo info) {
    RunState.Meta m = s.meta();
    RunState described = new RunState(withInfo(m, info), s.monitor());
    Integer planned = info.plannedSteps() == null ? null : (int) Math.min(Integer.MAX_VALUE, info.plannedSteps());
    if (Objects.equals(planned, s.monitor().totalSteps())) {
      return Outcome.none(described);
    }
    return monitor(described, new MonitorEvent.Plan(planned, info.timestampMs()), info.timestampMs());
  }

  /** A step merged over its ranks. */
  public Outcome onStep(RunState s, MergedStep step) {
    RunState.Meta m = s.meta();
    List<Alert> alerts = new ArrayList<>();
    boolean incomplete = !step.missingRanks().isEmpty();
    boolean firing = m.incompleteFiring();
    if (incomplete && !firing) {
      alerts.add(incompleteStep(m.runId(), step));
      firing = true;
    } else if (!incomplete && firing) {
      alerts.add(resolvedIncomplete(m.runId(), step));
      firing = false;
    }
    RunState.Meta next = new RunState.Meta(RunState.Meta.VERSION, m.runId(), m.info(), m.commandSeq(), m.decisions(), step,
        m.lastForecast(), m.incompleteSteps() + (incomplete ? 1 : 0), m.lateRanks(), m.refusedCommands(), firing);
    if (!step.measured("entropySum")) {
      // No entropy measured (absent, not zero): nothing for the monitor; the step is still the run's last.
      return new Outcome(new RunState(next, s.monitor()), List.of(), alerts, List.of());
    }
    Outcome o = monitor(new RunState(next, s.monitor()),
        new MonitorEvent.Entropy((int) Math.min(Integer.MAX_VALUE, step.step()), step.entropyMean(), step.timestampMs()),
        step.timestampMs());
    alerts.addAll(o.alerts());
    return new Outcome(o.state(), o.forecasts(), alerts, o.commands());
  }

  /** A rank arrived after its step was merged without it: counted and alerted, not dropped silently. */
  public Outcome onLateRank(RunState s, StepMerger.LateRank late) {
    RunState.Meta m = s.meta();
    RunState.Meta next = new RunState.Meta(RunState.Meta.VERSION, m.runId(), m.info(), m.commandSeq(), m.decisions(),
        m.lastStep(), m.lastForecast(), m.incompleteSteps(), m.lateRanks() + 1, m.refusedCommands(), m.incompleteFiring());
    Alert alert = new Alert(SchemaVersion.CURRENT, m.runId() + "/" + Alert.Type.INCOMPLETE_STEP + "/late", m.runId(),
        Alert.Type.INCOMPLETE_STEP, Alert.Severity.WARNING, Alert.Status.FIRING, late.step(), late.timestampMs(), null,
        "rank " + late.rank() + " of step " + late.step() + " arrived after the step was merged without it; "
            + "its statistics are not in the merged step",
        Map.of("step", (double) late.step(), "rank", (double) late.rank(), "lateRanks", (double) next.lateRanks()));
    return new Outcome(new RunState(next, s.monitor()), List.of(), List.of(alert), List.of());
  }

  /** A validation result. */
  public Outcome onEval(RunState s, EvalResult e) {
    return monitor(s, new MonitorEvent.Validation((int) Math.min(Integer.MAX_VALUE, e.step()), e.score(), e.timestampMs()),
        e.timestampMs());
  }

  /** A trainer's answer to a command: recorded with the decision it answers. */
  public Outcome onAck(RunState s, ControlAck ack) {
    RunState.Meta m = s.meta();
    List<RunState.DecisionEntry> decisions = new ArrayList<>(m.decisions());
    for (int i = 0; i < decisions.size(); i++) {
      if (decisions.get(i).seq() == ack.seq() && decisions.get(i).ack() == null) {
        decisions.set(i, decisions.get(i).acknowledged(ack));
      }
    }
    long refused = m.refusedCommands() + (ack.status() == ControlAck.Status.REFUSED ? 1 : 0);
    RunState.Meta next = new RunState.Meta(RunState.Meta.VERSION, m.runId(), m.info(), m.commandSeq(), decisions,
        m.lastStep(), m.lastForecast(), m.incompleteSteps(), m.lateRanks(), refused, m.incompleteFiring());
    return Outcome.none(new RunState(next, s.monitor()));
  }

  /** A silence check at processor time {@code nowMs}. */
  public Outcome onTick(RunState s, long nowMs) {
    return monitor(s, new MonitorEvent.Tick(nowMs), nowMs);
  }

  private Outcome monitor(RunState s, MonitorEvent event, long atMs) {
    MonitorStep step = transition.apply(s.monitor(), event);
    if (step.duplicate() || unchanged(s, step)) {
      return Outcome.none(s);
    }
    RunState.Meta m = s.meta();
    MonitorState monitor = step.state();
    List<Alert> alerts = new ArrayList<>();
    for (Detection d : step.fired()) {
      alerts.add(WireMapping.alert(m.runId(), atMs, d));
    }
    for (Detection d : step.resolved()) {
      alerts.add(WireMapping.resolved(m.runId(), atMs, d));
    }
    List<ControlCommand> commands = new ArrayList<>();
    List<RunState.DecisionEntry> decisions = new ArrayList<>(m.decisions());
    long seq = m.commandSeq();
    for (Decision d : step.decisions()) {
      Decision actual = new Decision(d.step(), d.action(), d.cause(), d.reason(), d.parameterChanges(),
          !policy.acts(d.action()));
      seq++;
      ControlCommand command = wire.command(m.runId(), seq, atMs, actual);
      commands.add(command);
      decisions.add(new RunState.DecisionEntry(seq, d.step(), d.action().name(), d.cause().name(), command.reason(),
          d.parameterChanges(), actual.dryRun(), atMs, null, null, null));
      alerts.add(decisionAlert(m.runId(), atMs, actual, seq));
    }
    List<Forecast> forecasts = new ArrayList<>();
    Forecast lastForecast = m.lastForecast();
    if (step.forecastUpdated() || monitor.phase() != s.monitor().phase()) {
      lastForecast = WireMapping.forecast(m.runId(), atMs, monitor);
      forecasts.add(lastForecast);
    }
    RunState.Meta next = new RunState.Meta(RunState.Meta.VERSION, m.runId(), m.info(), seq, decisions, m.lastStep(),
        lastForecast, m.incompleteSteps(), m.lateRanks(), m.refusedCommands(), m.incompleteFiring());
    return new Outcome(new RunState(next, monitor), forecasts, alerts, commands);
  }

  /** A quiet silence check: the same monitor state and nothing to send, so the run's state need not be written again. */
  private static boolean unchanged(RunState s, MonitorStep step) {
    return step.state() == s.monitor() && step.fired().isEmpty() && step.resolved().isEmpty()
        && step.decisions().isEmpty() && !step.forecastUpdated();
  }

  private static RunState.Meta withInfo(RunState.Meta m, RunInfo info) {
    return new RunState.Meta(RunState.Meta.VERSION, m.runId(), info, m.commandSeq(), m.decisions(), m.lastStep(),
        m.lastForecast(), m.incompleteSteps(), m.lateRanks(), m.refusedCommands(), m.incompleteFiring());
  }

  private static Alert incompleteStep(String runId, MergedStep step) {
    return new Alert(SchemaVersion.CURRENT, runId + "/" + Alert.Type.INCOMPLETE_STEP, runId, Alert.Type.INCOMPLETE_STEP,
        Alert.Severity.WARNING, Alert.Status.FIRING, step.step(), step.timestampMs(), null,
        "step " + step.step() + " merged from " + step.ranks().size() + " of " + step.worldSize() + " ranks; missing ranks "
            + step.missingRanks() + " after the grace window",
        Map.of("step", (double) step.step(), "ranksMerged", (double) step.ranks().size(),
            "worldSize", (double) step.worldSize()));
  }

  private static Alert resolvedIncomplete(String runId, MergedStep step) {
    return new Alert(SchemaVersion.CURRENT, runId + "/" + Alert.Type.INCOMPLETE_STEP, runId, Alert.Type.INCOMPLETE_STEP,
        Alert.Severity.WARNING, Alert.Status.RESOLVED, step.step(), step.timestampMs(), step.timestampMs(),
        "step " + step.step() + " merged complete again (" + step.worldSize() + " of " + step.worldSize() + " ranks)",
        Map.of("step", (double) step.step(), "worldSize", (double) step.worldSize()));
  }

  private static Alert decisionAlert(String runId, long atMs, Decision d, long seq) {
    Alert.Type type = d.action() == Decision.Action.STOP ? Alert.Type.STOP : Alert.Type.INTERVENTION;
    return new Alert(SchemaVersion.CURRENT, runId + "/" + type, runId, type,
        d.action() == Decision.Action.STOP ? Alert.Severity.CRITICAL : Alert.Severity.WARNING, Alert.Status.FIRING,
        d.step(), atMs, null, d.label() + " (command seq " + seq + "): " + d.reason(), Map.of("seq", (double) seq));
  }
}
