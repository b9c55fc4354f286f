package dev.entropysentinel.processor;

import static dev.entropysentinel.report.DashboardDom.assertAlertAndDecision;
import static dev.entropysentinel.report.DashboardDom.assertChartsDrew;
import static dev.entropysentinel.report.DashboardDom.assertInteger;
import static dev.entropysentinel.report.DashboardDom.assertNumber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.report.DashboardDom;
import dev.entropysentinel.report.HeadlessChromium;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.schemas.WireSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live dashboard of {@code sentinel process} in headless Chromium: a run collapses on a real
 * broker, the processor alerts and decides, a stand-in trainer acknowledges; the page at {@code /}
 * must show the run's phase, numbers, alert and decision, and draw every chart with its data.
 */
class DashboardBrowserIT {
  static final String RUN = "grpo-collapse";
  static final String HEALTHY = "kl-cov-steady";
  static final int STEPS = 80;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void theDashboardShowsTheCollapseItsDecisionAndChartsDrawnFromTheRecords(@TempDir Path dir) throws Exception {
    HeadlessChromium browser = DashboardDom.browser();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        ProcessorApp app = ProcessorApp.start(ProcessorIT.config(broker.bootstrapServers(), dir.resolve("state"),
            ProcessorIT.intervening(0.6)), true);
        KafkaProducer<String, byte[]> producer = ProcessorIT.producer(broker.bootstrapServers());
        TopicTail<ControlCommand> control = new TopicTail<>(broker.bootstrapServers(), Topics.CONTROL, WireSerde.control());
        TopicTail<Alert> alerts = new TopicTail<>(broker.bootstrapServers(), Topics.ALERTS, WireSerde.alerts());
        TopicTail<Forecast> forecasts = new TopicTail<>(broker.bootstrapServers(), Topics.FORECASTS, WireSerde.forecasts())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
      String base = "http://127.0.0.1:" + app.httpPort() + "/";
      int evals = 0;
      for (int s = 0; s < STEPS; s++) {
        for (int rank = 0; rank < 2; rank++) {
          send(producer, Topics.STEP_STATS, RUN, TestRecords.step(RUN, rank, 2, s, TestRecords.collapsing(s), 200));
          send(producer, Topics.STEP_STATS, HEALTHY, TestRecords.step(HEALTHY, rank, 2, s, 1.2 - 0.001 * s, 200));
        }
        if (s % 10 == 0) {
          send(producer, Topics.EVALS, RUN, TestRecords.eval(RUN, s, 0.3 + 0.3 * (1 - TestRecords.collapsing(s) / 1.2)));
          send(producer, Topics.EVALS, HEALTHY, TestRecords.eval(HEALTHY, s, 0.3 + 0.002 * s));
          evals++;
        }
        if (s == 0) {
          send(producer, Topics.RUNS, RUN, TestRecords.run(RUN, STEPS, 2));
          send(producer, Topics.RUNS, HEALTHY, TestRecords.run(HEALTHY, STEPS, 2));
        }
      }
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(control.valuesFor(RUN)).isNotEmpty();
        assertThat(alerts.valuesFor(RUN)).anyMatch(a -> a.type() == Alert.Type.ENTROPY_COLLAPSE);
      });
      ControlCommand decision = control.valuesFor(RUN).get(0);
      // the trainer's answer, as a trainer agent sends it
      send(producer, Topics.CONTROL_ACKS, RUN, new ControlAck(SchemaVersion.CURRENT, RUN, decision.seq(), "host-0", 0,
          decision.forecastStep() + 1, TestRecords.T0 + STEPS * 1000L, ControlAck.Status.APPLIED, "switched"));
      producer.flush();
      long lastEval = (evals - 1) * 10L;
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode run = runOf(get(base + "report.json?charts=" + RUN), RUN);
        assertThat(run.path("decisions").path(0).path("ack").asText()).isEqualTo("APPLIED");
        assertThat(run.path("lastStep").asLong()).isEqualTo(STEPS - 1);
        assertThat(run.path("forecast").path("step").asLong()).as("the forecast after the last validation").isEqualTo(lastEval);
        assertThat(forecasts.valuesFor(RUN)).last().extracting(Forecast::step).isEqualTo(lastEval);
      });
      Forecast lastForecast = forecasts.valuesFor(RUN).get(forecasts.valuesFor(RUN).size() - 1);

      Document dom = DashboardDom.render(browser, base + "#" + RUN, 6000);
      assertThat(dom.select("#status").attr("data-mode")).isEqualTo("live");
      Element row = DashboardDom.row(dom, RUN);
      StepStats last = TestRecords.step(RUN, 0, 2, STEPS - 1, TestRecords.collapsing(STEPS - 1), 200);
      StepStats lastOther = TestRecords.step(RUN, 1, 2, STEPS - 1, TestRecords.collapsing(STEPS - 1), 200);
      assertInteger(row, "lastStep", STEPS - 1);
      assertNumber(row, "entropy", (last.entropySum() + lastOther.entropySum()) / (last.tokenCount() + lastOther.tokenCount()));
      assertNumber(row, "reward", (last.rewardSum() + lastOther.rewardSum()) / (last.responseCount() + lastOther.responseCount()));
      assertNumber(row, "forecast", lastForecast.predictedFinal());
      assertThat(row.selectFirst("[data-field=forecast]").text()).endsWith("[" + DashboardDom.fmt(lastForecast.predictedLo())
          + ", " + DashboardDom.fmt(lastForecast.predictedHi()) + "]");
      assertNumber(row, "ceiling", lastForecast.ceiling());
      assertThat(row.attr("data-phase")).isEqualTo(lastForecast.phase().name());
      assertThat(row.selectFirst("[data-field=alerts]").text()).contains("ENTROPY_COLLAPSE");
      assertThat(row.selectFirst("[data-field=lastDecision]").attr("data-action"))
          .isEqualTo(control.valuesFor(RUN).get(control.valuesFor(RUN).size() - 1).action().name());
      assertThat(DashboardDom.row(dom, HEALTHY).selectFirst("[data-field=alerts]").text()).isEqualTo("none");

      Element section = DashboardDom.section(dom, RUN);
      assertAlertAndDecision(section, "ENTROPY_COLLAPSE", decision.action().name(), "APPLIED");
      assertChartsDrew(section, Map.of("entropy-reward", STEPS, "validation-forecast", evals, "law", evals,
          "covariance", 2, "entropy-change", STEPS));
      assertThat(dom.select("section.run")).as("the live page draws the selected run only").hasSize(1);

      Path shots = Path.of("target", "browser");
      browser.screenshot(base + "#" + RUN, shots.resolve("dashboard.png"), 1400, 1900, 6000);
      assertThat(Files.size(shots.resolve("dashboard.png"))).isGreaterThan(10_000);
    }
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, Object record) {
    producer.send(new ProducerRecord<>(topic, key, WireJson.write(record)));
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static JsonNode runOf(JsonNode model, String runId) {
    for (JsonNode run : model.path("runs")) {
      if (run.path("runId").asText().equals(runId)) {
        return run;
      }
    }
    return JSON.createObjectNode();
  }
}
