package dev.entropysentinel.forecaster.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricLineParserTest {
  private static Path resource(String name) throws URISyntaxException {
    return Path.of(MetricLineParserTest.class.getResource("/" + name).toURI());
  }

  @Test
  void trlStdoutDictsAreNumberedByLoggingStepsAndEvalCallsBelongToTheLastStep() throws Exception {
    MetricLog m = MetricLogReader.read(resource("trl/trl-grpo-stdout.log"), LogFormat.TRL_STDOUT, 5);
    assertThat(m.rows()).containsOnlyKeys(5, 10, 15, 20, 25, 30, 35, 40);
    assertThat(m.rows().get(10)).containsKeys("entropy", "reward", "kl", "completions/mean_length", "eval_reward");
    assertThat(m.rows().get(5)).doesNotContainKey("eval_reward").containsEntry("learning_rate", 1e-6);
    assertThat(m.malformed()).isZero();
    RunSeries s = RunSeries.from(m);
    assertThat(s.entropyKey()).isEqualTo("entropy");
    assertThat(s.validationKey()).isEqualTo("eval_reward");
    assertThat(s.validation()).containsOnlyKeys(10, 20, 30, 40);
  }

  @Test
  void trlStdoutAndTrainerStateJsonOfTheSameRunGiveTheSameRows() throws Exception {
    MetricLog stdout = MetricLogReader.read(resource("trl/trl-grpo-stdout.log"), LogFormat.TRL_STDOUT, 5);
    MetricLog state = MetricLogReader.read(resource("trl/trainer_state.json"), LogFormat.TRL);
    assertThat(state.rows()).isEqualTo(stdout.rows());
    List<MetricLineParser.Row> entries;
    try (var reader = Files.newBufferedReader(resource("trl/trainer_state.json"))) {
      entries = MetricLogReader.trainerState(reader);
    }
    assertThat(entries).hasSize(12).filteredOn(MetricLineParser.Row::evaluation).extracting(MetricLineParser.Row::step)
        .containsExactly(10, 20, 30, 40);
  }

  @Test
  void pythonReprValuesAreReadAsTrainersPrintThem() {
    MetricLineParser p = new MetricLineParser(LogFormat.TRL_STDOUT, 1);
    Optional<MetricLineParser.Row> row = p.accept("\u001B[36m(pid=7)\u001B[0m {'entropy': np.float64(0.43), 'reward': '0.5', "
        + "'kl': tensor(0.0012, device='cuda:0'), 'loss': nan, 'name': 'abc', 'lens': [1, 2], 'grad_norm': 1e-3}");
    assertThat(row).get().extracting(MetricLineParser.Row::metrics).isEqualTo(
        Map.of("entropy", 0.43, "reward", 0.5, "kl", 0.0012, "grad_norm", 1e-3));
    assertThat(p.accept("{'train_runtime': 12.0, 'train_loss': 0.1, 'epoch': 1.0}")).as("the end-of-training summary").isEmpty();
    assertThat(p.accept("{'step': 40, 'entropy': 0.3}")).get().extracting(MetricLineParser.Row::step).isEqualTo(40);
    assertThat(p.accept("{'a': 'b'}")).isEmpty();
    assertThat(p.malformed()).isEqualTo(1);
  }

  @Test
  void aTenMegabyteLineIsCountedAsMalformedNotRead() {
    MetricLineParser p = new MetricLineParser(LogFormat.VERL, 1);
    assertThat(p.accept("step:1 - actor/entropy:0.3 - x:" + "9".repeat(10 << 20))).isEmpty();
    assertThat(p.malformedExamples()).first().asString().contains("longer than");
    assertThat(p.accept("step:2 - actor/entropy:0.3")).isPresent();
  }

  @Test
  void verlConsoleAndItsJsonlFileLoggerGiveTheSameRows() throws Exception {
    Path console = resource("verl-logs/qwen2-7b-gsm8k-math-grpo-megatron.log");
    MetricLog fromConsole = MetricLogReader.read(console, LogFormat.VERL);
    ObjectMapper json = new ObjectMapper();
    StringBuilder jsonl = new StringBuilder();
    for (Map.Entry<Integer, Map<String, Double>> e : fromConsole.rows().entrySet()) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("step", e.getKey());
      line.put("data", e.getValue());
      jsonl.append(json.writeValueAsString(line)).append('\n');
    }
    MetricLog fromFile = MetricLogReader.read(new StringReader(jsonl.toString()), LogFormat.VERL_JSONL);
    assertThat(fromFile.rows()).isEqualTo(fromConsole.rows());
  }

  @Test
  void formatsAreDetectedFromContent(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    assertThat(LogFormat.detect(resource("verl-logs/qwen2-7b-gsm8k-math-grpo-megatron.log"))).isEqualTo(LogFormat.VERL);
    assertThat(LogFormat.detect(resource("trl/trl-grpo-stdout.log"))).isEqualTo(LogFormat.TRL_STDOUT);
    assertThat(LogFormat.detect(resource("trl/trainer_state.json"))).isEqualTo(LogFormat.TRL);
    Path jsonl = Files.writeString(dir.resolve("metrics.log"), "starting\n{\"step\": 1, \"data\": {\"actor/entropy\": 0.4}}\n");
    assertThat(LogFormat.detect(jsonl)).as("by content, not by name").isEqualTo(LogFormat.VERL_JSONL);
    assertThat(LogFormat.of("(\"Initial validation metrics: {'val-core/x/acc/mean@1': \"")).as("verl's multi-line dict").isEmpty();
    assertThatThrownBy(() -> new MetricLineParser(LogFormat.TRL, 1)).hasMessageContaining("not read line by line");
  }

  @Test
  void openRlhfAndTrlKeysAreCandidatesAndALiveRowPicksByTier() {
    Map<String, Double> row = new LinkedHashMap<>();
    row.put("train/entropy_loss", 0.5);
    row.put("eval/eval_math_pass1", 0.3);
    assertThat(RowKeys.entropy(row)).isEqualTo("train/entropy_loss");
    assertThat(RowKeys.validation(row)).isEqualTo("eval/eval_math_pass1");
    row.put("actor/entropy", 0.4);
    row.put("val-aux/x/reward/mean@1", 0.2);
    row.put("val-core/x/acc/mean@4", 0.25);
    row.put("val-core/x/acc/mean@16", 0.26);
    assertThat(RowKeys.entropy(row)).isEqualTo("actor/entropy");
    assertThat(RowKeys.validation(row)).isEqualTo("val-core/x/acc/mean@16");
    assertThat(RowKeys.validation(Map.of("eval_accuracy", 0.1, "eval_reward", 0.2))).isEqualTo("eval_reward");
    assertThat(RowKeys.entropy(Map.of("eval_entropy", 0.1))).isNull();
  }
}
