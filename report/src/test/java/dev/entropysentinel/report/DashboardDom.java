package dev.entropysentinel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks on the DOM that headless Chromium rendered from the dashboard or the report page: that
 * the charts drew (a uPlot canvas and the points count the page sets once uPlot returned), that a
 * run shows its alert and decision, and that the numbers shown are the ones expected from the records.
 * Shared with the processor's dashboard IT through this module's test jar.
 */
public final class DashboardDom {
  /** Every chart a run's section draws. */
  public static final String[] CHARTS = {"entropy-reward", "validation-forecast", "law", "covariance", "entropy-change"};

  private DashboardDom() {}

  /** The browser; under {@code CI=true} a missing one fails the test, elsewhere it skips it. */
  public static HeadlessChromium browser() {
    return HeadlessChromium.find().orElseGet(() -> {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(HeadlessChromium.missingMessage());
      }
      Assumptions.abort(HeadlessChromium.missingMessage());
      return null;
    });
  }

  public static Document render(HeadlessChromium browser, String url, long virtualTimeMs) {
    Document dom = Jsoup.parse(browser.dumpDom(url, virtualTimeMs));
    assertThat(dom.body().attr("data-rendered")).as("the page rendered its data: %s", dom.select("#status").text())
        .isEqualTo("true");
    return dom;
  }

  /** The fleet table's row of {@code runId}. */
  public static Element row(Document dom, String runId) {
    Element row = dom.selectFirst("#fleet-table tr[data-run=\"" + runId + "\"]");
    assertThat(row).as("fleet row of %s", runId).isNotNull();
    return row;
  }

  /** The run's section (facts, alerts, decisions, charts). */
  public static Element section(Document dom, String runId) {
    Element section = dom.selectFirst("section.run[data-run=\"" + runId + "\"]");
    assertThat(section).as("section of run %s", runId).isNotNull();
    return section;
  }

  /**
   * A number cell shows {@code expected}: its exact value within 1e-9, and its text (up to an
   * interval after it) at the page's 4 decimals.
   */
  public static void assertNumber(Element scope, String field, double expected) {
    assertShown(scope, field, expected, 4);
  }

  /** A count or step cell shows {@code expected}, as an integer. */
  public static void assertInteger(Element scope, String field, long expected) {
    assertShown(scope, field, expected, 0);
  }

  private static void assertShown(Element scope, String field, double expected, int digits) {
    Element cell = scope.selectFirst("[data-field=" + field + "]");
    assertThat(cell).as("cell %s", field).isNotNull();
    assertThat(Double.parseDouble(cell.attr("data-value"))).as("value of %s", field).isCloseTo(expected, within(1e-9));
    if (cell.tagName().equals("td")) {
      assertThat(cell.text().split(" ")[0]).as("text of %s: %s", field, cell.text())
          .isEqualTo(new BigDecimal(expected).setScale(digits, RoundingMode.HALF_UP).toPlainString());
    }
  }

  /** A number as the page prints it: 4 decimals, half up on the exact binary value (JavaScript toFixed). */
  public static String fmt(double v) {
    return new BigDecimal(v).setScale(4, RoundingMode.HALF_UP).toPlainString();
  }

  /**
   * Every chart of the run drew: a canvas with a size, and the main series' points as given
   * ({@code expectedPoints} chart name to count; charts not in it must have at least one point).
   */
  public static void assertChartsDrew(Element section, Map<String, Integer> expectedPoints) {
    for (String name : CHARTS) {
      Element chart = section.selectFirst("div.chart[data-chart=" + name + "]");
      assertThat(chart).as("chart %s", name).isNotNull();
      Element canvas = chart.selectFirst("canvas");
      assertThat(canvas).as("uPlot canvas of chart %s", name).isNotNull();
      assertThat(Integer.parseInt(canvas.attr("width"))).as("canvas width of %s", name).isPositive();
      assertThat(chart.attr("data-points")).as("points drawn in %s (series %s)", name, chart.attr("data-series"))
          .isNotEmpty();
      int points = Integer.parseInt(chart.attr("data-points"));
      if (expectedPoints.containsKey(name)) {
        assertThat(points).as("points drawn in %s", name).isEqualTo(expectedPoints.get(name));
      } else {
        assertThat(points).as("points drawn in %s", name).isPositive();
      }
    }
  }

  /** The run lists a firing alert of {@code type} and a decision {@code action} with the trainer's answer {@code ack}. */
  public static void assertAlertAndDecision(Element section, String type, String action, String ack) {
    assertThat(section.select("li[data-alert-type=" + type + "][data-status=FIRING]")).as("firing %s alert", type)
        .isNotEmpty();
    assertThat(section.select("li[data-decision=" + action + "]")).as("%s decision", action).isNotEmpty();
    if (ack != null) {
      assertThat(section.select("li[data-decision=" + action + "][data-ack=" + ack + "]")).as("%s decision %s", action, ack)
          .isNotEmpty();
    }
  }
}
