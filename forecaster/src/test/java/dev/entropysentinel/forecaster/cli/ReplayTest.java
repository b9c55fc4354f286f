package dev.entropysentinel.forecaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import dev.entropysentinel.forecaster.ForecastConfig;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReplayTest {

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(Objects.requireNonNull(ReplayTest.class.getResource("/verl-logs/" + name)).toURI());
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2-7b-gsm8k-math-grpo-megatron.log", "qwen2.5-0.5b-gsm8k-ppo.log"})
  void theForecastOnARealLogBeatsTheNaiveBaselinesAndItsIntervalHoldsTheFinalScore(String name) throws Exception {
    ReplayReport r = new Replay(new ReplayOptions(0.15, 0, ForecastConfig.ofDefaults(), MonitorConfig.ofDefaults()))
        .run(name, MetricLogReader.read(resource(name), LogFormat.VERL));
    assertThat(r.entropyKey()).startsWith("actor/entropy");
    assertThat(r.finalForecast()).isNotNull();
    double error = Math.abs(r.finalForecast().value() - r.actualFinal());
    double bestNaive = r.baselines().values().stream().mapToDouble(v -> Math.abs(v - r.actualFinal())).min().orElseThrow();
    assertThat(error).isLessThanOrEqualTo(bestNaive + 0.002);
    assertThat(r.actualFinal()).isBetween(r.finalForecast().lo(), r.finalForecast().hi());
    assertThat(r.nowcastRmse()).isNotNull().isLessThan(0.1);
    assertThat(r.ingestion().malformed()).isZero();
  }

  @Test
  void jsonModePrintsExactlyOneObjectWithTheSpecifiedFields() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out));
    int code = cli.execute("--log", resource("qwen2-7b-gsm8k-math-grpo-megatron.log").toString(), "--json");
    assertThat(code).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.isObject()).isTrue();
    assertThat(out.toString().strip().lines()).hasSize(1);
    for (String field : new String[] {"log", "entropyKey", "validationKey", "steps", "fitSteps", "a", "b", "r2",
        "ceiling", "finalForecast", "reason", "nowcastRmse", "nowcast", "detections", "decisions"}) {
      assertThat(json.has(field)).as(field).isTrue();
    }
    assertThat(json.path("finalForecast").path("model").asText()).isNotBlank();
  }

  @Test
  void tooFewEarlyValidationsGiveNullWithAReason() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out));
    cli.execute("--log", resource("qwen2-7b-gsm8k-math-grpo-megatron.log").toString(), "--fit-fraction", "0.04", "--json");
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("finalForecast").isNull()).isTrue();
    assertThat(json.get("reason").asText()).contains("insufficient data");
  }

  @Test
  void theReadableSummaryShowsTheBaselinesAndAPlot() throws Exception {
    StringWriter out = new StringWriter();
    new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out))
        .execute("--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString());
    assertThat(out.toString()).contains("lastValue").contains("nowcast RMSE").contains("* validation");
  }

  @Test
  void aBadFitFractionIsAUsageErrorNamingTheFlag() throws Exception {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new ReplayCommand()).setErr(new PrintWriter(err))
        .execute("--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--fit-fraction", "1.5");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--fit-fraction");
  }

  @Test
  void anUnknownFormatIsAUsageErrorListingTheChoices() throws Exception {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new ReplayCommand()).setErr(new PrintWriter(err))
        .execute("--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--format", "csv");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("verl-jsonl");
  }

  @Test
  void aPriorRegistryWithoutAModelSizeIsAUsageErrorNamingBothFlags(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path registry = dir.resolve("registry.json");
    java.nio.file.Files.writeString(registry, "{\"runs\": [{\"model\": \"m\", \"params\": 5e8, \"a\": 0.2, \"b\": 0.9}]}");
    StringWriter err = new StringWriter();
    int code = new CommandLine(new ReplayCommand()).setErr(new PrintWriter(err))
        .execute("--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--prior-registry", registry.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--prior-registry needs --model-size");
  }

  @Test
  void aPriorRegistryNamesItsSourceInTheReason(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path registry = dir.resolve("registry.json");
    java.nio.file.Files.writeString(registry, "{\"runs\": [{\"model\": \"s\", \"params\": 5e8, \"a\": 0.27, \"b\": 0.8},"
        + " {\"model\": \"l\", \"params\": 7e9, \"a\": 0.16, \"b\": 1.1}]}");
    StringWriter out = new StringWriter();
    int code = new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out))
        .execute("--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--prior-registry", registry.toString(),
            "--model-size", "1.5e9", "--json");
    assertThat(code).isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).get("reason").asText()).contains("slope prior", "registry of 2 run(s)");
  }

  private static final String RESUMED = """
      step:200 - val-core/a/acc/mean@1:0.50
      step:201 - actor/entropy:0.30
      step:205 - actor/entropy:0.29
      step:210 - actor/entropy:0.28 - val-core/a/acc/mean@1:0.52
      step:220 - actor/entropy:0.26 - val-core/a/acc/mean@1:0.53
      step:230 - actor/entropy:0.25 - val-core/a/acc/mean@1:0.535
      step:300 - actor/entropy:0.20 - val-core/a/acc/mean@1:0.55
      """;

  private static ReplayReport replay(String log, double fitFraction) throws Exception {
    return new Replay(new ReplayOptions(fitFraction, 0, ForecastConfig.ofDefaults(), MonitorConfig.ofDefaults()))
        .run("resumed.log", MetricLogReader.read(new java.io.StringReader(log), LogFormat.VERL));
  }

  @Test
  void aResumedRunIsForecastFromItsFirstValidationWhichPairsWithTheNextStepsEntropy() throws Exception {
    ReplayReport r = replay(RESUMED, 0.8);
    assertThat(r.earlyPoints()).isEqualTo(4);
    assertThat(r.finalForecast()).isNotNull();
    assertThat(r.reason()).contains("target: step 300, the last logged step, taken as the planned end");
  }

  @Test
  void aResumedRunWhoseLogStartsAfterTheFitWindowSaysSo() throws Exception {
    ReplayReport r = replay(RESUMED, 0.15);
    assertThat(r.finalForecast()).isNull();
    assertThat(r.reason()).contains("insufficient data", "the log starts at step 200 (a resumed run)",
        "fit window ends at step 45");
  }

  @Test
  void aFirstValidationWithNoEntropyBeforeItIsPairedAndTheMonitorWaitsForIt() throws Exception {
    String log = "step:0 - val-core/a/acc/mean@1:0.1\n" + java.util.stream.IntStream.rangeClosed(1, 100)
        .mapToObj(t -> "step:" + t + " - actor/entropy:" + (0.5 - t * 0.003)
            + (t % 5 == 0 ? " - val-core/a/acc/mean@1:" + (0.4 + t * 0.001) : ""))
        .collect(java.util.stream.Collectors.joining("\n"));
    ReplayReport r = replay(log, 0.15);
    assertThat(r.earlyPoints()).isEqualTo(4);
    assertThat(r.burnInPoints()).isEqualTo(1);
    assertThat(r.finalForecast()).isNotNull();
  }

  @Test
  void withTotalStepsTheReasonNamesTheFlag() throws Exception {
    ReplayReport r = new Replay(new ReplayOptions(0.8, 400, ForecastConfig.ofDefaults(), MonitorConfig.ofDefaults()))
        .run("resumed.log", MetricLogReader.read(new java.io.StringReader(RESUMED), LogFormat.VERL));
    assertThat(r.reason()).endsWith("target: step 400 (--total-steps)");
  }

  private static int run(StringWriter out, StringWriter err, String... args) {
    return new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  @Test
  void aDirectoryWithSummaryIsABacktestWithOneRowPerLogAndTheScorersAggregateLine() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = run(out, err, "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").getParent().toString(), "--summary");
    assertThat(code).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("qwen2-7b-gsm8k-math-grpo-megatron.log ").contains("final=0.881", "model=",
        "stop=step 70 saves 35 steps (33%) at 0.890 forgoes -0.009");
    assertThat(lines.get(1)).startsWith("qwen2.5-0.5b-gsm8k-ppo.log ").contains("final=0.530", "last_value_err=0.055",
        "stop=step 319 saves 115 steps (26%) at 0.520 forgoes 0.010");
    assertThat(lines.get(2)).startsWith("forecaster: beats naive ").endsWith("(goal >=75%, >=80%, <=0.8, <=0.12, 0)");
    assertThat(lines.get(3)).isEqualTo("stops: 2 of 2 runs stopped, steps saved 150 of 539 (27.8%), score forgone "
        + "worst 0.010 mean 0.001, runs forgoing > 0.010: 0");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void summaryJsonIsOneArrayOfTheRowsAndTheAggregate() throws Exception {
    StringWriter out = new StringWriter();
    int code = run(out, new StringWriter(), "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(),
        "--log", resource("qwen2-7b-gsm8k-math-grpo-megatron.log").toString(), "--summary", "--json");
    assertThat(code).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.isArray()).isTrue();
    assertThat(json).hasSize(3);
    assertThat(json.get(0).get("log").asText()).isEqualTo("qwen2.5-0.5b-gsm8k-ppo.log");
    assertThat(json.get(0).get("pow3Error").asDouble()).isPositive();
    assertThat(json.get(2).get("kind").asText()).isEqualTo("aggregate");
    assertThat(json.get(2).get("scored").asInt()).isEqualTo(2);
    JsonNode stops = json.get(2).get("stops");
    assertThat(stops.get("stopped").asInt()).isEqualTo(2);
    assertThat(stops.get("steps").asLong()).isEqualTo(539);
    assertThat(stops.get("stepsSaved").asLong()).isEqualTo(150);
    assertThat(stops.get("worstForgone").asDouble()).isLessThanOrEqualTo(0.01);
    assertThat(stops.get("overMaxForgone").asInt()).isZero();
    assertThat(json.get(0).get("scoreAtStop").asDouble()).isEqualTo(1.561 / 3, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void oneRunReportsItsStopWithWhatItSavesAndForgoes() throws Exception {
    StringWriter out = new StringWriter();
    run(out, new StringWriter(), "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString());
    assertThat(out.toString()).contains("stop           step 319 of 434 saves 115 steps (26%); score at the stop "
        + "0.5203, final 0.5300, forgone 0.0097 (accuracy scale)");
    StringWriter json = new StringWriter();
    run(json, new StringWriter(), "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--json");
    JsonNode stop = new ObjectMapper().readTree(json.toString()).get("stop");
    assertThat(stop.get("step").asInt()).isEqualTo(319);
    assertThat(stop.get("reason").asText()).contains("by step 434", "linear drift's 95% bound 0.0059 over 115 steps "
        + "left from 13 validations since step 199", "evidence 1x the horizon, the tighter of 1x and 2x");
  }

  /** --drift log assumes a drift slowing like ln(step): a tighter bound, an earlier STOP, its reason in log-steps. */
  @Test
  void driftLogStopsEarlierAndABadShapeNamesTheFlag() throws Exception {
    StringWriter json = new StringWriter();
    run(json, new StringWriter(), "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--json", "--drift", "log");
    JsonNode stop = new ObjectMapper().readTree(json.toString()).get("stop");
    assertThat(stop.get("step").asInt()).isEqualTo(299);
    assertThat(stop.get("reason").asText()).contains("by step 434", "ln-steps left from 11 validations since step 199",
        "evidence 1x the horizon, the tighter of 1x and 2x");
    StringWriter err = new StringWriter();
    int code = run(new StringWriter(), err, "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--drift", "cubic");
    assertThat(code).isEqualTo(ReplayCommand.USAGE);
    assertThat(err.toString()).contains("--drift", "expected linear or log but was 'cubic'");
  }

  @Test
  void maxForgoneIsTheStopPolicysKnobAndABadValueNamesTheFlag() throws Exception {
    StringWriter out = new StringWriter();
    run(out, new StringWriter(), "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--json",
        "--max-forgone", "0.03");
    assertThat(new ObjectMapper().readTree(out.toString()).get("stop").get("step").asInt()).isLessThan(319);
    StringWriter err = new StringWriter();
    int code = run(new StringWriter(), err, "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(),
        "--max-forgone", "0");
    assertThat(code).isEqualTo(ReplayCommand.USAGE);
    assertThat(err.toString()).contains("--max-forgone: monitor.maxForgone must be in (0, 1), was 0.0");
    StringWriter help = new StringWriter();
    run(help, new StringWriter(), "--help");
    assertThat(help.toString()).contains("--max-forgone=ACCURACY").contains("(default: 0.01)");
  }

  /** The 0.5B log's STOP at step 319 of 434 saves 26%: a minimum above that leaves the plateau unstopped. */
  @Test
  void minStopSavingKeepsLateStopsAwayAndABadValueNamesTheFlag() throws Exception {
    StringWriter out = new StringWriter();
    run(out, new StringWriter(), "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--json",
        "--min-stop-saving", "0.3");
    JsonNode replay = new ObjectMapper().readTree(out.toString());
    assertThat(replay.get("stop").isNull()).as("no STOP: %s", replay.get("stop")).isTrue();
    assertThat(replay.get("detections").toString()).contains("PLATEAU");
    StringWriter err = new StringWriter();
    int code = run(new StringWriter(), err, "--log", resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(),
        "--min-stop-saving", "1.5");
    assertThat(code).isEqualTo(ReplayCommand.USAGE);
    assertThat(err.toString()).contains("--min-stop-saving: monitor.minStopSaving must be in [0, 1), was 1.5");
  }

  @Test
  void jsonReportsTheValidationKeyAndItsAlternatives() throws Exception {
    StringWriter out = new StringWriter();
    run(out, new StringWriter(), "--log", resource("qwen2-7b-gsm8k-math-grpo-megatron.log").toString(), "--json");
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("validationKey").asText()).isEqualTo("val-core/openai/gsm8k/reward/mean@1");
    assertThat(json.get("validationKeys").get("val-core/openai/gsm8k/reward/mean@1").asInt()).isEqualTo(22);
    assertThat(json.get("entropyKeys").get("actor/entropy").asInt()).isEqualTo(105);
  }

  @Test
  void aValidationKeyNotInTheLogIsOneLineNamingTheFlagAndTheCandidates() throws Exception {
    StringWriter err = new StringWriter();
    int code = run(new StringWriter(), err, "--log", resource("qwen2-7b-gsm8k-math-grpo-megatron.log").toString(),
        "--validation-key", "val-core/x/acc/mean@1");
    assertThat(code).isEqualTo(ReplayCommand.USAGE);
    assertThat(err.toString().strip().lines()).singleElement().asString()
        .contains("--validation-key", "'val-core/x/acc/mean@1' is not in the log", "val-core/openai/gsm8k/reward/mean@1");
  }

  @Test
  void aDirectoryOrBinaryOrMissingLogIsOneLineNamingTheFileNeverATrace(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path binary = dir.resolve("weights.log");
    java.nio.file.Files.write(binary, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0});
    Path empty = java.nio.file.Files.createDirectory(dir.resolve("empty"));
    for (Path bad : List.of(binary, empty, dir.resolve("missing.log"))) {
      StringWriter err = new StringWriter();
      int code = run(new StringWriter(), err, "--log", bad.toString());
      assertThat(code).as(bad.toString()).isEqualTo(ReplayCommand.USAGE);
      assertThat(err.toString().strip().lines()).as(bad.toString()).singleElement().asString()
          .startsWith("sentinel replay: --log " + bad).doesNotContain("Exception");
    }
  }

  @Test
  void inABacktestAnUnreadableLogIsARowAndAProblemAndTheOthersAreStillScored(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path binary = dir.resolve("weights.log");
    java.nio.file.Files.write(binary, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0});
    StringWriter out = new StringWriter();
    int code = run(out, new StringWriter(), "--log", binary.toString(), "--log",
        resource("qwen2.5-0.5b-gsm8k-ppo.log").toString(), "--summary");
    assertThat(code).isEqualTo(ReplayCommand.SOME_LOGS_FAILED);
    assertThat(out.toString()).contains("weights.log", "error: --log " + binary + ": is binary", "beats naive 1/1",
        "problems 1", "problem: weights.log: replay failed");
  }
}
