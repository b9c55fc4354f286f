package dev.entropysentinel.forecaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
  private static final Pattern STEP = Pattern.compile("(?:^|[\\s)\\]])step:(\\d+) - ");
  private static final String SMALL = "qwen2-7b-gsm8k-math-grpo-megatron.log";
  private static final String LARGE = "qwen2.5-0.5b-gsm8k-ppo.log";

  private final Replay replay = new Replay(new ReplayOptions(0.15, 0, ForecastConfig.ofDefaults(),
      MonitorConfig.ofDefaults()));

  private static Path resource(String name) throws Exception {
    return Path.of(Objects.requireNonNull(StopBacktestTest.class.getResource("/verl-logs/" + name)).toURI());
  }

  /** A copy of {@code log} without the step lines after {@code last} (bytes kept as they are). */
  private static Path truncated(Path log, int last, Path dir) throws Exception {
    String text = Files.readString(log, StandardCharsets.ISO_8859_1);
    String kept = text.lines().filter(line -> {
      Matcher m = STEP.matcher(line);
      return !m.find() || Integer.parseInt(m.group(1)) <= last;
    }).collect(Collectors.joining("\n"));
    Path copy = dir.resolve(log.getFileName().toString().replace(".log", "-to" + last + ".log"));
    Files.writeString(copy, kept, StandardCharsets.ISO_8859_1);
    return copy;
  }

  private ReplayReport run(Replay with, Path log) throws Exception {
    return with.run(log.getFileName().toString(), MetricLogReader.read(log, LogFormat.VERL));
  }

  @Test
  void noStopOnTheSharedLogsOrTheirTruncatedCopiesForgoesMoreThanMaxForgone(@TempDir Path dir) throws Exception {
    List<Path> logs = new ArrayList<>(List.of(resource(SMALL), resource(LARGE)));
    for (int last : new int[] {40, 60, 80}) {
      logs.add(truncated(resource(SMALL), last, dir));
    }
    for (int last : new int[] {150, 200, 250, 300, 350, 400}) {
      logs.add(truncated(resource(LARGE), last, dir));
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
    for (String name : List.of(SMALL, LARGE)) {
      ReplayReport asLogged = run(replay, resource(name));
      ReplayReport longer = run(new Replay(new ReplayOptions(0.15, asLogged.steps() * 4, ForecastConfig.ofDefaults(),
          MonitorConfig.ofDefaults())), resource(name));
      assertThat(asLogged.stop()).as(name).isNotNull();
      if (longer.stop() != null) {
        assertThat(longer.stop().step()).as(name).isGreaterThan(asLogged.stop().step());
      }
    }
  }
}
