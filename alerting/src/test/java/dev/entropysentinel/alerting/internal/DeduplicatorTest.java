package dev.entropysentinel.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.SchemaVersion;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {
  private final Deduplicator dedupe = new Deduplicator(2);

  @Test
  void repeatedStatusIsSuppressedButTheLifecycleGoesThrough() {
    assertThat(dedupe.admit(alert("r", Alert.Type.PLATEAU, Alert.Status.FIRING))).isTrue();
    assertThat(dedupe.admit(alert("r", Alert.Type.PLATEAU, Alert.Status.FIRING))).isFalse();
    assertThat(dedupe.admit(alert("r", Alert.Type.PLATEAU, Alert.Status.RESOLVED))).isTrue();
    assertThat(dedupe.admit(alert("r", Alert.Type.PLATEAU, Alert.Status.RESOLVED))).isFalse();
    assertThat(dedupe.admit(alert("r", Alert.Type.PLATEAU, Alert.Status.FIRING))).isTrue();
  }

  @Test
  void otherRunsAndTypesAreOtherConditionsAndTheOldestIsForgotten() {
    assertThat(dedupe.admit(alert("r", Alert.Type.PLATEAU, Alert.Status.FIRING))).isTrue();
    assertThat(dedupe.admit(alert("s", Alert.Type.PLATEAU, Alert.Status.FIRING))).isTrue();
    assertThat(dedupe.admit(alert("s", Alert.Type.STOP, Alert.Status.FIRING))).isTrue();
    assertThat(dedupe.admit(alert("r", Alert.Type.PLATEAU, Alert.Status.FIRING))).isTrue();
  }

  @Test
  void deliveryIdIsStablePerAlertAndStatus() {
    Alert firing = alert("r", Alert.Type.PLATEAU, Alert.Status.FIRING);
    assertThat(AlertKeys.deliveryId(firing)).isEqualTo(AlertKeys.deliveryId(alert("r", Alert.Type.PLATEAU, Alert.Status.FIRING)))
        .startsWith("msg_").hasSize(36)
        .isNotEqualTo(AlertKeys.deliveryId(alert("r", Alert.Type.PLATEAU, Alert.Status.RESOLVED)));
  }

  private static Alert alert(String run, Alert.Type type, Alert.Status status) {
    return new Alert(SchemaVersion.CURRENT, run + "/" + type, run, type, Alert.Severity.WARNING, status, 10, 1000,
        status == Alert.Status.RESOLVED ? 2000L : null, "s", Map.of());
  }
}
