package dev.entropysentinel.alerting.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entropysentinel.alerting.Receiver;
import dev.entropysentinel.schemas.Alert;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Prometheus Alertmanager's v2 API ({@code POST /api/v2/alerts}). A firing alert is sent without
 * {@code endsAt} (Alertmanager keeps it until {@code resolve_timeout}); the resolve notice sends
 * the same labels with {@code endsAt}, which is how Alertmanager matches and resolves it.
 */
public final class AlertmanagerReceiver implements Receiver {
  private final String name;
  private final URI alertsUrl;
  private final Function<String, String> runUrl;
  private final Function<String, String> methodOfRun;
  /**
   * The method label each firing alert was sent with: its resolve must carry the same labels or
   * Alertmanager treats it as another alert. Only this receiver's thread touches it.
   */
  private final Map<String, String> methodAtFiring = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > 100_000;
    }
  };

  /**
   * @param methodOfRun the run's training method for the {@code method} label, or null when unknown
   */
  public AlertmanagerReceiver(String name, URI baseUrl, Function<String, String> runUrl, Function<String, String> methodOfRun) {
    this.name = name;
    String base = baseUrl.toString();
    this.alertsUrl = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts");
    this.runUrl = runUrl;
    this.methodOfRun = methodOfRun;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public HttpRequest.Builder request(Alert alert, String deliveryId, Instant now) {
    return Json.post(alertsUrl, Json.bytes(alerts(alert)));
  }

  ArrayNode alerts(Alert alert) {
    ArrayNode list = Json.mapper().createArrayNode();
    ObjectNode a = list.addObject();
    ObjectNode labels = a.putObject("labels");
    labels.put("alertname", alertName(alert.type()));
    labels.put("run", alert.runId());
    labels.put("severity", alert.severity().name().toLowerCase(Locale.ROOT));
    labels.put("type", alert.type().name());
    String method = alert.status() == Alert.Status.FIRING || !methodAtFiring.containsKey(alert.alertId())
        ? methodOfRun.apply(alert.runId()) : methodAtFiring.get(alert.alertId());
    if (alert.status() == Alert.Status.FIRING) {
      methodAtFiring.put(alert.alertId(), method);
    }
    if (method != null) {
      labels.put("method", method);
    }
    ObjectNode annotations = a.putObject("annotations");
    annotations.put("summary", alert.summary());
    annotations.put("step", Long.toString(alert.step()));
    String evidence = AlertText.evidence(alert);
    if (!evidence.isEmpty()) {
      annotations.put("evidence", evidence);
    }
    String forecast = AlertText.forecast(alert);
    if (!forecast.isEmpty()) {
      annotations.put("forecast", forecast);
    }
    a.put("startsAt", Instant.ofEpochMilli(alert.startsAtMs()).toString());
    if (alert.status() == Alert.Status.RESOLVED) {
      a.put("endsAt", Instant.ofEpochMilli(alert.endsAtMs()).toString());
    }
    a.put("generatorURL", runUrl.apply(alert.runId()));
    return list;
  }

  /** ENTROPY_COLLAPSE → SentinelEntropyCollapse, the CamelCase Prometheus alert names use. */
  static String alertName(Alert.Type type) {
    StringBuilder b = new StringBuilder("Sentinel");
    for (String part : type.name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }
}
