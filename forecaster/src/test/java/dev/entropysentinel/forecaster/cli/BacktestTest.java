package dev.entropysentinel.forecaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BacktestTest {

  /** A replay of a run with final score {@code actual} whose forecast was {@code value} in [lo, hi]. */
  private static ReplayReport report(String name, double actual, Double value, double lo, double hi, double lastValue,
      Double pow3, double scale, int earlyPoints, ReplayReport.Stop stop) {
    Map<String, Double> baselines = new LinkedHashMap<>();
    baselines.put("lastValue", lastValue);
    if (pow3 != null) {
      baselines.put("pow3", pow3);
    }
    ReplayReport.FinalForecast f = value == null ? null
        : new ReplayReport.FinalForecast(value, lo, hi, "pow3", Map.of(), Map.of());
    return new ReplayReport(name, "VERL", "actor/entropy", "val", Map.of(), Map.of(), 100, 15, null, null, null, null, f,
        value == null ? "insufficient data" : "pow3 drives", 0, actual, scale, earlyPoints, baselines, null, List.of(),
        List.of(), List.of(), stop, new ReplayReport.Ingestion(1, 1, 0, List.of()));
  }

  @Test
  void theAggregateIsTheScorersDefinitionAndLine() {
    Backtest b = Backtest.of(List.of(
        // beats (error 0.010 <= best 0.009 + 0.002), covers
        Backtest.Outcome.of(report("a.log", 0.50, 0.51, 0.45, 0.55, 0.45, 0.509, 1, 4, null)),
        // +-1 rewards: errors and width halved; misses the interval, loses to the last value
        Backtest.Outcome.of(report("b.log", -0.20, -0.30, -0.28, -0.22, -0.21, null, 0.5, 3,
            new ReplayReport.Stop(60, 40, 0.4, -0.22, 0.01, "plateau"))),
        // too few early points: not scored, and rightly no forecast
        Backtest.Outcome.of(report("c.log", 0.3, null, 0, 0, 0.3, null, 1, 1, null))), 0.01);
    Backtest.Aggregate a = b.aggregate();
    assertThat(a.scored()).isEqualTo(2);
    assertThat(a.beatsNaive()).isEqualTo(1);
    assertThat(a.covers()).isEqualTo(1);
    double ratio = (0.01 + 0.1 * 0.5) / (0.05 + 0.01 * 0.5);
    assertThat(a.errorRatio()).isCloseTo(ratio, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(a.meanWidth()).isCloseTo((0.10 + 0.06 * 0.5) / 2, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(a.problems()).isEmpty();
    assertThat(a.meetsGoals()).isFalse();
    assertThat(a.line()).isEqualTo("forecaster: beats naive 1/2, covers 1/2, mean err/last-value 1.09, "
        + "mean 90% width 0.065, problems 0 (goal >=75%, >=80%, <=0.8, <=0.12, 0)");
    assertThat(b.render()).contains("stop=step 60 saves 40 steps (40%) at -0.220 forgoes 0.010")
        .contains("c.log").contains("no forecast: insufficient data");
  }

  @Test
  void missingForecastsForecastsOnTooLittleDataAndUnreadableLogsAreProblems() {
    Backtest b = Backtest.of(List.of(
        Backtest.Outcome.of(report("a.log", 0.5, null, 0, 0, 0.45, null, 1, 4, null)),
        Backtest.Outcome.of(report("b.log", 0.5, 0.5, 0.4, 0.6, 0.45, null, 1, 1, null)),
        Backtest.Outcome.failed("c.log", "--log c.log: is binary, not a text log")), 0.01);
    assertThat(b.aggregate().problems()).containsExactly("a.log: no forecast (insufficient data)",
        "b.log: forecast given on too little data", "c.log: replay failed (--log c.log: is binary, not a text log)");
    assertThat(b.aggregate().line()).contains("beats naive 0/1", "mean err/last-value inf", "mean 90% width inf",
        "problems 3");
    assertThat(b.aggregate().errorRatio()).isNull();
    assertThat(b.render()).contains("c.log").contains("error: --log c.log: is binary");
  }

  @Test
  void theStopTotalsCountEveryRunsStepsAndEveryStopsForgoneScore() {
    Backtest b = Backtest.of(List.of(
        Backtest.Outcome.of(report("a.log", 0.5, 0.5, 0.4, 0.6, 0.45, null, 1, 4,
            new ReplayReport.Stop(40, 60, 0.6, 0.49, 0.012, "plateau"))),
        Backtest.Outcome.of(report("b.log", 0.5, 0.5, 0.4, 0.6, 0.45, null, 1, 4,
            new ReplayReport.Stop(70, 30, 0.3, 0.504, -0.004, "plateau"))),
        Backtest.Outcome.of(report("c.log", 0.5, 0.5, 0.4, 0.6, 0.45, null, 1, 4, null)),
        Backtest.Outcome.failed("d.log", "--log d.log: is binary, not a text log")), 0.01);
    StopQuality q = b.aggregate().stops();
    assertThat(q.runs()).isEqualTo(3);
    assertThat(q.steps()).isEqualTo(300);
    assertThat(q.stepsSaved()).isEqualTo(90);
    assertThat(q.shareSaved()).isEqualTo(0.3);
    assertThat(q.stopped()).isEqualTo(2);
    assertThat(q.worstForgone()).isEqualTo(0.012);
    assertThat(q.meanForgone()).isCloseTo(0.004, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(q.overMaxForgone()).isEqualTo(1);
    assertThat(b.render()).endsWith("stops: 2 of 3 runs stopped, steps saved 90 of 300 (30.0%), score forgone worst "
        + "0.012 mean 0.004, runs forgoing > 0.010: 1\n");
    assertThat(Backtest.of(List.of(Backtest.Outcome.of(report("c.log", 0.5, 0.5, 0.4, 0.6, 0.45, null, 1, 4, null))), 0.01)
        .aggregate().stops().line()).isEqualTo("stops: 0 of 1 runs stopped, steps saved 0 of 100 (0.0%), score forgone "
            + "worst n/a mean n/a, runs forgoing > 0.010: 0");
  }

  @Test
  void numbersArePrintedAsPythonPrintsThem() {
    assertThat(Backtest.fixed(0.125, 2)).isEqualTo("0.12");
    assertThat(Backtest.fixed(0.375, 2)).isEqualTo("0.38");
    assertThat(Backtest.fixed(0.1049999, 3)).isEqualTo("0.105");
    assertThat(Backtest.fixed(-0.0001, 3)).isEqualTo("-0.000");
    assertThat(Backtest.fixed(Double.POSITIVE_INFINITY, 2)).isEqualTo("inf");
  }
}
