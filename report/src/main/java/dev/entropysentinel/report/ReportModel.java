package dev.entropysentinel.report;

import dev.entropysentinel.report.internal.RunHistory;
import dev.entropysentinel.report.internal.StepPoint;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * What the page shows, as JSON-ready records: a row per run for the fleet table, the run's facts,
 * alerts, decisions with their acknowledgements, the STOPs' savings and the chart series (thinned to
 * at most {@link Options#maxChartPoints()} points). Absent numbers are {@code null}, never NaN.
 *
 * @param mode {@code live} (the dashboard) or {@code report} (a file)
 * @param fitFraction the share of the planned steps the paper's forecast is made from
 */
public record ReportModel(String mode, long generatedAtMs, double fitFraction, List<RunView> runs,
    long unreadableRecords, List<String> unreadableExamples) {

  /**
   * How the model is built.
   *
   * @param chartsFor the runs shown in detail: chart series, every alert and decision (the dashboard sends
   *     one run's, the report all); the others carry what the fleet table shows (firing alerts, last decision)
   * @param gpuHoursPerStep GPU-hours one step costs, for the savings of a STOP; {@code null}: measured
   *     (the run's mean step time times its world size)
   */
  public record Options(double fitFraction, int maxChartPoints, Predicate<String> chartsFor, Double gpuHoursPerStep) {
    public Options {
      if (!(fitFraction > 0 && fitFraction <= 1)) {
        throw new IllegalArgumentException("report.fitFraction must be in (0, 1], was " + fitFraction);
      }
      if (maxChartPoints < 2) {
        throw new IllegalArgumentException("report.maxChartPoints must be >= 2, was " + maxChartPoints);
      }
      if (gpuHoursPerStep != null && !(gpuHoursPerStep >= 0 && Double.isFinite(gpuHoursPerStep))) {
        throw new IllegalArgumentException("report.gpuHoursPerStep must be a number >= 0, was " + gpuHoursPerStep);
      }
    }

    /** The paper's 15%, 600 points per chart, every run's charts, GPU-hours from the measured step times. */
    public static Options ofDefaults() {
      return new Options(0.15, 600, run -> true, null);
    }

    public Options withFitFraction(double fraction) {
      return new Options(fraction, maxChartPoints, chartsFor, gpuHoursPerStep);
    }

    public Options withChartsFor(Predicate<String> runs) {
      return new Options(fitFraction, maxChartPoints, runs, gpuHoursPerStep);
    }

    public Options withGpuHoursPerStep(Double rate) {
      return new Options(fitFraction, maxChartPoints, chartsFor, rate);
    }
  }

  /**
   * One run: the fleet row, the facts above its charts, and the charts when asked for.
   *
   * @param alerts every firing and resolve notice, in order (empty unless the run is shown in detail)
   * @param forecastAtFit the forecast as it stood at the fit fraction of the planned steps (shown in detail only)
   * @param firingAlerts the types of the alerts firing now (not resolved since)
   * @param decisions every decision, or only the last unless the run is shown in detail
   */
  public record RunView(String runId, String method, String modelName, Long plannedSteps, Integer worldSize,
      String phase, Long lastStep, Double entropy, Double reward, Forecast forecast, Forecast forecastAtFit,
      Long fitStep, List<Alert> alerts, List<String> firingAlerts, List<DecisionView> decisions, List<StopSaving> stops, Charts charts) {}

  /** A decision as sent and what the trainer answered ({@code ack} null before it did). */
  public record DecisionView(long seq, long step, String action, String reason, Map<String, String> parameters,
      boolean dryRun, long issuedAtMs, String ack, String ackReason, Long ackStep) {}

  /**
   * What one STOP saved versus running to the planned end: the steps, their share of the run and
   * the GPU-hours at the given rate. The stop step is where the trainer stopped (its APPLIED
   * acknowledgement) or, before one, the step the decision was taken at.
   */
  public record StopSaving(long seq, boolean dryRun, boolean applied, long stopStep, Long plannedSteps,
      Long stepsSaved, Double shareSaved, Double gpuHoursSaved) {}

  /** The chart series; columns of equal length, {@code null} where a value is absent. */
  public record Charts(StepSeries steps, ValidationSeries validation, ForecastSeries forecasts, Law law,
      CovarianceGroups covariance) {}

  public record StepSeries(List<Long> step, List<Double> entropy, List<Double> reward, List<Double> dhPredicted,
      List<Double> dhMeasured) {}

  /** Validations with the entropy at their step (the x of the law's plot is e^entropy). */
  public record ValidationSeries(List<Long> step, List<Double> score, List<Double> entropy) {}

  public record ForecastSeries(List<Long> step, List<Double> predicted, List<Double> lo, List<Double> hi,
      List<Double> ceiling) {}

  /** The law's latest fit, R = −a·e^H + b. */
  public record Law(Double a, Double b, Double r2) {}

  /** The latest step's covariance top groups (fractions of the valid tokens, ascending) and their means. */
  public record CovarianceGroups(Long step, List<Double> fraction, List<Double> mean) {}

  /** Builds the model of every run in {@code records}. */
  public static ReportModel of(RunRecords records, String mode, long nowMs, Options options) {
    List<RunView> runs = records.read(all -> all.values().stream().map(h -> view(h, options)).toList());
    return new ReportModel(mode, nowMs, options.fitFraction(), runs, records.unreadableCount(),
        records.unreadableExamples());
  }

  static RunView view(RunHistory h, Options o) {
    RunInfo info = h.info();
    boolean detailed = o.chartsFor().test(h.runId());
    StepPoint last = h.lastStep();
    Forecast forecast = h.latestForecast();
    Long planned = info != null && info.plannedSteps() != null ? info.plannedSteps()
        : forecast != null && forecast.finalStep() > 0 ? forecast.finalStep() : null;
    Long fitStep = planned == null ? null : (long) Math.floor(o.fitFraction() * planned);
    Forecast atFit = detailed && fitStep != null ? h.forecastAtOrBefore(fitStep) : null;
    List<DecisionView> decisions = new ArrayList<>();
    List<StopSaving> stops = new ArrayList<>();
    List<ControlCommand> commands = h.commands();
    boolean anyStop = commands.stream().anyMatch(c -> c.action() == ControlAction.STOP);
    Double rate = !anyStop ? null : o.gpuHoursPerStep() != null ? o.gpuHoursPerStep() : measuredGpuHoursPerStep(h.steps());
    for (ControlCommand c : commands) {
      ControlAck ack = h.ack(c.seq());
      decisions.add(new DecisionView(c.seq(), c.forecastStep(), c.action().name(), c.reason(), c.parameters(),
          c.dryRun(), c.issuedAtMs(), ack == null ? null : ack.status().name(), ack == null ? null : ack.reason(),
          ack == null ? null : ack.step()));
      if (c.action() == ControlAction.STOP) {
        boolean applied = ack != null && ack.status() == ControlAck.Status.APPLIED;
        long stopStep = applied ? ack.step() : c.forecastStep();
        Long saved = planned == null ? null : Math.max(0, planned - stopStep);
        stops.add(new StopSaving(c.seq(), c.dryRun(), applied, stopStep, planned, saved,
            saved == null || planned == 0 ? null : (double) saved / planned,
            saved == null || rate == null ? null : saved * rate));
      }
    }
    List<Alert> alerts = detailed ? h.alerts() : List.of();
    if (!detailed && decisions.size() > 1) {
      decisions = List.of(decisions.get(decisions.size() - 1));
    }
    String phase = forecast != null && forecast.phase() != null ? forecast.phase().name() : "UNKNOWN";
    String method = last != null && last.method() != null ? last.method() : info == null ? null : info.method();
    return new RunView(h.runId(), method, info == null ? null : info.modelName(), planned,
        info != null ? Integer.valueOf(info.worldSize()) : last == null ? null : last.worldSize(), phase,
        last == null ? null : last.step(), last == null ? null : finite(last.entropy()),
        last == null ? null : finite(last.reward()), forecast, atFit, fitStep, alerts,
        h.firingAlerts().stream().map(a -> a.type().name()).toList(), decisions, stops,
        detailed ? charts(h, h.steps(), h.forecasts(), forecast, o.maxChartPoints()) : null);
  }

  /** Mean step time (slowest rank) times the world size, in GPU-hours; null without step times. */
  private static Double measuredGpuHoursPerStep(List<StepPoint> steps) {
    double sum = 0;
    int n = 0;
    for (StepPoint p : steps) {
      if (p.stepTimeMs() > 0) {
        sum += p.stepTimeMs() * Math.max(1, p.worldSize());
        n++;
      }
    }
    return n == 0 ? null : sum / n / 3_600_000.0;
  }

  private static Charts charts(RunHistory h, List<StepPoint> allSteps, List<Forecast> allForecasts, Forecast latest,
      int maxPoints) {
    List<StepPoint> steps = thin(allSteps, maxPoints);
    List<EvalResult> evals = thin(h.evals(), maxPoints);
    List<Forecast> forecasts = thin(allForecasts, maxPoints);
    StepSeries stepSeries = new StepSeries(steps.stream().map(StepPoint::step).toList(),
        column(steps, StepPoint::entropy), column(steps, StepPoint::reward),
        column(steps, StepPoint::entropyChangePredicted), column(steps, StepPoint::entropyChangeMeasured));
    ValidationSeries validation = new ValidationSeries(evals.stream().map(EvalResult::step).toList(),
        column(evals, EvalResult::score), column(evals, e -> h.entropyAt(e.step())));
    ForecastSeries forecastSeries = new ForecastSeries(forecasts.stream().map(Forecast::step).toList(),
        column(forecasts, f -> orNaN(f.predictedFinal())), column(forecasts, f -> orNaN(f.predictedLo())),
        column(forecasts, f -> orNaN(f.predictedHi())), column(forecasts, f -> orNaN(f.ceiling())));
    Law law = latest == null ? new Law(null, null, null) : new Law(latest.a(), latest.b(), latest.r2());
    CovarianceGroups cov = new CovarianceGroups(null, List.of(), List.of());
    for (int i = allSteps.size() - 1; i >= 0; i--) {
      Map<Double, Double> groups = allSteps.get(i).topGroupMeans();
      if (!groups.isEmpty()) {
        cov = new CovarianceGroups(allSteps.get(i).step(), List.copyOf(groups.keySet()), List.copyOf(groups.values()));
        break;
      }
    }
    return new Charts(stepSeries, validation, forecastSeries, law, cov);
  }

  /** At most {@code max} items, evenly strided, the last one always kept. */
  static <T> List<T> thin(List<T> all, int max) {
    if (all.size() <= max) {
      return all;
    }
    int stride = (all.size() + max - 2) / (max - 1);
    List<T> out = new ArrayList<>();
    for (int i = 0; i < all.size() - 1; i += stride) {
      out.add(all.get(i));
    }
    out.add(all.get(all.size() - 1));
    return out;
  }

  private static <T> List<Double> column(List<T> items, ToDoubleFunction<T> value) {
    List<Double> out = new ArrayList<>(items.size());
    for (T item : items) {
      out.add(finite(value.applyAsDouble(item)));
    }
    return out;
  }

  private static double orNaN(Double v) {
    return v == null ? Double.NaN : v;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
