package dev.entropysentinel.trainer.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.trainer.loss.LossConfig;
import java.time.Duration;

/**
 * Decides what the trainer does with a control command, as a pure function {@code (state, command,
 * now, current loss) → decision}: only an authentic (signed with the shared key), fresh (issued
 * within the freshness window), in-order ({@code seq} above the last applied) command for this run
 * with valid parameters is applied; a dry run is advice only. Every refusal says why, so it can be
 * logged and acknowledged as REFUSED.
 */
public final class ControlGate {
  /** What to do with a command. */
  public enum Outcome { APPLY, ADVISE, REFUSE }

  /**
   * @param next the state after this command
   * @param seq the command's sequence number (0 when unreadable)
   * @param command the command, null when it could not be read
   * @param loss the method and parameters to switch to (APPLY of an INTERVENE), else null
   * @param reason why (for refusals) or what (for applied commands and advice)
   */
  public record Decision(ControlState next, Outcome outcome, long seq, ControlCommand command, LossConfig loss, String reason) {}

  private final String runId;
  private final CommandSigner signer;
  private final Duration freshness;

  /**
   * @param freshness how old (by {@code issuedAtMs}) a command may be and still be obeyed; also the
   *     tolerated clock skew for commands from the future
   */
  public ControlGate(String runId, CommandSigner signer, Duration freshness) {
    if (freshness == null || freshness.isNegative() || freshness.isZero()) {
      throw new IllegalArgumentException("control.freshness must be positive, was " + freshness);
    }
    this.runId = runId;
    this.signer = signer;
    this.freshness = freshness;
  }

  public Duration freshness() {
    return freshness;
  }

  /** Decides on a record's raw bytes: unreadable ones (bad JSON, unknown parameter, …) are refused with the problem. */
  public Decision decide(ControlState state, byte[] raw, long nowMs, LossConfig current) {
    ControlCommand command;
    try {
      command = WireJson.read(raw, ControlCommand.class);
    } catch (RuntimeException e) {
      return refuse(state, seqOf(raw), null, "unreadable command: " + e.getMessage());
    }
    return decide(state, command, nowMs, current);
  }

  public Decision decide(ControlState state, ControlCommand c, long nowMs, LossConfig current) {
    if (!runId.equals(c.runId())) {
      return refuse(state, c.seq(), c, "for another run: " + c.runId() + " (this is " + runId + ")");
    }
    if (c.signature() == null || c.signature().isBlank()) {
      return refuse(state, c.seq(), c, "unsigned");
    }
    if (!signer.verify(c)) {
      return refuse(state, c.seq(), c, "forged: the signature does not match (another key, or fields altered)");
    }
    if (c.seq() == state.lastAppliedSeq()) {
      return refuse(state, c.seq(), c, "replayed: seq " + c.seq() + " was already applied");
    }
    if (c.seq() < state.lastAppliedSeq()) {
      return refuse(state, c.seq(), c, "out of order: seq " + c.seq() + " is older than the last applied seq " + state.lastAppliedSeq());
    }
    long age = nowMs - c.issuedAtMs();
    if (age > freshness.toMillis()) {
      return refuse(state, c.seq(), c, "stale: issued " + age + " ms ago, beyond the freshness window of " + freshness.toMillis() + " ms");
    }
    if (-age > freshness.toMillis()) {
      return refuse(state, c.seq(), c, "issued " + -age + " ms in the future (clock skew beyond " + freshness.toMillis() + " ms)");
    }
    LossConfig next = null;
    if (c.action() == ControlAction.INTERVENE) {
      try {
        next = current.with(ControlParameters.validated(c.parameters()));
      } catch (RuntimeException e) {
        return refuse(state, c.seq(), c, "invalid parameters: " + e.getMessage());
      }
    }
    ControlState after = new ControlState(c.seq());
    if (c.dryRun()) {
      return new Decision(after, Outcome.ADVISE, c.seq(), c, null, "dry run " + describe(c));
    }
    return new Decision(after, Outcome.APPLY, c.seq(), c, next, describe(c));
  }

  private static String describe(ControlCommand c) {
    return c.action() + " seq=" + c.seq() + (c.parameters().isEmpty() ? "" : " " + new java.util.TreeMap<>(c.parameters()))
        + " (" + c.reason() + ")";
  }

  private static Decision refuse(ControlState state, long seq, ControlCommand c, String reason) {
    return new Decision(state, Outcome.REFUSE, seq, c, null, reason);
  }

  private static long seqOf(byte[] raw) {
    try {
      JsonNode seq = WireJson.mapper().readTree(raw).path("seq");
      return seq.canConvertToLong() && seq.asLong() >= 0 ? seq.asLong() : 0;
    } catch (Exception e) {
      return 0;
    }
  }
}
