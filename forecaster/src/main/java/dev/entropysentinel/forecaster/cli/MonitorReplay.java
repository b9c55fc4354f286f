package dev.entropysentinel.forecaster.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import dev.entropysentinel.forecaster.MonitorState;
import dev.entropysentinel.forecaster.MonitorUpdate;
import dev.entropysentinel.forecaster.RunMonitor;
import dev.entropysentinel.forecaster.ingest.RunSeries;

/**
 * Feeds a run's records to a {@link RunMonitor} in step order, as the stream processor would.
 * A log carries no arrival times, so silence cannot be replayed: the clock is fixed.
 */
final class MonitorReplay {
  private MonitorReplay() {}

  /** Detections and decisions of the replay, in order. */
  record Events(List<ReplayReport.Event> detections, List<ReplayReport.Event> decisions) {}

  /** Sees every record fed to the monitor with what it answered and the state after it (the HTML report's records). */
  interface Observer {
    Observer NONE = (step, validation, value, update, state) -> { };

    void fed(int step, boolean validation, double value, MonitorUpdate update, MonitorState state);
  }

  static Events run(RunSeries series, int totalSteps, ReplayOptions options) {
    return run(series, totalSteps, options, Observer.NONE);
  }

  static Events run(RunSeries series, int totalSteps, ReplayOptions options, Observer observer) {
    RunMonitor monitor = new RunMonitor(options.monitor(), options.forecast(), totalSteps,
        Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    List<ReplayReport.Event> detections = new ArrayList<>();
    List<ReplayReport.Event> decisions = new ArrayList<>();
    TreeSet<Integer> steps = new TreeSet<>(series.entropy().keySet());
    steps.addAll(series.validation().keySet());
    for (int step : steps) {
      Double h = series.entropy().get(step);
      Double score = series.validation().get(step);
      if (h != null) {
        MonitorUpdate update = monitor.onEntropy(step, h);
        collect(update, detections, decisions);
        observer.fed(step, false, h, update, monitor.state());
      }
      if (score != null) {
        MonitorUpdate update = monitor.onValidation(step, score);
        collect(update, detections, decisions);
        observer.fed(step, true, score, update, monitor.state());
      }
    }
    return new Events(detections, decisions);
  }

  private static void collect(MonitorUpdate update, List<ReplayReport.Event> detections,
      List<ReplayReport.Event> decisions) {
    update.detections().forEach(d -> detections.add(new ReplayReport.Event(d.step(), d.type().name(), null, d.reason())));
    update.decisions().forEach(d -> decisions.add(new ReplayReport.Event(d.step(), d.cause().name(), d.label(),
        d.reason() + (d.parameterChanges().isEmpty() ? "" : " " + new java.util.TreeMap<>(d.parameterChanges())))));
  }
}
