package dev.entropysentinel.alerting.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entropysentinel.alerting.Receiver;
import dev.entropysentinel.alerting.StandardWebhooks;
import dev.entropysentinel.alerting.WebhookSecret;
import dev.entropysentinel.schemas.Alert;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Locale;

/**
 * A generic JSON webhook signed per Standard Webhooks. The body follows the convention's
 * recommended envelope: {@code {"type": "sentinel.alert.firing", "timestamp": …, "data": <Alert>}}.
 */
public final class WebhookReceiver implements Receiver {
  private final String name;
  private final URI url;
  private final StandardWebhooks signer;

  public WebhookReceiver(String name, URI url, WebhookSecret secret) {
    this.name = name;
    this.url = url;
    this.signer = new StandardWebhooks(secret);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public HttpRequest.Builder request(Alert alert, String deliveryId, Instant now) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("type", "sentinel.alert." + alert.status().name().toLowerCase(Locale.ROOT));
    long eventMs = alert.endsAtMs() != null && alert.status() == Alert.Status.RESOLVED ? alert.endsAtMs() : alert.startsAtMs();
    body.put("timestamp", Instant.ofEpochMilli(eventMs).toString());
    body.set("data", Json.mapper().valueToTree(alert));
    byte[] bytes = Json.bytes(body);
    long ts = now.getEpochSecond();
    return Json.post(url, bytes)
        .header(StandardWebhooks.ID, deliveryId)
        .header(StandardWebhooks.TIMESTAMP, Long.toString(ts))
        .header(StandardWebhooks.SIGNATURE, signer.sign(deliveryId, ts, bytes));
  }
}
