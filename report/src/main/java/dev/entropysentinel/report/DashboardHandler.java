package dev.entropysentinel.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * The live dashboard on an existing JDK HTTP server (the processor's, next to its JSON API): the
 * page at {@code /}, its code and chart library under {@code /assets/}, and {@code /report.json}
 * with the model of every run ({@code ?charts=RUN} sends the chart series of that run only,
 * {@code charts=first} of the first, {@code charts=all} or none given of all).
 */
public final class DashboardHandler implements HttpHandler {
  /** How often the page asks for new data. */
  public static final long REFRESH_MS = 3000;

  private final RunRecords records;
  private final ReportModel.Options options;
  private final Clock clock;

  public DashboardHandler(RunRecords records, ReportModel.Options options, Clock clock) {
    this.records = records;
    this.options = options;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange x) throws IOException {
    try {
      if (!"GET".equals(x.getRequestMethod())) {
        send(x, 405, "only GET is supported", "text/plain; charset=utf-8");
        return;
      }
      String path = x.getRequestURI().getPath();
      if (path.equals("/") || path.equals("/index.html")) {
        send(x, 200, ReportPage.live("report.json", REFRESH_MS), "text/html; charset=utf-8");
      } else if (path.equals("/report.json")) {
        String charts = query(x.getRequestURI().getRawQuery()).getOrDefault("charts", "all");
        send(x, 200, ReportPage.json(ReportModel.of(records, "live", clock.millis(),
            options.withChartsFor(chartsFor(charts)))), "application/json");
      } else if (path.startsWith("/assets/") && ReportPage.ASSETS.containsKey(path.substring("/assets/".length()))) {
        String name = path.substring("/assets/".length());
        byte[] body = ReportPage.asset(name);
        x.getResponseHeaders().set("Cache-Control", "max-age=3600");
        sendBytes(x, 200, body, ReportPage.ASSETS.get(name));
      } else {
        send(x, 404, "{\"error\":\"no such path: " + path.replace("\"", "") + " (the dashboard is at /, the API at /runs)\"}",
            "application/json");
      }
    } finally {
      x.close();
    }
  }

  private java.util.function.Predicate<String> chartsFor(String charts) {
    if (charts.equals("all")) {
      return run -> true;
    }
    if (charts.equals("first")) {
      String first = records.read(all -> all.isEmpty() ? null : all.keySet().iterator().next());
      return run -> run.equals(first);
    }
    return charts::equals;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new java.util.HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  private static void send(HttpExchange x, int status, String body, String type) throws IOException {
    sendBytes(x, status, body.getBytes(StandardCharsets.UTF_8), type);
  }

  private static void sendBytes(HttpExchange x, int status, byte[] body, String type) throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    x.getResponseBody().write(body);
  }
}
