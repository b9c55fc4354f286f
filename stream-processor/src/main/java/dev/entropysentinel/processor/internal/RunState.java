package dev.entropysentinel.processor.internal;

import dev.entropysentinel.forecaster.MonitorState;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import java.util.List;
import java.util.Map;

/**
 * Everything the processor keeps about one run, a value in the changelogged {@code run-state}
 * store: the forecaster's {@link MonitorState} and what the processor adds around it (the run's
 * description, the control sequence number, the decisions sent and their acknowledgements, the
 * last merged step, the last forecast sent, rank-merge flags). Bounded like the monitor state.
 */
public record RunState(Meta meta, MonitorState monitor) {

  /** Decisions shown per run (at most one per condition is taken anyway). */
  public static final int MAX_DECISIONS = 16;

  /**
   * The processor's part of a run's state.
   *
   * @param info the run's latest description, {@code null} until its run record arrived
   * @param commandSeq sequence number of the last command sent (0 before any); the next is one more
   * @param decisions decisions taken, oldest first, with the trainer's acknowledgement once it came
   * @param lastStep the last merged step, {@code null} before any
   * @param lastForecast the last forecast sent, {@code null} before any
   * @param incompleteFiring an incomplete-step alert is firing (a later complete step resolves it)
   */
  public record Meta(int version, String runId, RunInfo info, long commandSeq, List<DecisionEntry> decisions,
      MergedStep lastStep, Forecast lastForecast, long incompleteSteps, long lateRanks, long refusedCommands,
      boolean incompleteFiring) {

    /**
     * 3: the last merged step carries the fields its ranks did not measure (step-stats 1.1); 4: the
     * monitor state binary with packed reasons, a decision refers to the monitor's.
     */
    public static final int VERSION = 4;

    public Meta {
      if (version != VERSION) {
        throw new IllegalArgumentException("run state version " + version + " is not readable (reads " + VERSION
            + "); reset the processor's application id or upgrade Sentinel");
      }
      decisions = List.copyOf(decisions.subList(Math.max(0, decisions.size() - MAX_DECISIONS), decisions.size()));
    }
  }

  /**
   * A decision as sent, and what the trainer answered.
   *
   * @param seq the command's sequence number
   * @param dryRun advice only (the policy did not allow acting on it)
   * @param ack APPLIED / REFUSED once acknowledged, {@code null} before
   */
  public record DecisionEntry(long seq, long step, String action, String cause, String reason,
      Map<String, String> parameters, boolean dryRun, long issuedAtMs, ControlAck.Status ack, String ackReason,
      Long ackStep) {

    public DecisionEntry {
      parameters = Map.copyOf(parameters);
    }

    DecisionEntry acknowledged(ControlAck a) {
      return new DecisionEntry(seq, step, action, cause, reason, parameters, dryRun, issuedAtMs, a.status(), a.reason(),
          a.step());
    }
  }

  /** A run seen for the first time. */
  public static RunState initial(String runId) {
    return new RunState(new Meta(Meta.VERSION, runId, null, 0, List.of(), null, null, 0, 0, 0, false),
        MonitorState.initial(null));
  }

  public String runId() {
    return meta.runId();
  }
}
