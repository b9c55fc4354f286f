package dev.entropysentinel.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.SchemaVersion;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiversTest {
  private static final Alert FIRING = new Alert(SchemaVersion.CURRENT, "run-7/ENTROPY_COLLAPSE", "run-7",
      Alert.Type.ENTROPY_COLLAPSE, Alert.Severity.CRITICAL, Alert.Status.FIRING, 120, 1_764_000_000_000L, null,
      "entropy collapsed", Map.of("entropy", 0.051234, "ceiling", 0.62, "predictedFinal", 0.58));
  private static final Alert RESOLVED = new Alert(SchemaVersion.CURRENT, FIRING.alertId(), "run-7", FIRING.type(),
      FIRING.severity(), Alert.Status.RESOLVED, 180, FIRING.startsAtMs(), FIRING.startsAtMs() + 60_000, "recovered", Map.of());

  @Test
  void alertmanagerGetsLabelsAnnotationsAndEndsAtOnlyWhenResolved() {
    AlertmanagerReceiver am = new AlertmanagerReceiver("am", URI.create("http://am:9093/"), run -> "http://g/" + run, run -> "kl-cov");
    JsonNode firing = am.alerts(FIRING).get(0);
    assertThat(firing.get("labels").get("alertname").asText()).isEqualTo("SentinelEntropyCollapse");
    assertThat(firing.get("labels").get("severity").asText()).isEqualTo("critical");
    assertThat(firing.get("labels").get("method").asText()).isEqualTo("kl-cov");
    assertThat(firing.get("annotations").get("evidence").asText()).isEqualTo("entropy=0.05123");
    assertThat(firing.get("annotations").get("forecast").asText()).isEqualTo("ceiling=0.6200, predictedFinal=0.5800");
    assertThat(firing.get("startsAt").asText()).isEqualTo("2025-11-24T16:00:00Z");
    assertThat(firing.has("endsAt")).isFalse();
    JsonNode resolved = am.alerts(RESOLVED).get(0);
    assertThat(resolved.get("labels")).isEqualTo(firing.get("labels"));
    assertThat(resolved.get("endsAt").asText()).isEqualTo("2025-11-24T16:01:00Z");
    assertThat(am.request(FIRING, "id", java.time.Instant.EPOCH).build().uri()).hasToString("http://am:9093/api/v2/alerts");
  }

  @Test
  void theResolveCarriesTheMethodLabelTheFiringHadEvenAfterTheRunSwitchedMethod() {
    String[] method = {"grpo"};
    AlertmanagerReceiver am = new AlertmanagerReceiver("am", URI.create("http://am:9093"), run -> "u", run -> method[0]);
    JsonNode firing = am.alerts(FIRING).get(0).get("labels");
    method[0] = "kl-cov";
    assertThat(am.alerts(RESOLVED).get(0).get("labels")).isEqualTo(firing);
    assertThat(firing.get("method").asText()).isEqualTo("grpo");
  }

  @Test
  void slackShowsRunTypeSeverityEvidenceForecastAndTheLink() {
    JsonNode msg = new SlackReceiver("s", URI.create("https://hooks.slack.test/x"), run -> "http://g/" + run).message(FIRING);
    assertThat(msg.get("text").asText()).contains("FIRING ENTROPY_COLLAPSE on run run-7", "<http://g/run-7|open run>");
    String blocks = msg.get("blocks").toString();
    assertThat(blocks).contains("*Run*\\n`run-7`", "*Severity*\\nCRITICAL", "*Step*\\n120", "entropy=0.05123",
        "*Forecast*\\n`ceiling=0.6200, predictedFinal=0.5800`", "<http://g/run-7|Open the run's dashboard>");
    assertThat(new SlackReceiver("s", URI.create("https://x.test"), r -> r).message(RESOLVED).get("text").asText())
        .startsWith(":white_check_mark: RESOLVED");
  }
}
