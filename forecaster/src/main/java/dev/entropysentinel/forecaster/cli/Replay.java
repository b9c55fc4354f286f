package dev.entropysentinel.forecaster.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalDouble;
import dev.entropysentinel.forecaster.CeilingForecaster;
import dev.entropysentinel.forecaster.EntropyLawFit;
import dev.entropysentinel.forecaster.ForecastResult;
import dev.entropysentinel.forecaster.ValidationPoint;
import dev.entropysentinel.forecaster.ingest.MetricLog;
import dev.entropysentinel.forecaster.ingest.RunSeries;
import dev.entropysentinel.forecaster.internal.Pow3Curve;

/**
 * Replays a finished run as if it were live, the paper's protocol: everything up to
 * {@code fitFraction} of the planned steps is known, the rest is only used to score. A pure
 * function of the log, so the command and the tests share it.
 */
public final class Replay {
  /** The final score is the mean of this many last validations (the scorer's definition). */
  static final int FINAL_POINTS = 3;

  private final ReplayOptions options;

  public Replay(ReplayOptions options) {
    this.options = options;
  }

  /**
   * Runs the replay over {@code log}, named {@code name} in the report.
   *
   * @throws IllegalArgumentException if a metric key set in the options is not in the log
   */
  public ReplayReport run(String name, MetricLog log) {
    return run(name, log, (series, steps) -> MonitorReplay.Observer.NONE);
  }

  /** The observer of a replay, made once the series and the target step are known. */
  interface ObserverFactory {
    MonitorReplay.Observer make(RunSeries series, int totalSteps);
  }

  /** Like {@link #run(String, MetricLog)}, showing every record fed to the monitor to an observer. */
  ReplayReport run(String name, MetricLog log, ObserverFactory observers) {
    RunSeries series = RunSeries.from(log, options.entropyKey(), options.validationKey());
    ReplayReport.Ingestion ingestion = new ReplayReport.Ingestion(
        log.linesRead(), log.rows().size(), log.malformed(), log.malformedExamples());
    if (series.entropy().isEmpty()) {
      return new ReplayReport(name, log.format().name(), series.entropyKey(), series.validationKey(),
          series.entropyKeys(), series.validationKeys(), 0, 0, null, null, null, null, null,
          "no entropy metric found (looked for " + String.join(", ", RunSeries.ENTROPY_KEYS) + ")", 0,
          actualFinal(series.validation()), scoreScale(series), 0, Map.of(), null, List.of(), List.of(), List.of(),
          null, ingestion);
    }
    int steps = options.totalSteps() > 0 ? options.totalSteps() : series.entropy().lastKey();
    double cut = options.fitFraction() * steps;
    List<ValidationPoint> points = series.validationPoints();
    List<ValidationPoint> early = points.stream().filter(p -> p.step() <= cut).toList();
    NavigableMap<Integer, Double> earlyEntropy = series.entropy().headMap((int) Math.floor(cut), true);
    ForecastResult result = new CeilingForecaster(options.forecast()).forecast(early, earlyEntropy, steps);
    EntropyLawFit fit = result.fit();

    List<ReplayReport.Nowcast> nowcast = new ArrayList<>();
    double sse = 0;
    int predicted = 0;
    for (ValidationPoint p : points) {
      if (p.step() > cut) {
        Double prediction = finite(fit.predict(p.entropy()));
        nowcast.add(new ReplayReport.Nowcast(p.step(), p.entropy(), prediction, p.score()));
        if (prediction != null) {
          sse += (prediction - p.score()) * (prediction - p.score());
          predicted++;
        }
      }
    }
    ReplayReport.FinalForecast finalForecast = result.asOptional()
        .map(f -> new ReplayReport.FinalForecast(f.value(), f.lo(), f.hi(), f.model(), f.weights(), f.candidates()))
        .orElse(null);
    MonitorReplay.Events events = MonitorReplay.run(series, steps, options, observers.make(series, steps));
    return new ReplayReport(name, log.format().name(), series.entropyKey(), series.validationKey(),
        series.entropyKeys(), series.validationKeys(), steps, (int) Math.floor(cut), finite(fit.a()), finite(fit.b()),
        finite(fit.r2()), finite(fit.ceiling()), finalForecast, result.reason() + resumed(series, result, cut) + target(steps),
        result.burnInPoints(), actualFinal(series.validation()), scoreScale(series), early.size(),
        baselines(series, cut, steps), predicted == 0 ? null : Math.sqrt(sse / predicted), nowcast, events.detections(),
        events.decisions(), stop(events, series, steps), ingestion);
  }

  /**
   * Why a resumed run's log (its steps start at N > 0) may have nothing to forecast from: the fit
   * window counts from step 0 of the run, which the log does not hold.
   */
  private static String resumed(RunSeries series, ForecastResult result, double cut) {
    int first = Math.min(series.entropy().firstKey(),
        series.validation().isEmpty() ? Integer.MAX_VALUE : series.validation().firstKey());
    return result.forecast() == null && first > 1
        ? String.format(Locale.ROOT, "; the log starts at step %d (a resumed run) and the fit window ends at "
            + "step %d", first, (int) Math.floor(cut))
        : "";
  }

  /** Says which step the forecast is for, and where that step came from. */
  private String target(int steps) {
    return options.totalSteps() > 0
        ? "; target: step " + steps + " (--total-steps)"
        : "; target: step " + steps + ", the last logged step, taken as the planned end (no --total-steps; "
            + "give it if the run was cut short)";
  }

  /** The naive baselines the forecast must beat, made like the scorer's: on all early validations. */
  private static Map<String, Double> baselines(RunSeries series, double cut, int steps) {
    List<ValidationPoint> early = series.validation().headMap((int) Math.floor(cut), true).entrySet().stream()
        .map(e -> new ValidationPoint(e.getKey(), e.getValue(), 0)).toList();
    Map<String, Double> out = new LinkedHashMap<>();
    if (!early.isEmpty()) {
      out.put("lastValue", early.get(early.size() - 1).score());
      OptionalDouble pow3 = Pow3Curve.predict(early, steps);
      pow3.ifPresent(v -> out.put("pow3", v));
    }
    return out;
  }

  /** The first STOP of the replay, with what it would have saved and forgone; null without one. */
  private static ReplayReport.Stop stop(MonitorReplay.Events events, RunSeries series, int steps) {
    return events.decisions().stream()
        .filter(d -> d.action() != null && d.action().endsWith("STOP"))
        .findFirst()
        .map(d -> {
          Double finalScore = actualFinal(series.validation());
          Double atStop = actualFinal(series.validation().headMap(d.step(), true));
          Double forgone = finalScore == null || atStop == null ? null : (finalScore - atStop) * scoreScale(series);
          int saved = Math.max(0, steps - d.step());
          return new ReplayReport.Stop(d.step(), saved, (double) saved / steps, atStop, forgone, d.reason());
        })
        .orElse(null);
  }

  /** The scorer's final score: the mean of the last {@value #FINAL_POINTS} validations. */
  private static Double actualFinal(NavigableMap<Integer, Double> validation) {
    OptionalDouble mean = validation.descendingMap().values().stream().limit(FINAL_POINTS)
        .mapToDouble(Double::doubleValue).average();
    return mean.isPresent() ? mean.getAsDouble() : null;
  }

  /** +-1 rewards (any negative score) are halved to the accuracy scale, as the scorer does. */
  private static double scoreScale(RunSeries series) {
    return series.validation().values().stream().anyMatch(v -> v < 0) ? 0.5 : 1.0;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
