package dev.entropysentinel.cli.demo;

import static dev.entropysentinel.report.DashboardDom.assertAlertAndDecision;
import static dev.entropysentinel.report.DashboardDom.assertChartsDrew;
import static dev.entropysentinel.report.DashboardDom.assertInteger;
import static dev.entropysentinel.report.DashboardDom.assertNumber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.cli.Sentinel;
import dev.entropysentinel.report.DashboardDom;
import dev.entropysentinel.report.HeadlessChromium;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.WireJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick demo as a user sees it, in headless Chromium: its live dashboard while the agents train,
 * then the report it writes, whose GRPO run must show the collapse alert, the decision the trainer
 * applied, the forecast band and the numbers of the recorded JSONL.
 */
class DemoBrowserIT {
  static final String GRPO = "demo-grpo";
  private static final Pattern DASHBOARD = Pattern.compile("dashboard (http://127\\.0\\.0\\.1:\\d+/)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theQuickDemosDashboardAndReportShowTheGrpoCollapseItsDecisionAndTheRecordedNumbers() throws Exception {
    HeadlessChromium browser = DashboardDom.browser();
    Path out = dir.resolve("sentinel-report");
    StringWriter printed = new StringWriter();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> demo = pool.submit(() -> Sentinel.commandLine().setOut(new PrintWriter(printed, true))
          .setErr(new PrintWriter(printed, true))
          .execute("demo", "--quick", "--http-port", "0", "--out", out.toString(), "--refresh-s", "5"));
      String dashboard = await().atMost(Duration.ofSeconds(120)).until(() -> {
        Matcher m = DASHBOARD.matcher(printed.toString());
        return m.find() ? m.group(1) : null;
      }, url -> url != null);
      await().atMost(Duration.ofSeconds(300)).until(() -> grpoSteps(dashboard) >= 5);
      Document live = DashboardDom.render(browser, dashboard + "#" + GRPO, 6000);
      assertThat(live.select("#status").attr("data-mode")).isEqualTo("live");
      DashboardDom.row(live, GRPO);
      assertChartsDrew(DashboardDom.section(live, GRPO), Map.of());
      browser.screenshot(dashboard + "#" + GRPO, Path.of("target", "browser", "demo-dashboard.png"), 1400, 1900, 6000);
      String readmePicture = System.getProperty("sentinel.screenshot");
      if (readmePicture != null && !readmePicture.isBlank()) { // docs/screenshot: the live dashboard later in the run
        await().atMost(Duration.ofSeconds(300)).until(() -> grpoSteps(dashboard) >= 45);
        browser.screenshot(dashboard + "#" + GRPO, Path.of(readmePicture), 1400, 1900, 6000);
      }

      assertThat(demo.get(10, TimeUnit.MINUTES)).as(printed.toString()).isZero();
    } finally {
      pool.shutdownNow();
    }

    Path index = out.resolve("index.html");
    assertThat(printed.toString()).contains("report   " + index);
    Document report = DashboardDom.render(browser, index.toUri().toString(), 5000);
    TreeMap<Long, StepStats[]> steps = mergedSteps(out.resolve("topics/step-stats.jsonl"));
    long last = steps.lastKey();
    Element row = DashboardDom.row(report, GRPO);
    assertInteger(row, "lastStep", last);
    assertNumber(row, "entropy", entropy(steps.get(last)));
    Element section = DashboardDom.section(report, GRPO);
    List<ControlCommand> commands = lines(out.resolve("topics/control.jsonl"), ControlCommand.class).stream()
        .filter(c -> c.runId().equals(GRPO)).toList();
    assertThat(commands).isNotEmpty();
    assertAlertAndDecision(section, "ENTROPY_COLLAPSE", commands.get(0).action().name(), "APPLIED");
    assertThat(section.selectFirst("[data-field=forecast]").attr("data-value")).as("a forecast").isNotEmpty();
    long evalSteps = lines(out.resolve("topics/evals.jsonl"), EvalResult.class).stream()
        .filter(e -> e.runId().equals(GRPO)).map(EvalResult::step).distinct().count();
    assertChartsDrew(section, Map.of("entropy-reward", steps.size(), "validation-forecast", (int) evalSteps));
    assertThat(section.select("div.chart[data-chart=validation-forecast]").attr("data-series"))
        .as("the forecast band drew").containsPattern("lo:[1-9]").containsPattern("hi:[1-9]");
    browser.screenshot(index.toUri().toString(), Path.of("target", "browser", "demo-report.png"), 1400, 2400, 5000);
  }

  private static long grpoSteps(String dashboard) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(dashboard + "report.json?charts=none")).build(),
        HttpResponse.BodyHandlers.ofString());
    for (JsonNode run : JSON.readTree(r.body()).path("runs")) {
      if (run.path("runId").asText().equals(GRPO)) {
        return run.path("lastStep").asLong(-1) + 1;
      }
    }
    return 0;
  }

  /** The GRPO run's step records by step, one per rank (a redelivered rank counted once). */
  private static TreeMap<Long, StepStats[]> mergedSteps(Path file) throws Exception {
    TreeMap<Long, StepStats[]> out = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (StepStats s : lines(file, StepStats.class)) {
      if (s.runId().equals(GRPO) && seen.add(s.step() + "/" + s.rank())) {
        out.merge(s.step(), new StepStats[] {s}, (a, b) -> {
          StepStats[] both = java.util.Arrays.copyOf(a, a.length + 1);
          both[a.length] = b[0];
          return both;
        });
      }
    }
    return out;
  }

  private static double entropy(StepStats[] ranks) {
    double sum = 0;
    long tokens = 0;
    for (StepStats s : ranks) {
      sum += s.entropySum();
      tokens += s.tokenCount();
    }
    return sum / tokens;
  }

  private static <T> List<T> lines(Path file, Class<T> type) throws Exception {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank())
        .map(l -> WireJson.read(l.getBytes(StandardCharsets.UTF_8), type)).toList();
  }
}
