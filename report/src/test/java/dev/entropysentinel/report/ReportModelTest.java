package dev.entropysentinel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.entropysentinel.report.internal.RunHistory;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportModelTest {
  static RunRecords recorded(String run, int steps) {
    RunRecords records = new RunRecords();
    CollapsingRun.records(run, steps).forEach(s -> records.add(s.record()));
    return records;
  }

  static ReportModel.RunView only(RunRecords records) {
    return ReportModel.of(records, "report", 0, ReportModel.Options.ofDefaults()).runs().get(0);
  }

  @Test
  void ranksOfAStepMergeTokenWeightedAndARedeliveredRankCountsOnce() {
    RunRecords records = recorded("r", 40);
    records.add(CollapsingRun.step("r", 1, 39)); // at-least-once redelivery
    ReportModel.RunView run = only(records);
    assertThat(run.lastStep()).isEqualTo(39);
    assertThat(run.entropy()).isCloseTo(CollapsingRun.mergedEntropy(39), within(1e-12));
    assertThat(run.reward()).isCloseTo(CollapsingRun.mergedReward(39), within(1e-12));
    assertThat(run.charts().steps().step()).hasSize(40);
    assertThat(run.charts().covariance().fraction()).containsExactly(0.002, 0.02, 1.0);
    assertThat(run.charts().covariance().mean().get(0)).isCloseTo(3.5, within(1e-12)); // (3 + 4) / 2 tokens
  }

  @Test
  void theForecastAtTheFitFractionIsTheLastOneIssuedByThenAndTheStopSavesTheRestOfThePlan() {
    ReportModel.RunView run = only(recorded("r", 100));
    assertThat(run.fitStep()).isEqualTo(15);
    assertThat(run.forecastAtFit().step()).isEqualTo(10);
    assertThat(run.phase()).isEqualTo("COLLAPSING");
    assertThat(run.decisions()).extracting(ReportModel.DecisionView::action).containsExactly("INTERVENE", "STOP");
    assertThat(run.decisions().get(1).ack()).isEqualTo("APPLIED");
    ReportModel.StopSaving stop = run.stops().get(0);
    assertThat(stop.stopStep()).isEqualTo(91); // where the trainer stopped, from its acknowledgement
    assertThat(stop.stepsSaved()).isEqualTo(9);
    assertThat(stop.shareSaved()).isCloseTo(0.09, within(1e-12));
    // slowest rank 1000 ms x 2 ranks per step
    assertThat(stop.gpuHoursSaved()).isCloseTo(9 * 2 * 1000 / 3_600_000.0, within(1e-12));
  }

  @Test
  void fieldsARankDidNotMeasureAreLeftOutNotCountedAsZero() {
    RunRecords records = new RunRecords();
    dev.entropysentinel.schemas.StepStats measured = CollapsingRun.step("r", 0, 3);
    dev.entropysentinel.schemas.StepStats m = CollapsingRun.step("r", 1, 3);
    records.add(measured);
    records.add(new dev.entropysentinel.schemas.StepStats(m.schemaVersion(), "r", m.host(), 1, 2, 3, m.timestampMs(),
        m.method(), m.methodParams(), m.tokenCount(), m.entropySum(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        dev.entropysentinel.schemas.Covariance.empty(), 0, 0, 0, 0, 0,
        List.of("responseCount", "rewardSum", "correctCount", "responseLengthSum", "covariance", "entropyChangePredicted",
            "entropyChangeMeasured")));
    ReportModel.RunView run = only(records);
    assertThat(run.reward()).isCloseTo(measured.rewardMean(), within(1e-12));
    assertThat(run.entropy()).isCloseTo(CollapsingRun.mergedEntropy(3), within(1e-12));
    assertThat(run.charts().steps().dhPredicted().get(0)).isCloseTo(measured.entropyChangePredicted(), within(1e-12));
    assertThat(run.charts().covariance().mean().get(0)).isCloseTo(3.0, within(1e-12)); // rank 0's group only

    RunRecords logOnly = new RunRecords();
    logOnly.add(new dev.entropysentinel.schemas.StepStats(m.schemaVersion(), "log", "h", 0, 1, 0, 0, "external",
        java.util.Map.of(), 1, 0.7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, dev.entropysentinel.schemas.Covariance.empty(), 0, 0, 0,
        0, 0, List.of("tokenCount", "responseCount", "rewardSum", "covariance", "entropyChangePredicted",
            "entropyChangeMeasured")));
    ReportModel.RunView log = only(logOnly);
    assertThat(log.entropy()).isEqualTo(0.7);
    assertThat(log.reward()).isNull();
    assertThat(log.charts().steps().dhPredicted()).containsExactly((Double) null);
    assertThat(log.charts().steps().dhMeasured()).containsExactly((Double) null);
  }

  @Test
  void aResolvedAlertIsNoLongerFiringButStaysInTheHistory() {
    RunRecords records = recorded("r", 40);
    dev.entropysentinel.schemas.Alert firing = only(records).alerts().get(0);
    records.add(new dev.entropysentinel.schemas.Alert(firing.schemaVersion(), firing.alertId(), "r", firing.type(),
        firing.severity(), dev.entropysentinel.schemas.Alert.Status.RESOLVED, 30, 1, 2L, "recovered", java.util.Map.of()));
    ReportModel.RunView run = only(records);
    assertThat(run.firingAlerts()).isEmpty();
    assertThat(run.alerts()).extracting(a -> a.status().name()).containsExactly("FIRING", "RESOLVED");
    assertThat(only(recorded("r", 40)).firingAlerts()).containsExactly("ENTROPY_COLLAPSE");
  }

  @Test
  void aGivenGpuRatePricesTheSavedSteps() {
    ReportModel.RunView run = ReportModel.of(recorded("r", 100), "report", 0,
        ReportModel.Options.ofDefaults().withGpuHoursPerStep(0.5)).runs().get(0);
    assertThat(run.stops().get(0).gpuHoursSaved()).isEqualTo(4.5);
  }

  @Test
  void chartSeriesAreThinnedToTheLimitKeepingTheLastStep() {
    RunRecords records = recorded("r", 1500);
    ReportModel.RunView run = only(records);
    List<Long> steps = run.charts().steps().step();
    assertThat(steps.size()).isLessThanOrEqualTo(600);
    assertThat(steps.get(steps.size() - 1)).isEqualTo(1499);
    assertThat(run.lastStep()).isEqualTo(1499);
  }

  @Test
  void aLongRunsHistoryStaysBounded() {
    RunRecords records = new RunRecords();
    for (long s = 0; s < 3 * RunHistory.MAX_POINTS; s++) {
      records.add(CollapsingRun.step("long", 0, s));
    }
    int kept = records.<Integer>read(all -> all.get("long").steps().size());
    assertThat(kept).isLessThanOrEqualTo(RunHistory.MAX_POINTS);
    long last = records.<Long>read(all -> all.get("long").steps().get(kept - 1).step());
    assertThat(last).isEqualTo(3L * RunHistory.MAX_POINTS - 1);
  }

  @Test
  void onlyTheRunsAskedForCarryChartsAlertsAndEveryDecision() {
    RunRecords records = recorded("a", 20);
    CollapsingRun.records("b", 20).forEach(s -> records.add(s.record()));
    ReportModel model = ReportModel.of(records, "live", 0, ReportModel.Options.ofDefaults().withChartsFor("b"::equals));
    assertThat(model.runs()).extracting(ReportModel.RunView::runId).containsExactly("a", "b");
    ReportModel.RunView summary = model.runs().get(0);
    assertThat(summary.charts()).isNull();
    assertThat(summary.alerts()).isEmpty();
    assertThat(summary.firingAlerts()).containsExactly("ENTROPY_COLLAPSE");
    assertThat(summary.decisions()).extracting(ReportModel.DecisionView::action).containsExactly("STOP");
    assertThat(summary.stops()).hasSize(1);
    assertThat(model.runs().get(1).charts()).isNotNull();
    assertThat(model.runs().get(1).decisions()).hasSize(2);
  }

  @Test
  void aRecordedDirectoryReadsBackAndUnreadableLinesAreCountedWithWhere(@TempDir Path dir) throws Exception {
    try (JsonlRecorder recorder = new JsonlRecorder(dir)) {
      for (CollapsingRun.Sent s : CollapsingRun.records("r", 30)) {
        recorder.accept(s.topic(), "test", WireJson.write(s.record()));
      }
      recorder.accept(Topics.EVALS, "test", "{\"not\": \"an eval\"}".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(Files.readAllLines(dir.resolve("step-stats.jsonl"))).hasSize(60);
    RunRecords read = RunRecords.read(dir);
    assertThat(read.unreadableCount()).isEqualTo(1);
    assertThat(read.unreadableExamples().get(0)).startsWith("evals.jsonl:4: ");
    ReportModel.RunView fromFiles = only(read);
    ReportModel.RunView inMemory = only(recorded("r", 30));
    assertThat(fromFiles).usingRecursiveComparison().isEqualTo(inMemory);
  }

  @Test
  void aMissingDirectoryIsRefusedNamingTheExpectedFiles(@TempDir Path dir) {
    assertThatThrownBy(() -> RunRecords.read(dir.resolve("nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a directory").hasMessageContaining("step-stats.jsonl");
  }

  @Test
  void badOptionsNameTheSetting() {
    assertThatThrownBy(() -> new ReportModel.Options(0, 600, r -> true, null))
        .hasMessage("report.fitFraction must be in (0, 1], was 0.0");
    assertThatThrownBy(() -> ReportModel.Options.ofDefaults().withGpuHoursPerStep(-1.0))
        .hasMessage("report.gpuHoursPerStep must be a number >= 0, was -1.0");
  }
}
