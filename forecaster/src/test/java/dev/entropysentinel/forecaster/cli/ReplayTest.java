package dev.entropysentinel.forecaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
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
}
