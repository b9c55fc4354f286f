package dev.entropysentinel.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.alerting.StandardWebhooks;
import dev.entropysentinel.alerting.WebhookSecret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The demo's receiver over real HTTP: signed deliveries are printed, forged ones refused. */
class WebhookPrinterTest {
  private static final String BODY = """
      {"type":"sentinel.alert.firing","timestamp":"2026-12-01T16:00:00Z","data":{"runId":"demo-grpo",
      "type":"ENTROPY_COLLAPSE","status":"FIRING","step":23,"summary":"smoothed entropy 0.58 fell below 60%"}}""";

  @Test
  void printsASignedAlertAndRefusesAForgedOne() throws Exception {
    WebhookSecret secret = WebhookSecret.random();
    StringWriter printed = new StringWriter();
    try (WebhookPrinter printer = WebhookPrinter.start(secret, new PrintWriter(printed, true))) {
      byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
      long now = Instant.now().getEpochSecond();
      assertThat(post(printer, body, new StandardWebhooks(secret).sign("msg_1", now, body), now)).isEqualTo(204);
      assertThat(post(printer, body, new StandardWebhooks(WebhookSecret.random()).sign("msg_1", now, body), now))
          .isEqualTo(401);
      assertThat(printer.received()).isEqualTo(1);
      assertThat(printed.toString().lines()).containsExactly(
          "webhook  FIRING   demo-grpo      ENTROPY_COLLAPSE  step 23    smoothed entropy 0.58 fell below 60%",
          "webhook  refused a delivery: no v1 signature in webhook-signature matches the body");
    }
  }

  private static int post(WebhookPrinter printer, byte[] body, String signature, long ts) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(printer.url())
        .header(StandardWebhooks.ID, "msg_1").header(StandardWebhooks.TIMESTAMP, Long.toString(ts))
        .header(StandardWebhooks.SIGNATURE, signature).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
