package dev.entropysentinel.forecaster.cli;

import static dev.entropysentinel.report.DashboardDom.assertAlertAndDecision;
import static dev.entropysentinel.report.DashboardDom.assertChartsDrew;
import static dev.entropysentinel.report.DashboardDom.assertInteger;
import static dev.entropysentinel.report.DashboardDom.assertNumber;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import dev.entropysentinel.forecaster.ingest.RunSeries;
import dev.entropysentinel.report.DashboardDom;
import dev.entropysentinel.report.HeadlessChromium;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sentinel replay --html} on a real verl log, opened in headless Chromium. */
class ReplayHtmlIT {
  static final String LOG = "qwen2.5-0.5b-gsm8k-ppo.log";

  @Test
  void theReplayedLogRendersWithTheReplaysDecisionsAndTheLogsNumbers(@TempDir Path tmp) throws Exception {
    HeadlessChromium browser = DashboardDom.browser();
    Path log = Path.of(Objects.requireNonNull(getClass().getResource("/verl-logs/" + LOG)).toURI());
    Path html = tmp.resolve("replay.html");
    StringWriter out = new StringWriter();
    int code = new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
        .execute("--log", log.toString(), "--json", "--html", html.toString());
    assertThat(code).isZero();
    JsonNode replay = new ObjectMapper().readTree(out.toString());
    RunSeries series = RunSeries.from(MetricLogReader.read(log, LogFormat.VERL));

    Document dom = DashboardDom.render(browser, html.toUri().toString(), 5000);
    Element row = DashboardDom.row(dom, LOG);
    int lastStep = series.entropy().lastKey();
    assertInteger(row, "lastStep", lastStep);
    assertNumber(row, "entropy", series.entropy().get(lastStep));
    Element run = DashboardDom.section(dom, LOG);
    JsonNode firstDecision = replay.path("decisions").path(0);
    assertThat(run.select("li[data-decision]")).hasSize(replay.path("decisions").size());
    assertThat(run.selectFirst("li[data-decision]").attr("data-step")).isEqualTo(firstDecision.path("step").asText());
    assertAlertAndDecision(run, "ENTROPY_COLLAPSE", "INTERVENE", null);
    assertChartsDrew(run, Map.of("law", series.validationPoints().size(), "entropy-reward", series.entropy().size(), "validation-forecast", series.validation().size(),
        "covariance", 0, "entropy-change", 0));
    assertThat(run.select("div.chart[data-chart=entropy-change] .note").text()).contains("no covariance statistics");
    Element stop = dom.selectFirst("#stops-table tr[data-run=\"" + LOG + "\"]");
    assertInteger(stop, "stopStep", replay.path("stop").path("step").asLong());
    assertInteger(stop, "stepsSaved", replay.path("stop").path("stepsSaved").asLong());
    browser.screenshot(html.toUri().toString(), Path.of("target", "browser", "replay.png"), 1400, 1500, 5000);
    assertThat(Files.size(Path.of("target", "browser", "replay.png"))).isGreaterThan(10_000);
  }
}
