package dev.entropysentinel.forecaster.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import dev.entropysentinel.forecaster.Decision;
import dev.entropysentinel.forecaster.DriftShape;
import dev.entropysentinel.forecaster.ForecastConfig;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.forecaster.RunMonitor;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Experiment harness (not a test): prints what the default STOP policy saves and forgoes on every family. */
class StopPolicyBench {

  enum Shape { LOG, LINEAR, SQRT }

  record Family(String name, int total, int every, double tau, double drift, int driftFrom, Shape shape, double noise,
      double rho) {
    double entropy(int t) {
      return 0.05 + 0.45 * Math.exp(-t / tau);
    }

    double shape(double t) {
      double x = t + 1;
      double x0 = driftFrom + 1;
      double xt = total + 1;
      return switch (shape) {
        case LOG -> Math.log(x / x0) / Math.log(xt / x0);
        case LINEAR -> (x - x0) / (xt - x0);
        case SQRT -> (1 - Math.pow(x / x0, -0.5)) / (1 - Math.pow(xt / x0, -0.5));
      };
    }

    double truth(int t) {
      return -0.5 * Math.exp(entropy(t)) + 1.3 + drift * shape(t);
    }

    double gainAhead(int step) {
      return truth(total) - truth(step);
    }

    /** STOP step or -1, and the measured forgone (mean of last three validations) */
    double[] run(MonitorConfig config, long seed) {
      Random random = new Random(seed);
      RunMonitor m = new RunMonitor(config, ForecastConfig.ofDefaults(), total, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
      List<Double> scores = new ArrayList<>();
      double e = 0;
      int stop = -1;
      for (int t = 1; t <= total; t++) {
        if (stop < 0) {
          m.onEntropy(t, entropy(t) * (1 + 0.02 * random.nextGaussian()));
        }
        if (t % every == 0) {
          e = rho * e + Math.sqrt(1 - rho * rho) * random.nextGaussian();
          double s = truth(t) + noise * e;
          scores.add(s);
          if (stop < 0 && m.onValidation(t, s).decisions().stream().anyMatch(d -> d.action() == Decision.Action.STOP)) {
            stop = t;
          }
        }
      }
      if (stop < 0) {
        return new double[] {-1, 0};
      }
      int k = stop / every;
      double at = scores.subList(k - 3, k).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double fin = scores.subList(scores.size() - 3, scores.size()).stream().mapToDouble(Double::doubleValue).average()
          .orElseThrow();
      return new double[] {stop, fin - at};
    }
  }

  static List<Family> families() {
    List<Family> f = new ArrayList<>();
    for (Shape s : Shape.values()) {
      f.add(new Family("1100 " + s + " +.03 s.007", 1100, 10, 20, 0.03, 100, s, 0.007, 0));
    }
    f.add(new Family("1100 LOG +.03 s.012", 1100, 10, 20, 0.03, 100, Shape.LOG, 0.012, 0));
    f.add(new Family("1100 LOG +.03 ar.5 s.007", 1100, 10, 20, 0.03, 100, Shape.LOG, 0.007, 0.5));
    f.add(new Family("1100 LIN +.03 ar.5 s.007", 1100, 10, 20, 0.03, 100, Shape.LINEAR, 0.007, 0.5));
    f.add(new Family("1100 LOG +.03 every5", 1100, 5, 20, 0.03, 100, Shape.LOG, 0.007, 0));
    f.add(new Family("1100 LIN +.03 every20", 1100, 20, 50, 0.03, 100, Shape.LINEAR, 0.007, 0));
    f.add(new Family("105 LOG +.02 from40 s.005", 105, 5, 10, 0.02, 40, Shape.LOG, 0.005, 0));
    f.add(new Family("105 LIN +.02 from40 s.005", 105, 5, 10, 0.02, 40, Shape.LINEAR, 0.005, 0));
    f.add(new Family("105 SQRT +.02 from40 ar.5", 105, 5, 10, 0.02, 40, Shape.SQRT, 0.005, 0.5));
    f.add(new Family("435 LIN +.025 from100", 435, 10, 30, 0.025, 100, Shape.LINEAR, 0.007, 0));
    f.add(new Family("plateau 1100 s.007", 1100, 10, 20, 0, 100, Shape.LOG, 0.007, 0));
    f.add(new Family("plateau 1100 s.012", 1100, 10, 20, 0, 100, Shape.LOG, 0.012, 0));
    f.add(new Family("plateau 435", 435, 10, 20, 0, 100, Shape.LOG, 0.007, 0));
    f.add(new Family("plateau 300 every5", 300, 5, 20, 0, 100, Shape.LOG, 0.007, 0));
    f.add(new Family("plateau 105", 105, 5, 10, 0, 40, Shape.LOG, 0.005, 0));
    return f;
  }

  @Test
  void table(@TempDir Path dir) throws Exception {
    MonitorConfig config = MonitorConfig.ofDefaults().withMaxForgone(Double.parseDouble(System.getProperty("mf", "0.01")))
        .withDrift(DriftShape.valueOf(System.getProperty("drift", MonitorConfig.ofDefaults().drift().name())));
    int seeds = Integer.getInteger("seeds", 10);
    StringBuilder out = new StringBuilder("drift " + config.drift() + ", max-forgone " + config.maxForgone() + "\n");
    Replay replay = new Replay(new ReplayOptions(0.15, 0, ForecastConfig.ofDefaults(), config));
    List<Path> shared = List.of(SharedLogs.resource(SharedLogs.SMALL), SharedLogs.resource(SharedLogs.LARGE));
    List<Path> cut = new ArrayList<>();
    for (int last : new int[] {40, 60, 80}) {
      cut.add(SharedLogs.truncated(SharedLogs.resource(SharedLogs.SMALL), last, dir));
    }
    for (int last : new int[] {150, 200, 250, 300, 350, 400}) {
      cut.add(SharedLogs.truncated(SharedLogs.resource(SharedLogs.LARGE), last, dir));
    }
    for (List<Path> set : List.of(shared, cut)) {
      List<Backtest.Outcome> outcomes = new ArrayList<>();
      for (Path log : set) {
        ReplayReport r = replay.run(log.getFileName().toString(), MetricLogReader.read(log, LogFormat.VERL));
        outcomes.add(Backtest.Outcome.of(r));
        ReplayReport.Stop s = r.stop();
        out.append(String.format(Locale.ROOT, "  %-44s stop %s%n", log.getFileName(),
            s == null ? "none" : s.step() + " saved " + s.stepsSaved() + " forgone " + s.scoreForgone()));
      }
      out.append(Backtest.of(outcomes, config.maxForgone()).aggregate().stops().line()).append('\n');
    }
    out.append(String.format(Locale.ROOT, "%-28s %7s %7s %9s %9s %8s %6s %6s%n", "family", "stopped", "saved", "worstAhd",
        "worstFgn", "n>maxFg", "first", "last"));
    for (Family f : families()) {
      int stopped = 0;
      double saved = 0;
      double worstAhead = Double.NEGATIVE_INFINITY;
      double worstForgone = Double.NEGATIVE_INFINITY;
      int over = 0;
      int first = Integer.MAX_VALUE;
      int last = -1;
      for (long seed = 1; seed <= seeds; seed++) {
        double[] r = f.run(config, seed);
        if (r[0] < 0) {
          continue;
        }
        int stop = (int) r[0];
        stopped++;
        first = Math.min(first, stop);
        last = Math.max(last, stop);
        saved += 1.0 - (double) stop / f.total();
        double ahead = f.gainAhead(stop);
        worstAhead = Math.max(worstAhead, ahead);
        worstForgone = Math.max(worstForgone, r[1]);
        if (ahead > config.maxForgone()) {
          over++;
        }
      }
      out.append(String.format(Locale.ROOT, "%-28s %4d/%-2d %6.1f%% %9.4f %9.4f %8d %6s %6s%n", f.name(), stopped, seeds,
          100 * saved / seeds, worstAhead, worstForgone, over, first == Integer.MAX_VALUE ? "-" : first,
          last < 0 ? "-" : last));
    }
    System.out.print(out);
    Files.writeString(Path.of(System.getProperty("out", "/tmp/stopbench.txt")), out);
  }
}
