package dev.entropysentinel.alerting.internal;

import dev.entropysentinel.schemas.Alert;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** The words and numbers every human-facing receiver shows, written once. */
final class AlertText {
  /** Evidence keys that describe the forecast, shown on their own line. */
  private static final List<String> FORECAST_KEYS = List.of("predictedFinal", "predictedLo", "predictedHi", "ceiling", "target");

  private AlertText() {}

  static String title(Alert alert) {
    String state = alert.status() == Alert.Status.FIRING ? "FIRING" : "RESOLVED";
    return state + " " + alert.type() + " on run " + alert.runId() + " (" + alert.severity().name().toLowerCase(Locale.ROOT) + ")";
  }

  /** Evidence other than the forecast, {@code key=value} with four significant digits. */
  static String evidence(Alert alert) {
    return join(alert.evidence(), false);
  }

  /** The forecast numbers among the evidence, or an empty string when the alert carries none. */
  static String forecast(Alert alert) {
    return join(alert.evidence(), true);
  }

  static String number(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static String join(Map<String, Double> evidence, boolean forecastKeys) {
    StringJoiner j = new StringJoiner(", ");
    evidence.entrySet().stream()
        .filter(e -> FORECAST_KEYS.contains(e.getKey()) == forecastKeys)
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> j.add(e.getKey() + "=" + number(e.getValue())));
    return j.toString();
  }
}
