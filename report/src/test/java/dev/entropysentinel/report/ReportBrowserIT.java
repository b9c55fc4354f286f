package dev.entropysentinel.report;

import static dev.entropysentinel.report.DashboardDom.assertAlertAndDecision;
import static dev.entropysentinel.report.DashboardDom.assertChartsDrew;
import static dev.entropysentinel.report.DashboardDom.assertInteger;
import static dev.entropysentinel.report.DashboardDom.assertNumber;
import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.schemas.WireJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sentinel report --from DIR} on a recorded collapsing run, opened in headless Chromium. */
class ReportBrowserIT {
  static final int STEPS = 120;

  @Test
  void theReportFileShowsTheCollapsedRunItsDecisionsAndChartsWithTheRecordedNumbers(@TempDir Path tmp) throws Exception {
    HeadlessChromium browser = DashboardDom.browser();
    Path recorded = tmp.resolve("recorded");
    try (JsonlRecorder recorder = new JsonlRecorder(recorded)) {
      CollapsingRun.records("grpo-run", STEPS).forEach(s -> recorder.accept(s.topic(), "it", WireJson.write(s.record())));
      CollapsingRun.records("other-run", 40).forEach(s -> recorder.accept(s.topic(), "it", WireJson.write(s.record())));
    }
    Path out = tmp.resolve("sentinel-report/index.html");
    int exit = new CommandLine(new ReportCommand()).execute("--from", recorded.toString(), "--out", out.toString());
    assertThat(exit).isZero();

    Document dom = DashboardDom.render(browser, out.toUri().toString(), 5000);
    assertThat(dom.select("#status").attr("data-mode")).isEqualTo("report");
    assertThat(dom.select("script[src], link[href]")).as("nothing loaded from outside the file").isEmpty();

    Element row = DashboardDom.row(dom, "grpo-run");
    assertInteger(row, "lastStep", STEPS - 1);
    assertNumber(row, "entropy", CollapsingRun.mergedEntropy(STEPS - 1));
    assertNumber(row, "reward", CollapsingRun.mergedReward(STEPS - 1));
    assertThat(row.attr("data-phase")).isEqualTo("COLLAPSING");
    assertThat(row.selectFirst("[data-field=alerts]").text()).contains("ENTROPY_COLLAPSE");
    assertThat(row.selectFirst("[data-field=lastDecision]").attr("data-action")).isEqualTo("STOP");

    Element run = DashboardDom.section(dom, "grpo-run");
    assertAlertAndDecision(run, "ENTROPY_COLLAPSE", "INTERVENE", "APPLIED");
    assertAlertAndDecision(run, "ENTROPY_COLLAPSE", "STOP", "APPLIED");
    assertChartsDrew(run, Map.of("entropy-reward", STEPS, "validation-forecast", STEPS / 10, "law", STEPS / 10,
        "covariance", 3, "entropy-change", STEPS));
    assertThat(run.selectFirst("[data-field=forecastAtFit]").text()).contains("from step 10");
    assertChartsDrew(DashboardDom.section(dom, "other-run"), Map.of("entropy-reward", 40));

    Element stop = dom.selectFirst("#stops-table tr[data-run=grpo-run]");
    assertInteger(stop, "stopStep", STEPS - 9);
    assertInteger(stop, "stepsSaved", 9);

    Path png = Path.of("target", "browser", "report.png");
    browser.screenshot(out.toUri().toString(), png, 1400, 2400, 5000);
    assertThat(Files.size(png)).isGreaterThan(10_000);
  }
}
