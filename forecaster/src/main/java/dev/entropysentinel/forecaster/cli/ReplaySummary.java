package dev.entropysentinel.forecaster.cli;

import java.util.Locale;
import java.util.Map;

/** The human-readable form of a {@link ReplayReport}, with a small text plot of the nowcast. */
final class ReplaySummary {
  private static final int WIDTH = 60;
  private static final int HEIGHT = 12;

  private ReplaySummary() {}

  static String render(ReplayReport r) {
    StringBuilder s = new StringBuilder();
    line(s, "log            %s (%s; %d lines, %d step rows, %d malformed)", r.log(), r.format(),
        r.ingestion().linesRead(), r.ingestion().stepRows(), r.ingestion().malformed());
    line(s, "keys           entropy=%s validation=%s", r.entropyKey(), r.validationKey());
    line(s, "               chosen from (steps present) entropy %s validation %s", r.entropyKeys(), r.validationKeys());
    line(s, "steps          %d, forecast made at step %d (%d burn-in validation(s) excluded)", r.steps(),
        r.fitSteps(), r.burnInPoints());
    line(s, "law            R = -a*exp(H) + b: a=%s b=%s R2=%s ceiling b-a=%s", num(r.a()), num(r.b()),
        num(r.r2()), num(r.ceiling()));
    if (r.finalForecast() == null) {
      line(s, "forecast       none: %s", r.reason());
    } else {
      ReplayReport.FinalForecast f = r.finalForecast();
      line(s, "forecast       %.4f  90%% [%.4f, %.4f]  driven by %s", f.value(), f.lo(), f.hi(), f.model());
      line(s, "               %s", r.reason());
      line(s, "               weights %s", f.weights().entrySet().stream()
          .map(e -> e.getKey() + "=" + String.format("%.2f", e.getValue())).collect(java.util.stream.Collectors.joining(", ", "{", "}")));
    }
    if (r.actualFinal() != null) {
      line(s, "actual final   %.4f (mean of the last %d validations)", r.actualFinal(), Replay.FINAL_POINTS);
      if (r.finalForecast() != null) {
        line(s, "error          forecast %.4f%s", Math.abs(r.finalForecast().value() - r.actualFinal()),
            baselineErrors(r.baselines(), r.actualFinal()));
      }
    }
    line(s, "nowcast RMSE   %s over %d later validations", num(r.nowcastRmse()), r.nowcast().size());
    plot(s, r);
    r.detections().forEach(d -> line(s, "detection      step %d %s: %s", d.step(), d.type(), d.reason()));
    r.decisions().forEach(d -> line(s, "decision       step %d %s: %s", d.step(), d.action(), d.reason()));
    ReplayReport.Stop stop = r.stop();
    if (stop != null) {
      line(s, "stop           step %d of %d saves %d steps (%.0f%%); score at the stop %s, final %s, forgone %s "
          + "(accuracy scale)", stop.step(), r.steps(), stop.stepsSaved(), 100 * stop.shareSaved(), num(stop.scoreAtStop()),
          num(r.actualFinal()), num(stop.scoreForgone()));
    } else {
      line(s, "stop           none");
    }
    return s.toString();
  }

  private static String baselineErrors(Map<String, Double> baselines, double actual) {
    StringBuilder s = new StringBuilder();
    baselines.forEach((k, v) -> s.append(String.format(Locale.ROOT, ", %s %.4f (predicted %.4f)", k,
        Math.abs(v - actual), v)));
    return s.toString();
  }

  /** Validation scores after the fit window (*) against the law's nowcast (o), score up, step right. */
  private static void plot(StringBuilder s, ReplayReport r) {
    if (r.nowcast().isEmpty()) {
      return;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (ReplayReport.Nowcast n : r.nowcast()) {
      lo = Math.min(lo, n.actual());
      hi = Math.max(hi, n.actual());
      if (n.predicted() != null) {
        lo = Math.min(lo, n.predicted());
        hi = Math.max(hi, n.predicted());
      }
    }
    double span = Math.max(hi - lo, 1e-9);
    int first = r.nowcast().get(0).step();
    int last = r.nowcast().get(r.nowcast().size() - 1).step();
    char[][] grid = new char[HEIGHT][WIDTH];
    for (char[] row : grid) {
      java.util.Arrays.fill(row, ' ');
    }
    for (ReplayReport.Nowcast n : r.nowcast()) {
      int x = last == first ? 0 : (int) Math.round((double) (n.step() - first) / (last - first) * (WIDTH - 1));
      if (n.predicted() != null) {
        grid[row(n.predicted(), lo, span)][x] = 'o';
      }
      grid[row(n.actual(), lo, span)][x] = '*';
    }
    for (int i = 0; i < HEIGHT; i++) {
      double level = hi - span * i / (HEIGHT - 1);
      line(s, "%8.3f |%s", level, new String(grid[i]));
    }
    line(s, "         +%s", "-".repeat(WIDTH));
    line(s, "          step %d .. %d   * validation   o law nowcast", first, last);
  }

  private static int row(double v, double lo, double span) {
    return (int) Math.round((1 - (v - lo) / span) * (HEIGHT - 1));
  }

  private static String num(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static void line(StringBuilder s, String format, Object... args) {
    s.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
