package dev.entropysentinel.forecaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.entropysentinel.forecaster.ForecastConfig;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default STOP policy on the shared real logs and on truncated copies of them (the same runs
 * planned shorter), and on the logs replayed as if planned longer: no STOP forgoes more than
 * max-forgone, and a longer horizon never brings a STOP forward.
 */
class StopBacktestTest {

  private final Replay replay = new Replay(new ReplayOptions(0.15, 0, ForecastConfig.ofDefaults(),
      MonitorConfig.ofDefaults()));

  private ReplayReport run(Replay with, Path log) throws Exception {
    return with.run(log.getFileName().toString(), MetricLogReader.read(log, LogFormat.VERL));
  }

  @Test
  void noStopOnTheSharedLogsOrTheirTruncatedCopiesForgoesMoreThanMaxForgone(@TempDir Path dir) throws Exception {
    List<Path> logs = new ArrayList<>(List.of(SharedLogs.resource(SharedLogs.SMALL), SharedLogs.resource(SharedLogs.LARGE)));
    for (int last : new int[] {40, 60, 80}) {
      logs.add(SharedLogs.truncated(SharedLogs.resource(SharedLogs.SMALL), last, dir));
    }
    for (int last : new int[] {150, 200, 250, 300, 350, 400}) {
      logs.add(SharedLogs.truncated(SharedLogs.resource(SharedLogs.LARGE), last, dir));
    }
    List<Backtest.Outcome> outcomes = new ArrayList<>();
    for (Path log : logs) {
      outcomes.add(Backtest.Outcome.of(run(replay, log)));
    }
    Backtest backtest = Backtest.of(outcomes, MonitorConfig.ofDefaults().maxForgone());
    StopQuality q = backtest.aggregate().stops();
    assertThat(q.runs()).isEqualTo(11);
    assertThat(q.stopped()).as(backtest.render()).isGreaterThanOrEqualTo(8);
    assertThat(q.overMaxForgone()).as(backtest.render()).isZero();
    assertThat(q.worstForgone()).isLessThanOrEqualTo(0.01 + StopQuality.ROUNDING);
    assertThat(q.shareSaved()).as(backtest.render()).isGreaterThan(0.15);
    for (Backtest.Outcome o : outcomes) {
      ReplayReport.Stop stop = o.report().stop();
      if (stop != null) {
        assertThat(stop.reason()).as(o.log()).contains("gain ahead <=", "may forgo 0.0100", "linear drift's 95% bound",
            "steps left from", "validations since step");
        assertThat(stop.scoreAtStop()).isNotNull();
      }
    }
  }

  @Test
  void aRunPlannedLongerIsNeverStoppedEarlier() throws Exception {
    for (String name : List.of(SharedLogs.SMALL, SharedLogs.LARGE)) {
      ReplayReport asLogged = run(replay, SharedLogs.resource(name));
      ReplayReport longer = run(new Replay(new ReplayOptions(0.15, asLogged.steps() * 4, ForecastConfig.ofDefaults(),
          MonitorConfig.ofDefaults())), SharedLogs.resource(name));
      assertThat(asLogged.stop()).as(name).isNotNull();
      if (longer.stop() != null) {
        assertThat(longer.stop().step()).as(name).isGreaterThan(asLogged.stop().step());
      }
    }
  }
}
