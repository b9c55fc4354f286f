package dev.entropysentinel.forecaster.wire;

import java.util.LinkedHashMap;
import java.util.Map;
import dev.entropysentinel.forecaster.Decision;
import dev.entropysentinel.forecaster.Detection;
import dev.entropysentinel.forecaster.DetectionType;
import dev.entropysentinel.forecaster.EntropyLawFit;
import dev.entropysentinel.forecaster.ForecastResult;
import dev.entropysentinel.forecaster.MonitorState;
import dev.entropysentinel.forecaster.MonitorTransition;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.SchemaVersion;

/**
 * Turns the forecaster's decisions and detections into the wire records of {@code schemas}: a
 * signed {@link ControlCommand} for the trainer, a firing or resolved {@link Alert} for the receivers
 * and a run's {@link Forecast}. The
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
    return new Alert(SchemaVersion.CURRENT, alertId(runId, detection), runId, alertType(detection.type()),
        severity(detection.type()), Alert.Status.FIRING, detection.step(), firedAtMs, null, detection.reason(),
        finite(detection.evidence()));
  }

  /**
   * The resolve notice of a condition that cleared, with the firing alert's id. The firing time is
   * not kept in the state, so it starts and ends at {@code resolvedAtMs}; receivers match it by id.
   */
  public static Alert resolved(String runId, long resolvedAtMs, Detection detection) {
    return new Alert(SchemaVersion.CURRENT, alertId(runId, detection), runId, alertType(detection.type()),
        severity(detection.type()), Alert.Status.RESOLVED, detection.step(), resolvedAtMs, resolvedAtMs,
        detection.reason(), finite(detection.evidence()));
  }

  /**
   * The run's forecast record from its monitor state: the law's fit, the forecast at the planned
   * last step with its interval and driving model, or the reason there is none; {@code finalStep}
   * is 0 while the planned total is unknown.
   */
  public static Forecast forecast(String runId, long timestampMs, MonitorState state) {
    ForecastResult result = state.forecast();
    EntropyLawFit fit = result == null ? EntropyLawFit.empty() : result.fit();
    dev.entropysentinel.forecaster.Forecast f = result == null ? null : result.forecast();
    return new Forecast(SchemaVersion.CURRENT, runId, Math.max(0, state.lastStep()), timestampMs, finite(fit.a()),
        finite(fit.b()), finite(fit.r2()), finite(fit.ceiling()), fit.n(),
        state.totalSteps() == null ? 0 : state.totalSteps(), f == null ? null : f.value(), f == null ? null : f.lo(),
        f == null ? null : f.hi(), f == null ? null : f.model(),
        state.stepsToCollapse() == null ? null : state.stepsToCollapse().longValue(),
        Forecast.Phase.valueOf(state.phase().name()), forecastReason(state));
  }

  /** The reason {@link #forecast} gives for a state: how the forecast was made, or why there is none. */
  public static String forecastReason(MonitorState state) {
    ForecastResult result = state.forecast();
    return result != null ? result.reason()
        : state.totalSteps() == null ? MonitorTransition.NO_TARGET : "no validation paired with an entropy yet";
  }

  private static String alertId(String runId, Detection detection) {
    return runId + "/" + detection.type();
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Evidence without the numbers that are not (yet) defined, e.g. an R² of constant scores. */
  private static Map<String, Double> finite(Map<String, Double> evidence) {
    Map<String, Double> out = new LinkedHashMap<>();
    evidence.forEach((k, v) -> {
      if (Double.isFinite(v)) {
        out.put(k, v);
      }
    });
    return out;
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
