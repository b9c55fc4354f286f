package dev.entropysentinel.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DashboardHandlerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private HttpServer server;
  private String base;

  @BeforeEach
  void serve() throws Exception {
    RunRecords records = ReportModelTest.recorded("b-run", 30);
    CollapsingRun.records("a-run", 30).forEach(s -> records.add(s.record()));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", new DashboardHandler(records, ReportModel.Options.ofDefaults(),
        Clock.fixed(Instant.ofEpochMilli(1234), ZoneOffset.UTC)));
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePageIsServedWithItsAssetsFromTheJar() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("\"mode\":\"live\"").contains("assets/uPlot.iife.min.js");
    HttpResponse<String> lib = get("/assets/uPlot.iife.min.js");
    assertThat(lib.statusCode()).isEqualTo(200);
    assertThat(lib.body()).contains("uPlot");
  }

  @Test
  void theDataCarriesChartsOnlyForTheRunsAskedFor() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode all = json.readTree(get("/report.json").body());
    assertThat(all.path("generatedAtMs").asLong()).isEqualTo(1234);
    assertThat(all.path("runs").get(0).path("charts").isObject()).isTrue();
    assertThat(all.path("runs").get(1).path("charts").isObject()).isTrue();
    JsonNode one = json.readTree(get("/report.json?charts=b-run").body());
    assertThat(one.path("runs").get(0).path("charts").isNull()).isTrue();
    assertThat(one.path("runs").get(1).path("runId").asText()).isEqualTo("b-run");
    assertThat(one.path("runs").get(1).path("charts").isObject()).isTrue();
    JsonNode first = json.readTree(get("/report.json?charts=first").body());
    assertThat(first.path("runs").get(0).path("runId").asText()).isEqualTo("a-run");
    assertThat(first.path("runs").get(0).path("charts").isObject()).isTrue();
    assertThat(first.path("runs").get(1).path("charts").isNull()).isTrue();
  }

  @Test
  void unknownPathsAndAssetsAre404WithWhereToGo() throws Exception {
    HttpResponse<String> missing = get("/assets/../../etc/passwd");
    assertThat(missing.statusCode()).isEqualTo(404);
    HttpResponse<String> other = get("/nothing-here");
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.body()).contains("the dashboard is at /");
  }
}
