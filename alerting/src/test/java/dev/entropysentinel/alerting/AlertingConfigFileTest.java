package dev.entropysentinel.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertingConfigFileTest {
  private static final String SECRET = WebhookSecret.random().encoded();
  private final AlertingConfigFile file = new AlertingConfigFile(Map.of("HOOK_SECRET", SECRET, "SLACK_URL",
      "https://hooks.slack.test/services/T/B/X")::get);

  @Test
  void readsEveryKindWithSecretsByReferenceAndPerReceiverOverrides(@TempDir Path dir) throws Exception {
    Path secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    AlertingConfig config = file.parse("""
        runUrl: http://grafana:3000/d/run?var-run={run}
        delivery: {maxAttempts: 3, timeoutMs: 2000}
        receivers:
          - {name: ops, type: webhook, url: https://ops.test/hook, secretFile: %s}
          - {name: ops2, type: webhook, url: https://ops.test/hook2, secretEnv: HOOK_SECRET}
          - {name: slack, type: slack, urlEnv: SLACK_URL}
          - {name: am, type: alertmanager, url: http://am:9093, delivery: {timeoutMs: 500}}
        """.formatted(secretFile));
    assertThat(config.receivers()).extracting(ReceiverConfig::kind).containsExactly(
        ReceiverConfig.Kind.WEBHOOK, ReceiverConfig.Kind.WEBHOOK, ReceiverConfig.Kind.SLACK, ReceiverConfig.Kind.ALERTMANAGER);
    assertThat(config.receivers().get(0).secret()).isEqualTo(WebhookSecret.parse(SECRET));
    assertThat(config.receivers().get(2).url().getHost()).isEqualTo("hooks.slack.test");
    assertThat(config.receivers().get(3).policy().timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.receivers().get(3).policy().maxAttempts()).isEqualTo(3);
    assertThat(config.runUrl("run 7")).isEqualTo("http://grafana:3000/d/run?var-run=run+7");
  }

  @Test
  void anInlineSecretIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> file.parse("receivers: [{name: a, type: webhook, url: http://x.test, secret: whsec_abc}]"))
        .hasMessageStartingWith("receivers[0].secret: unknown key").hasMessageContaining("use secretFile or secretEnv");
  }

  @Test
  void aMissingEnvironmentVariableIsNamed() {
    assertThatThrownBy(() -> file.parse("receivers: [{name: a, type: webhook, url: http://x.test, secretEnv: NOPE}]"))
        .hasMessage("receivers[0].secretEnv: environment variable NOPE is not set");
  }

  @Test
  void anUnreadableSecretFileIsNamed() {
    assertThatThrownBy(() -> file.parse("receivers: [{name: a, type: webhook, url: http://x.test, secretFile: /nonexistent/s}]"))
        .hasMessageStartingWith("receivers[0].secretFile: file /nonexistent/s is not readable");
  }

  @Test
  void aWebhookWithoutSecretIsRefused() {
    assertThatThrownBy(() -> file.parse("receivers: [{name: a, type: webhook, url: http://x.test}]"))
        .hasMessageContaining("receivers[0]: a webhook needs secretFile or secretEnv");
  }

  @Test
  void badDeliveryValuesNameTheirKey() {
    assertThatThrownBy(() -> file.parse("receivers: [{name: a, type: alertmanager, url: http://x.test, delivery: {maxAttempts: 0}}]"))
        .hasMessage("receivers[0].delivery.maxAttempts must be >= 1, was 0");
    assertThatThrownBy(() -> file.parse("delivery: {jitter: 1.5}\nreceivers: [{name: a, type: slack, url: http://x.test}]"))
        .hasMessage("delivery.jitter must be in [0, 1), was 1.5");
    assertThatThrownBy(() -> file.parse("delivery: {timeoutMs: soon}\nreceivers: [{name: a, type: slack, url: http://x.test}]"))
        .hasMessage("delivery.timeoutMs: must be a number, was \"soon\"");
  }

  @Test
  void unknownTypeDuplicateNamesAndBadUrlsAreRefused() {
    assertThatThrownBy(() -> file.parse("receivers: [{name: a, type: pager, url: http://x.test}]"))
        .hasMessage("receivers[0].type: must be webhook, slack or alertmanager, was \"pager\"");
    assertThatThrownBy(() -> file.parse("receivers: [{name: a, type: slack, url: http://x.test}, {name: a, type: slack, url: http://y.test}]"))
        .hasMessageContaining("name \"a\" is used twice");
    assertThatThrownBy(() -> file.parse("receivers: [{name: a, type: slack, url: ftp://x.test}]"))
        .hasMessage("receivers[0].url: must be an http(s) URL with a host");
    assertThatThrownBy(() -> file.parse("receivers: []")).hasMessageStartingWith("receivers: must be a non-empty list");
    assertThatThrownBy(() -> file.parse("recievers: []")).hasMessageStartingWith("recievers: unknown key");
  }

  @Test
  void loadNamesTheFile(@TempDir Path dir) throws Exception {
    Path yaml = Files.writeString(dir.resolve("alerting.yaml"), "receivers: [{name: a, type: slack}]");
    assertThatThrownBy(() -> file.load(yaml)).hasMessage(yaml + ": receivers[0]: give exactly one of url, urlFile, urlEnv (found 0)");
  }
}
