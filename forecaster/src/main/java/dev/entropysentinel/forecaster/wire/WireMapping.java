package dev.entropysentinel.forecaster.wire;

import dev.entropysentinel.forecaster.Decision;
import dev.entropysentinel.forecaster.Detection;
import dev.entropysentinel.forecaster.DetectionType;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.SchemaVersion;

/**
 * Turns the forecaster's decisions and detections into the wire records of {@code schemas}: a
 * signed {@link ControlCommand} for the trainer and a firing {@link Alert} for the receivers. The
 * forecaster's own types stay free of wire concerns (sequence numbers, signatures, alert ids).
 */
public final class WireMapping {
  private final CommandSigner signer;

  public WireMapping(CommandSigner signer) {
    this.signer = signer;
  }

  /**
   * The signed control command for a decision.
   *
   * @param seq per-run sequence number, increasing, so a trainer can ignore replays
   */
  public ControlCommand command(String runId, long seq, long issuedAtMs, Decision decision) {
    ControlAction action = switch (decision.action()) {
      case INTERVENE -> ControlAction.INTERVENE;
      case STOP -> ControlAction.STOP;
    };
    ControlCommand unsigned = new ControlCommand(SchemaVersion.CURRENT, runId, seq, issuedAtMs, action,
        decision.cause() + ": " + decision.reason(), decision.parameterChanges(), decision.step(), decision.dryRun(), "unsigned");
    return signer.sign(unsigned);
  }

  /** A firing alert for a detection; its id is stable per (run, condition) so receivers can dedupe. */
  public static Alert alert(String runId, long firedAtMs, Detection detection) {
    return new Alert(SchemaVersion.CURRENT, runId + "/" + detection.type(), runId, alertType(detection.type()),
        severity(detection.type()), Alert.Status.FIRING, detection.step(), firedAtMs, null, detection.reason(),
        detection.evidence());
  }

  static Alert.Type alertType(DetectionType type) {
    return switch (type) {
      case ENTROPY_COLLAPSE -> Alert.Type.ENTROPY_COLLAPSE;
      case ENTROPY_EXPLOSION -> Alert.Type.ENTROPY_EXPLOSION;
      case PLATEAU -> Alert.Type.PLATEAU;
      case FIT_BROKEN -> Alert.Type.FIT_BROKEN;
      case SILENT_RUN -> Alert.Type.SILENT_RUN;
    };
  }

  /** Collapse and explosion cost the run its learning; the others are worth a look. */
  static Alert.Severity severity(DetectionType type) {
    return switch (type) {
      case ENTROPY_COLLAPSE, ENTROPY_EXPLOSION -> Alert.Severity.CRITICAL;
      case PLATEAU, FIT_BROKEN, SILENT_RUN -> Alert.Severity.WARNING;
    };
  }
}
