package dev.entropysentinel.processor.internal;

import dev.entropysentinel.forecaster.Detection;
import dev.entropysentinel.forecaster.ForecastResult;
import dev.entropysentinel.forecaster.MonitorState;
import dev.entropysentinel.forecaster.SampledSeries;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the HTTP API shows of a run's state, as JSON-ready records (no NaN: absent numbers are null). */
public final class RunViews {
  private RunViews() {}

  /** One row of {@code GET /runs}. */
  public record Summary(String runId, String phase, Long lastStep, Double entropy, Double reward, String method,
      Long plannedSteps, Forecast forecast, Integer stepsToCollapse, RunState.DecisionEntry lastDecision) {}

  /** {@code GET /runs/{id}}. */
  public record Detail(String runId, RunInfo info, String phase, Integer stepsToCollapse, MergedStep lastStep, Fit fit,
      Forecast forecast, String forecastReason, List<Detection> detections, List<RunState.DecisionEntry> decisions,
      Counters counters, List<double[]> entropy, List<double[]> validations) {}

  /** The entropy–performance law R = −a·e^H + b fitted on the validation points after the burn-in. */
  public record Fit(Double a, Double b, Double r2, Double ceiling, long points, int burnInPoints) {}

  /** Rank-merge and control counts. */
  public record Counters(long incompleteSteps, long lateRanks, long refusedCommands, long commandsSent) {}

  public static Summary summary(RunState s) {
    RunState.Meta m = s.meta();
    MonitorState monitor = s.monitor();
    MergedStep last = m.lastStep();
    return new Summary(m.runId(), monitor.phase().name(), last == null ? null : last.step(),
        last == null || !last.measured("entropySum") ? null : last.entropyMean(),
        last == null || !last.measured("rewardSum") ? null : last.rewardMean(),
        last == null ? (m.info() == null ? null : m.info().method()) : last.method(),
        m.info() == null ? null : m.info().plannedSteps(), m.lastForecast(), monitor.stepsToCollapse(),
        m.decisions().isEmpty() ? null : m.decisions().get(m.decisions().size() - 1));
  }

  public static Detail detail(RunState s) {
    RunState.Meta m = s.meta();
    MonitorState monitor = s.monitor();
    ForecastResult f = monitor.forecast();
    Fit fit = null;
    if (f != null && f.fit().n() > 0) {
      Double a = finite(f.fit().a());
      Double b = finite(f.fit().b());
      fit = new Fit(a, b, finite(f.fit().r2()), a == null || b == null ? null : b - a, f.fit().n(), f.burnInPoints());
    }
    return new Detail(m.runId(), m.info(), monitor.phase().name(), monitor.stepsToCollapse(), m.lastStep(), fit,
        m.lastForecast(), f == null ? null : f.reason(), monitor.activeDetections(), m.decisions(),
        new Counters(m.incompleteSteps(), m.lateRanks(), m.refusedCommands(), m.commandSeq()),
        points(monitor.entropyTrajectory()), points(monitor.validations()));
  }

  private static List<double[]> points(SampledSeries series) {
    List<double[]> out = new ArrayList<>(series.size());
    for (int i = 0; i < series.size(); i++) {
      double[] p = new double[1 + series.width()];
      p[0] = series.step(i);
      for (int w = 0; w < series.width(); w++) {
        p[1 + w] = series.value(w, i);
      }
      out.add(p);
    }
    return out;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static Map<String, Object> error(String message) {
    return Map.of("error", message);
  }
}
