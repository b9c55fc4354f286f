package dev.entropysentinel.alerting;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.SchemaVersion;
import java.util.Map;

/** Alerts for tests: an entropy collapse of a run, firing or resolved. */
final class TestAlerts {
  static final long STARTS = 1_764_000_000_000L;

  private TestAlerts() {}

  static Alert firing(String run) {
    return firing(run, Alert.Type.ENTROPY_COLLAPSE);
  }

  static Alert firing(String run, Alert.Type type) {
    return new Alert(SchemaVersion.CURRENT, run + "/" + type, run, type, Alert.Severity.CRITICAL, Alert.Status.FIRING,
        120, STARTS, null, "entropy fell to 0.05 nats, 60 steps before the forecast ceiling",
        Map.of("entropy", 0.0512, "slope", -0.0031, "ceiling", 0.62, "predictedFinal", 0.58));
  }

  static Alert resolved(String run) {
    Alert f = firing(run);
    return new Alert(f.schemaVersion(), f.alertId(), f.runId(), f.type(), f.severity(), Alert.Status.RESOLVED,
        180, f.startsAtMs(), STARTS + 60_000, "entropy recovered to 0.31 nats after KL-Cov", Map.of("entropy", 0.31));
  }
}
