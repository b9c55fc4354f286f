package dev.entropysentinel.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.entropysentinel.alerting.StandardWebhooks;
import dev.entropysentinel.alerting.WebhookSecret;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's alert receiver: a real HTTP endpoint that checks each delivery's Standard Webhooks
 * signature, as a user's receiver would, and prints the alert as one line. A delivery whose
 * signature does not verify is answered 401 and printed as refused.
 */
final class WebhookPrinter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final StandardWebhooks verifier;
  private final PrintWriter out;
  private final AtomicInteger received = new AtomicInteger();

  private WebhookPrinter(HttpServer server, WebhookSecret secret, PrintWriter out) {
    this.server = server;
    this.verifier = new StandardWebhooks(secret);
    this.out = out;
  }

  static WebhookPrinter start(WebhookSecret secret, PrintWriter out) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    WebhookPrinter printer = new WebhookPrinter(server, secret, out);
    server.createContext("/alerts", printer::handle);
    server.start();
    return printer;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/alerts");
  }

  int received() {
    return received.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      var h = exchange.getRequestHeaders();
      try {
        verifier.verify(h.getFirst(StandardWebhooks.ID), h.getFirst(StandardWebhooks.TIMESTAMP),
            h.getFirst(StandardWebhooks.SIGNATURE), body, Clock.systemUTC(), StandardWebhooks.DEFAULT_TOLERANCE);
      } catch (RuntimeException e) {
        print("webhook  refused a delivery: " + e.getMessage());
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      received.incrementAndGet();
      print(line(JSON.readTree(body)));
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private synchronized void print(String line) {
    out.println(line);
    out.flush();
  }

  /** One alert as a terminal line: status, run, type, step and summary. */
  static String line(JsonNode delivery) {
    JsonNode a = delivery.path("data");
    return String.format(Locale.ROOT, "webhook  %-8s %-14s %-17s step %-5d %s", a.path("status").asText(),
        a.path("runId").asText(), a.path("type").asText(), a.path("step").asLong(), a.path("summary").asText());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
