package dev.entropysentinel.forecaster.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class MetricLogReaderTest {

  private static MetricLog read(String text, LogFormat format) throws IOException {
    return MetricLogReader.read(new StringReader(text), format);
  }

  @Test
  void consoleLinesWithRayPrefixAnsiCodesAndNumpyReprsAreRead() throws IOException {
    String log = """
        some config dump: {a: 1}
        \u001B[36m(TaskRunner pid=20910)\u001B[0m step:0 - val-core/openai/gsm8k/reward/mean@1:0.212
        \u001B[2m\u001B[36m(main_task pid=9)\u001B[0m step:1 - actor/entropy:0.336 - val-aux/aime/reward/mean@16:np.float64(-0.77)
        Generated: the answer is step:3 maybe
        """;
    MetricLog m = read(log, LogFormat.VERL);
    assertThat(m.rows()).containsOnlyKeys(0, 1);
    assertThat(m.rows().get(1)).containsEntry("actor/entropy", 0.336).containsEntry("val-aux/aime/reward/mean@16", -0.77);
    assertThat(m.malformed()).isZero();
    assertThat(m.linesRead()).isEqualTo(4);
  }

  @Test
  void malformedStepLinesAreCountedWithExamplesAndTheRestIsKept() throws IOException {
    String log = "step:1 - actor/entropy:0.3 - garbage\nstep:2 - nothing:here\nstep:3 - actor/entropy:0.2\n";
    MetricLog m = read(log, LogFormat.VERL);
    assertThat(m.malformed()).isEqualTo(2);
    assertThat(m.malformedExamples()).first().asString().startsWith("line 1:");
    assertThat(m.rows().get(1)).containsEntry("actor/entropy", 0.3);
    assertThat(m.rows().get(3)).containsEntry("actor/entropy", 0.2);
  }

  @Test
  void jsonLinesAreReadAndBrokenOnesCounted() throws IOException {
    String log = """
        {"step": 1, "data": {"actor/entropy": 0.4, "val-core/x/acc/mean@1": 0.5, "note": "text"}}
        {"step": 2, "data": {"actor/entropy": 0.35}
        {"data": {}}

        """;
    MetricLog m = read(log, LogFormat.VERL_JSONL);
    assertThat(m.rows().get(1)).containsOnlyKeys("actor/entropy", "val-core/x/acc/mean@1");
    assertThat(m.malformed()).isEqualTo(2);
  }

  @Test
  void trlLogHistoryIsReadWithEvalKeys() throws IOException {
    String state = """
        {"log_history": [
          {"step": 10, "entropy": 0.6, "reward": 0.3},
          {"step": 10, "eval_reward": 0.25},
          {"loss": 1.0}
        ]}
        """;
    MetricLog m = read(state, LogFormat.TRL);
    RunSeries s = RunSeries.from(m);
    assertThat(s.entropyKey()).isEqualTo("entropy");
    assertThat(s.validationKey()).isEqualTo("eval_reward");
    assertThat(s.validationPoints()).singleElement().satisfies(p -> assertThat(p.entropy()).isEqualTo(0.6));
    assertThat(m.malformed()).isEqualTo(1);
  }

  @Test
  void olderKeyNamesAreFoundAndReportedAndStepZeroPairsWithStepOne() throws IOException {
    String log = "step:0 - val/test_score/openai/gsm8k:0.1\nstep:1 - actor/entropy_loss:0.45\n"
        + "step:2 - actor/entropy_loss:0.44 - val/test_score/openai/gsm8k:0.2\n";
    RunSeries s = RunSeries.from(read(log, LogFormat.VERL));
    assertThat(s.entropyKey()).isEqualTo("actor/entropy_loss");
    assertThat(s.validationKey()).isEqualTo("val/test_score/openai/gsm8k");
    assertThat(s.validationPoints()).extracting(p -> p.entropy()).containsExactly(0.45, 0.44);
  }

  @Test
  void coreValidationIsPreferredOverAuxiliary() throws IOException {
    String log = "step:5 - val-aux/a/reward/mean@4:0.3 - val-core/b/acc/mean@1:0.6 - actor/entropy:0.2\n";
    assertThat(RunSeries.from(read(log, LogFormat.VERL)).validationKey()).isEqualTo("val-core/b/acc/mean@1");
  }
}
