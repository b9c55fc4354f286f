package dev.entropysentinel.alerting.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entropysentinel.alerting.Receiver;
import dev.entropysentinel.schemas.Alert;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.function.Function;

/**
 * A Slack incoming webhook: {@code text} as the notification fallback, {@code blocks} with the
 * run, type, severity, step, evidence, forecast and a link to the run's dashboard.
 */
public final class SlackReceiver implements Receiver {
  private final String name;
  private final URI url;
  private final Function<String, String> runUrl;

  public SlackReceiver(String name, URI url, Function<String, String> runUrl) {
    this.name = name;
    this.url = url;
    this.runUrl = runUrl;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public HttpRequest.Builder request(Alert alert, String deliveryId, Instant now) {
    return Json.post(url, Json.bytes(message(alert)));
  }

  ObjectNode message(Alert alert) {
    String icon = alert.status() == Alert.Status.RESOLVED ? ":white_check_mark:"
        : alert.severity() == Alert.Severity.CRITICAL ? ":rotating_light:" : ":warning:";
    String link = runUrl.apply(alert.runId());
    ObjectNode msg = Json.mapper().createObjectNode();
    msg.put("text", icon + " " + AlertText.title(alert) + ": " + alert.summary() + " <" + link + "|open run>");
    ArrayNode blocks = msg.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", truncate(icon + " " + AlertText.title(alert), 150));
    ObjectNode summary = blocks.addObject().put("type", "section");
    summary.putObject("text").put("type", "mrkdwn").put("text", truncate(alert.summary(), 3000));
    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    field(fields, "Run", "`" + alert.runId() + "`");
    field(fields, "Type", alert.type().name());
    field(fields, "Severity", alert.severity().name());
    field(fields, "Step", Long.toString(alert.step()));
    String evidence = AlertText.evidence(alert);
    if (!evidence.isEmpty()) {
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", "*Evidence*\n`" + evidence + "`");
    }
    String forecast = AlertText.forecast(alert);
    if (!forecast.isEmpty()) {
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", "*Forecast*\n`" + forecast + "`");
    }
    blocks.addObject().put("type", "context").putArray("elements").addObject()
        .put("type", "mrkdwn").put("text", "<" + link + "|Open the run's dashboard>");
    return msg;
  }

  private static void field(ArrayNode fields, String label, String value) {
    fields.addObject().put("type", "mrkdwn").put("text", "*" + label + "*\n" + value);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
