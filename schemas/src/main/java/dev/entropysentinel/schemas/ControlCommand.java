package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.id;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;
import static dev.entropysentinel.schemas.internal.Require.present;
import static dev.entropysentinel.schemas.internal.Require.text;
import static dev.entropysentinel.schemas.internal.Require.textMap;
import static dev.entropysentinel.schemas.internal.Require.version;

import java.util.Map;

/**
 * A command from the monitor to the trainers of a run. {@code seq} increases per run so a trainer
 * ignores replays; {@code signature} is an HMAC over the other fields ({@link CommandSigner}) so a
 * trainer only obeys the monitor. {@code parameters} are the changes for INTERVENE in the
 * {@link ControlParameters} vocabulary (e.g. {@code method=kl-cov}, {@code klCoef=2}); {@code
 * forecastStep} names the forecast that led to it.
 */
public record ControlCommand(
    String schemaVersion,
    String runId,
    long seq,
    long issuedAtMs,
    ControlAction action,
    String reason,
    Map<String, String> parameters,
    long forecastStep,
    boolean dryRun,
    String signature) implements WireRecord {

  public ControlCommand {
    version(schemaVersion);
    id("runId", runId);
    nonNegative("seq", seq);
    nonNegative("issuedAtMs", issuedAtMs);
    present("action", action);
    text("reason", reason);
    parameters = ControlParameters.validated(textMap("parameters", parameters));
    nonNegative("forecastStep", forecastStep);
    text("signature", signature);
  }

  /** The same command with another signature (signing happens after building). */
  public ControlCommand withSignature(String newSignature) {
    return new ControlCommand(schemaVersion, runId, seq, issuedAtMs, action, reason, parameters,
        forecastStep, dryRun, newSignature);
  }
}
