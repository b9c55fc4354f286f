package dev.entropysentinel.forecaster.wire;

import dev.entropysentinel.schemas.ControlParameters;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.forecaster.Decision;
import dev.entropysentinel.forecaster.Detection;
import dev.entropysentinel.forecaster.DetectionType;
import dev.entropysentinel.forecaster.ForecastConfig;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.forecaster.MonitorEvent;
import dev.entropysentinel.forecaster.MonitorState;
import dev.entropysentinel.forecaster.MonitorTransition;
import dev.entropysentinel.schemas.Forecast;
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

  @Test
  void aResolvedAlertKeepsTheFiringAlertsIdAndEndsWhenItResolves() {
    Detection cleared = new Detection(80, DetectionType.ENTROPY_COLLAPSE, "ENTROPY_COLLAPSE no longer holds at step 80",
        Map.of("entropy", 0.3, "r2", Double.NaN));
    Alert a = WireMapping.resolved("run-9", 5_000, cleared);
    assertThat(a.status()).isEqualTo(Alert.Status.RESOLVED);
    assertThat(a.alertId()).isEqualTo(WireMapping.alert("run-9", 1_000, cleared).alertId());
    assertThat(a.endsAtMs()).isEqualTo(5_000L);
    assertThat(a.evidence()).containsOnlyKeys("entropy");
  }

  @Test
  void theForecastRecordCarriesTheFitTheIntervalThePhaseAndTheStepsToCollapse() {
    MonitorTransition t = new MonitorTransition(MonitorConfig.ofDefaults(), ForecastConfig.ofDefaults());
    MonitorState s = MonitorState.initial(400);
    for (int step = 1; step <= 40; step++) {
      double h = 0.5 * Math.exp(-step / 40.0);
      s = t.apply(s, new MonitorEvent.Entropy(step, h, step * 1_000L)).state();
      if (step % 5 == 0) {
        s = t.apply(s, new MonitorEvent.Validation(step, 0.9 - 0.3 * Math.exp(h) + 0.003 * Math.sin(step), step * 1_000L))
            .state();
      }
    }
    Forecast f = WireMapping.forecast("run-9", 41_000, s);
    assertThat(f.step()).isEqualTo(40);
    assertThat(f.a()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.05));
    assertThat(f.ceiling()).isCloseTo(f.b() - f.a(), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(f.r2()).isGreaterThan(0.9);
    assertThat(f.pointsUsed()).isEqualTo(8);
    assertThat(f.finalStep()).isEqualTo(400);
    assertThat(f.predictedLo()).isLessThanOrEqualTo(f.predictedFinal());
    assertThat(f.predictedHi()).isGreaterThanOrEqualTo(f.predictedFinal());
    assertThat(f.model()).isEqualTo(s.forecast().forecast().model());
    assertThat(f.phase()).isEqualTo(Forecast.Phase.LEARNING);
    assertThat(f.stepsToCollapse()).isEqualTo(s.stepsToCollapse().longValue()).isPositive();
    assertThat(f.reason()).isEqualTo(s.forecast().reason());
  }

  @Test
  void withoutAPlanTheForecastRecordSaysWhy() {
    Forecast f = WireMapping.forecast("run-9", 0, MonitorState.initial(null));
    assertThat(f.predictedFinal()).isNull();
    assertThat(f.finalStep()).isZero();
    assertThat(f.phase()).isEqualTo(Forecast.Phase.UNKNOWN);
    assertThat(f.reason()).isEqualTo(MonitorTransition.NO_TARGET);
  }
}
