package dev.entropysentinel.forecaster.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class RunSeriesTest {

  private static MetricLog verl(String text) throws IOException {
    return MetricLogReader.read(new StringReader(text), LogFormat.VERL);
  }

  /** The core key only at the initial validation, auxiliary keys at every validation (some verl versions). */
  private static final String CORE_ONLY_AT_START = """
      step:0 - val-core/aime/acc/mean@16:0.10 - val-aux/aime/score/mean@16:0.10 - val-aux/aime/reward/mean@16:-0.8
      step:1 - actor/entropy:0.50
      step:5 - actor/entropy:0.40 - val-aux/aime/acc/mean@16:0.2 - val-aux/aime/score/mean@16:0.20 - val-aux/aime/reward/mean@16:-0.6
      step:10 - actor/entropy:0.30 - val-aux/aime/acc/mean@16:0.3 - val-aux/aime/score/mean@16:0.30 - val-aux/aime/reward/mean@16:-0.4
      """;

  @Test
  void theValidationKeyPresentAtTheMostStepsWinsAndTheAlternativesAreCounted() throws IOException {
    RunSeries s = RunSeries.from(verl(CORE_ONLY_AT_START));
    assertThat(s.validationKey()).isEqualTo("val-aux/aime/reward/mean@16");
    assertThat(s.validationKeys()).containsExactly(
        java.util.Map.entry("val-aux/aime/reward/mean@16", 3),
        java.util.Map.entry("val-aux/aime/score/mean@16", 3),
        java.util.Map.entry("val-aux/aime/acc/mean@16", 2),
        java.util.Map.entry("val-core/aime/acc/mean@16", 1));
    assertThat(s.validationPoints()).hasSize(3);
  }

  @Test
  void amongKeysPresentEquallyOftenCoreWinsThenTheLargerSampleCount() throws IOException {
    String log = """
        step:5 - actor/entropy:0.2 - val-aux/a/reward/mean@1:0.3 - val-aux/a/reward/mean@8:0.31 - val-core/a/acc/mean@8:0.6
        step:9 - actor/entropy:0.1 - val-aux/a/reward/mean@1:0.3 - val-aux/a/reward/mean@8:0.31 - val-core/a/acc/mean@8:0.6
        """;
    RunSeries s = RunSeries.from(verl(log));
    assertThat(s.validationKey()).isEqualTo("val-core/a/acc/mean@8");
    assertThat(s.validationKeys().keySet()).containsExactly("val-core/a/acc/mean@8", "val-aux/a/reward/mean@8",
        "val-aux/a/reward/mean@1");
  }

  @Test
  void sourcesWithSlashesAreAuxiliaryCandidatesToo() throws IOException {
    RunSeries s = RunSeries.from(verl("step:3 - actor/entropy:0.2 - val-aux/openai/gsm8k/score/mean@1:0.5\n"));
    assertThat(s.validationKey()).isEqualTo("val-aux/openai/gsm8k/score/mean@1");
  }

  @Test
  void theEntropyKeyPresentAtTheMostStepsWins() throws IOException {
    String log = "step:1 - actor/entropy_loss:0.5\nstep:2 - actor/entropy_loss:0.4\nstep:3 - actor/entropy:0.3 "
        + "- actor/entropy_loss:0.3\n";
    RunSeries s = RunSeries.from(verl(log));
    assertThat(s.entropyKey()).isEqualTo("actor/entropy_loss");
    assertThat(s.entropyKeys()).containsEntry("actor/entropy", 1).containsEntry("actor/entropy_loss", 3);
  }

  @Test
  void aChosenKeyOverridesTheRule() throws IOException {
    RunSeries s = RunSeries.from(verl(CORE_ONLY_AT_START), null, "val-aux/aime/score/mean@16");
    assertThat(s.validationKey()).isEqualTo("val-aux/aime/score/mean@16");
    assertThat(s.validation()).containsEntry(10, 0.30);
  }

  @Test
  void aChosenKeyThatIsNotInTheLogIsRejectedListingTheCandidates() {
    assertThatThrownBy(() -> RunSeries.from(verl(CORE_ONLY_AT_START), null, "val-core/nope/acc/mean@1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'val-core/nope/acc/mean@1' is not in the log")
        .hasMessageContaining("val-aux/aime/reward/mean@16");
  }

  @Test
  void aResumedRunsFirstValidationPairsWithTheNextStepsEntropy() throws IOException {
    String log = "step:200 - val-core/a/acc/mean@1:0.5\nstep:201 - actor/entropy:0.3\n"
        + "step:210 - actor/entropy:0.28 - val-core/a/acc/mean@1:0.52\n";
    RunSeries s = RunSeries.from(verl(log));
    assertThat(s.validationPoints()).extracting(p -> p.step() + "=" + p.entropy()).containsExactly("200=0.3", "210=0.28");
  }
}
