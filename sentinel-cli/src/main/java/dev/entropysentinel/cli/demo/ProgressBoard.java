package dev.entropysentinel.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's live progress: one line per run from the processor's {@code GET /runs} answer — step
 * of planned, entropy and reward now, the forecast of the final score with its interval, the phase
 * and the last decision with its acknowledgement. Pure, so it is tested on recorded answers.
 */
final class ProgressBoard {
  private ProgressBoard() {}

  /** The lines for {@code runs} (a {@code GET /runs} array), for the agents in {@code agents}' order. */
  static List<String> render(JsonNode runs, List<DemoAgent> agents) {
    List<String> lines = new ArrayList<>();
    for (DemoAgent agent : agents) {
      JsonNode run = find(runs, agent.runId());
      lines.add(run == null
          ? String.format(Locale.ROOT, "%-12s waiting for its first step (%s)", agent.runId(), agent.role())
          : line(run, agent));
    }
    return lines;
  }

  private static JsonNode find(JsonNode runs, String runId) {
    for (JsonNode r : runs) {
      if (runId.equals(r.path("runId").asText())) {
        return r;
      }
    }
    return null;
  }

  static String line(JsonNode run, DemoAgent agent) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-12s step %4s/%-4d H %s  R %s  %-8s",
        agent.runId(), run.path("lastStep").isNumber() ? run.get("lastStep").asText() : "-", agent.plannedSteps(),
        number(run.path("entropy"), "%.3f"), number(run.path("reward"), "%+.2f"), run.path("method").asText("-")));
    JsonNode f = run.path("forecast");
    if (f.path("predictedFinal").isNumber()) {
      double lo = f.path("predictedLo").asDouble(Double.NaN);
      double hi = f.path("predictedHi").asDouble(Double.NaN);
      b.append(String.format(Locale.ROOT, " forecast %.3f", f.get("predictedFinal").asDouble()));
      if (!Double.isNaN(lo) && !Double.isNaN(hi)) {
        b.append(String.format(Locale.ROOT, " [%.3f, %.3f]", lo, hi));
      }
      b.append(" @").append(f.path("finalStep").asText());
    } else {
      b.append(" forecast -");
    }
    b.append("  ").append(run.path("phase").asText("-"));
    JsonNode d = run.path("lastDecision");
    if (d.isObject()) {
      b.append(String.format(Locale.ROOT, "  %s%s at step %d (seq %d%s)", d.path("action").asText(),
          d.path("dryRun").asBoolean() ? " advised" : "", d.path("step").asLong(), d.path("seq").asLong(),
          d.path("ack").isTextual() ? ", " + d.get("ack").asText() : ""));
    }
    return b.toString();
  }

  private static String number(JsonNode n, String format) {
    return n.isNumber() ? String.format(Locale.ROOT, format, n.asDouble()) : "-";
  }
}
