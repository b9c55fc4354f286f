package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.finiteMap;
import static dev.entropysentinel.schemas.internal.Require.id;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;
import static dev.entropysentinel.schemas.internal.Require.present;
import static dev.entropysentinel.schemas.internal.Require.text;
import static dev.entropysentinel.schemas.internal.Require.version;

import java.util.Map;

/**
 * A firing or resolved alert about a run. {@code alertId} is stable for one condition of one run
 * (e.g. {@code run-7/ENTROPY_COLLAPSE}) so receivers can dedupe and match the resolve notice;
 * {@code evidence} holds the numbers behind it. {@code INCOMPLETE_STEP}: a step merged without some
 * of its ranks after the grace window, or a rank that arrived after its step was merged.
 */
public record Alert(
    String schemaVersion,
    String alertId,
    String runId,
    Type type,
    Severity severity,
    Status status,
    long step,
    long startsAtMs,
    Long endsAtMs,
    String summary,
    Map<String, Double> evidence) implements WireRecord {

  public enum Type { ENTROPY_COLLAPSE, ENTROPY_EXPLOSION, CEILING_REACHED, PLATEAU, SILENT_RUN, FIT_BROKEN, INTERVENTION, STOP, INCOMPLETE_STEP }

  public enum Severity { INFO, WARNING, CRITICAL }

  public enum Status { FIRING, RESOLVED }

  public Alert {
    version(schemaVersion);
    id("alertId", alertId);
    id("runId", runId);
    present("type", type);
    present("severity", severity);
    present("status", status);
    nonNegative("step", step);
    nonNegative("startsAtMs", startsAtMs);
    if (endsAtMs != null && endsAtMs < startsAtMs) {
      throw new InvalidRecordException("endsAtMs", "must be >= startsAtMs (" + startsAtMs + "), was " + endsAtMs);
    }
    if (status == Status.RESOLVED && endsAtMs == null) {
      throw new InvalidRecordException("endsAtMs", "is required when status is RESOLVED");
    }
    text("summary", summary);
    evidence = finiteMap("evidence", evidence);
  }
}
