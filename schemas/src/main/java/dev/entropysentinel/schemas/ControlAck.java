package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.id;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;
import static dev.entropysentinel.schemas.internal.Require.present;
import static dev.entropysentinel.schemas.internal.Require.text;
import static dev.entropysentinel.schemas.internal.Require.version;

/**
 * A trainer's answer to a {@link ControlCommand}: APPLIED at a step boundary, or REFUSED with why
 * (forged, unsigned, replayed, out of order, for another run, stale, unknown parameter), so the
 * monitor knows whether its decision took effect and an operator sees attacks and misconfigured keys.
 *
 * @param seq the command's sequence number as received (0 when the command was unreadable)
 * @param step the trainer's step when it applied or refused the command
 */
public record ControlAck(
    String schemaVersion,
    String runId,
    long seq,
    String host,
    int rank,
    long step,
    long timestampMs,
    Status status,
    String reason) implements WireRecord {

  /** What the trainer did with a command. */
  public enum Status { APPLIED, REFUSED }

  public ControlAck {
    version(schemaVersion);
    id("runId", runId);
    nonNegative("seq", seq);
    id("host", host);
    nonNegative("rank", rank);
    nonNegative("step", step);
    nonNegative("timestampMs", timestampMs);
    present("status", status);
    text("reason", reason);
  }
}
