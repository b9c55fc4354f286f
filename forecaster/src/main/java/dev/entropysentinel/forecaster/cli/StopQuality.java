package dev.entropysentinel.forecaster.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the STOPs of a backtest traded, judged as science.md's "Judging a STOP" says: steps saved
 * over all steps of all replayed runs (stopped or not), and the score each stopped run forgone (on the
 * accuracy scale). The numbers a user weighs before letting Sentinel stop anything.
 *
 * @param runs replayed runs
 * @param steps planned steps of all of them
 * @param stepsSaved steps their STOPs would have saved
 * @param shareSaved {@code stepsSaved / steps}, null without steps
 * @param stopped runs with a STOP
 * @param worstForgone the largest score forgone by a STOP (accuracy scale), null without one
 * @param meanForgone the mean score forgone over the stopped runs, null without one
 * @param maxForgone the policy's max-forgone
 * @param overMaxForgone stopped runs that forwent more than {@code maxForgone}
 * @param line the one-line account printed under the scorer's line
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record StopQuality(int runs, long steps, long stepsSaved, Double shareSaved, int stopped, Double worstForgone,
    Double meanForgone, double maxForgone, int overMaxForgone, String line) {
  /**
   * A forgone score equal to max-forgone is not over it: scores are logged to a few decimals, and the
   * difference of two means carries float rounding (0.010 comes out as 0.010000000000000009).
   */
  static final double ROUNDING = 1e-9;

  /** The totals over the replayed runs' reports. */
  static StopQuality of(List<ReplayReport> reports, double maxForgone) {
    long steps = reports.stream().mapToLong(ReplayReport::steps).sum();
    List<ReplayReport.Stop> stops = reports.stream().map(ReplayReport::stop).filter(Objects::nonNull).toList();
    long saved = stops.stream().mapToLong(ReplayReport.Stop::stepsSaved).sum();
    List<Double> forgone = stops.stream().map(ReplayReport.Stop::scoreForgone).filter(Objects::nonNull).toList();
    Double worst = forgone.stream().max(Double::compare).orElse(null);
    Double mean = forgone.isEmpty() ? null : forgone.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    int over = (int) forgone.stream().filter(f -> f > maxForgone + ROUNDING).count();
    Double share = steps > 0 ? (double) saved / steps : null;
    String line = String.format(Locale.ROOT, "stops: %d of %d runs stopped, steps saved %d of %d (%s%%), score forgone "
        + "worst %s mean %s, runs forgoing > %s: %d", stops.size(), reports.size(), saved, steps,
        share == null ? "n/a" : Backtest.fixed(100 * share, 1), worst == null ? "n/a" : Backtest.fixed(worst, 3),
        mean == null ? "n/a" : Backtest.fixed(mean, 3), Backtest.fixed(maxForgone, 3), over);
    return new StopQuality(reports.size(), steps, saved, share, stops.size(), worst, mean, maxForgone, over, line);
  }
}
