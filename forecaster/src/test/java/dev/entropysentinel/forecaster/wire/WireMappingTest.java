package dev.entropysentinel.forecaster.wire;

import dev.entropysentinel.schemas.ControlParameters;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.forecaster.Decision;
import dev.entropysentinel.forecaster.Detection;
import dev.entropysentinel.forecaster.DetectionType;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.WireJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireMappingTest {
  private final CommandSigner signer = new CommandSigner("monitor-and-trainers-share-this!".getBytes(UTF_8));
  private final WireMapping mapping = new WireMapping(signer);

  @Test
  void anInterventionBecomesASignedCommandCarryingItsChanges() {
    Decision d = new Decision(111, Decision.Action.INTERVENE, DetectionType.ENTROPY_COLLAPSE, "entropy 0.10 < 25% of 0.44",
        ControlParameters.klCov(0.002, 1), false);
    ControlCommand c = mapping.command("run-9", 4, 1_000, d);
    assertThat(c.action()).isEqualTo(ControlAction.INTERVENE);
    assertThat(c.parameters()).containsEntry("method", "kl-cov").containsEntry("klCovRatio", "0.002");
    assertThat(c.forecastStep()).isEqualTo(111);
    assertThat(c.reason()).startsWith("ENTROPY_COLLAPSE: entropy 0.10");
    assertThat(signer.verify(c)).isTrue();
    assertThat(signer.verify(WireJson.read(WireJson.write(c), ControlCommand.class))).isTrue();
  }

  @Test
  void aDryRunStopStaysADryRun() {
    Decision d = new Decision(339, Decision.Action.STOP, DetectionType.PLATEAU, "gain 0.0196 < 0.02", Map.of(), true);
    ControlCommand c = mapping.command("run-9", 5, 2_000, d);
    assertThat(c.action()).isEqualTo(ControlAction.STOP);
    assertThat(c.dryRun()).isTrue();
  }

  @Test
  void everyDetectionMapsToAFiringAlertWithItsEvidence() {
    for (DetectionType type : DetectionType.values()) {
      Alert a = WireMapping.alert("run-9", 3_000, new Detection(50, type, "because", Map.of("entropy", 0.1)));
      assertThat(a.type().name()).isEqualTo(type.name());
      assertThat(a.alertId()).isEqualTo("run-9/" + type);
      assertThat(a.status()).isEqualTo(Alert.Status.FIRING);
      assertThat(a.evidence()).containsEntry("entropy", 0.1);
    }
  }
}
