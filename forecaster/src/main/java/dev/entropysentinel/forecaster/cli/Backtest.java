package dev.entropysentinel.forecaster.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the forecaster would have done on a set of finished runs, scored exactly as
 * {@code ../shared/bin/score-forecast} scores it, so a user can judge it on their own past runs
 * before letting it stop anything, and our numbers and the scorer's are the same numbers.
 *
 * <p>Per run: the forecast at the fit fraction against the final score (mean of the last three
 * validations), next to the two naive baselines (last early value, pow3 on the early validations)
 * and what the replay's first STOP would have saved. Over the runs that have enough early data:
 * how often the forecast is within {@value #WIN_MARGIN} of the better baseline or better, how often
 * its interval covers the final score, its summed error relative to the last value's and its mean
 * width (scores in [-1, 1] halved to the accuracy scale); a run without enough data must get no
 * forecast but a reason, anything else is a problem. Over all runs: what their STOPs traded
 * ({@link StopQuality}).
 */
public final class Backtest {
  /** A forecast this close to the better naive baseline counts as beating it. */
  static final double WIN_MARGIN = 0.002;
  /** The goals the scorer checks: shares of runs beaten and covered, error ratio, mean width. */
  static final double GOAL_WINS = 0.75;
  static final double GOAL_COVERAGE = 0.8;
  static final double GOAL_ERROR_RATIO = 0.8;
  static final double GOAL_WIDTH = 0.12;
  /** Early validations (paired with an entropy) a run needs to be scored, as in the scorer. */
  private static final int MIN_EARLY_POINTS = 2;
  /** The scorer truncates log names to this width. */
  private static final int NAME_WIDTH = 44;

  private final List<Row> rows;
  private final Aggregate aggregate;

  private Backtest(List<Row> rows, Aggregate aggregate) {
    this.rows = List.copyOf(rows);
    this.aggregate = aggregate;
  }

  /** One replayed log, or the one-line reason it could not be replayed. */
  public record Outcome(String log, ReplayReport report, String error) {
    public static Outcome of(ReplayReport report) {
      return new Outcome(report.log(), report, null);
    }

    public static Outcome failed(String log, String error) {
      return new Outcome(log, null, error);
    }
  }

  /**
   * One log's line. {@code scored} is false when the log has too little early data (or could not
   * be read); errors and the baselines' errors are in the log's own score units.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Row(String kind, String log, boolean scored, Double actualFinal, Double forecast, Double lo, Double hi,
      Double error, Double lastValueError, Double pow3Error, Boolean beatsNaive, Boolean covers, String model,
      Integer stopStep, Integer stepsSaved, Double shareSaved, Double scoreAtStop, Double scoreForgone, String reason,
      String failure) {}

  /** The scorer's figures over the scored logs; a ratio or width without any scored log is null (the scorer's inf). */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Aggregate(String kind, int scored, int beatsNaive, int covers, Double errorRatio, Double meanWidth,
      List<String> problems, boolean meetsGoals, String line, StopQuality stops) {}

  /** Scores the outcomes, in the order given; STOPs forgoing more than {@code maxForgone} are counted. */
  public static Backtest of(List<Outcome> outcomes, double maxForgone) {
    List<Row> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int scored = 0;
    int wins = 0;
    int covers = 0;
    double errors = 0;
    double lastValueErrors = 0;
    double widths = 0;
    for (Outcome o : outcomes) {
      String name = truncate(o.log());
      ReplayReport r = o.report();
      if (r == null) {
        problems.add(name + ": replay failed (" + o.error() + ")");
        rows.add(new Row("log", o.log(), false, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, o.error()));
        continue;
      }
      ReplayReport.FinalForecast f = r.finalForecast();
      ReplayReport.Stop stop = r.stop();
      Double lastValue = r.baselines().get("lastValue");
      boolean scoreable = r.earlyPoints() >= MIN_EARLY_POINTS && r.actualFinal() != null && lastValue != null;
      if (!scoreable) {
        if (f != null) {
          problems.add(name + ": forecast given on too little data");
        } else if (r.reason() == null || r.reason().isBlank()) {
          problems.add(name + ": no reason for the missing forecast");
        }
      } else {
        scored++;
        if (f == null) {
          problems.add(name + ": no forecast (" + r.reason() + ")");
        }
      }
      Double error = null;
      Double lastValueError = null;
      Double pow3Error = null;
      Boolean win = null;
      Boolean cover = null;
      if (r.actualFinal() != null && lastValue != null) {
        double actual = r.actualFinal();
        lastValueError = Math.abs(lastValue - actual);
        Double pow3 = r.baselines().get("pow3");
        pow3Error = pow3 == null ? null : Math.abs(pow3 - actual);
        double best = pow3Error == null ? lastValueError : Math.min(lastValueError, pow3Error);
        if (f != null) {
          error = Math.abs(f.value() - actual);
          win = error <= best + WIN_MARGIN;
          cover = f.lo() <= actual && actual <= f.hi();
          if (scoreable) {
            wins += win ? 1 : 0;
            covers += cover ? 1 : 0;
            errors += error * r.scoreScale();
            lastValueErrors += lastValueError * r.scoreScale();
            widths += (f.hi() - f.lo()) * r.scoreScale();
          }
        }
      }
      rows.add(new Row("log", o.log(), scoreable, r.actualFinal(), f == null ? null : f.value(), f == null ? null : f.lo(),
          f == null ? null : f.hi(), error, lastValueError, pow3Error, win, cover, f == null ? null : f.model(),
          stop == null ? null : stop.step(), stop == null ? null : stop.stepsSaved(),
          stop == null ? null : stop.shareSaved(), stop == null ? null : stop.scoreAtStop(),
          stop == null ? null : stop.scoreForgone(),
          f == null ? r.reason() : null, null));
    }
    int forecasts = (int) rows.stream().filter(r -> r.scored() && r.forecast() != null).count();
    double ratio = forecasts > 0 && lastValueErrors > 0 ? errors / lastValueErrors : Double.POSITIVE_INFINITY;
    double width = forecasts > 0 ? widths / forecasts : Double.POSITIVE_INFINITY;
    boolean meets = scored >= 1 && wins >= GOAL_WINS * scored && covers >= GOAL_COVERAGE * scored
        && ratio <= GOAL_ERROR_RATIO && width <= GOAL_WIDTH && problems.isEmpty();
    String line = String.format(Locale.ROOT, "forecaster: beats naive %d/%d, covers %d/%d, mean err/last-value %s, "
        + "mean 90%% width %s, problems %d (goal >=75%%, >=80%%, <=0.8, <=0.12, 0)", wins, scored, covers, scored,
        fixed(ratio, 2), fixed(width, 3), problems.size());
    return new Backtest(rows, new Aggregate("aggregate", scored, wins, covers, Double.isFinite(ratio) ? ratio : null,
        Double.isFinite(width) ? width : null, problems, meets, line,
        StopQuality.of(outcomes.stream().map(Outcome::report).filter(java.util.Objects::nonNull).toList(), maxForgone)));
  }

  public List<Row> rows() {
    return rows;
  }

  public Aggregate aggregate() {
    return aggregate;
  }

  /** Rows, then the aggregate, as one list: the {@code --summary --json} array. */
  public List<Object> asArray() {
    List<Object> out = new ArrayList<>(rows);
    out.add(aggregate);
    return out;
  }

  /** One line per log, the problems, the scorer's aggregate line and what the STOPs traded. */
  public String render() {
    StringBuilder s = new StringBuilder();
    for (Row r : rows) {
      s.append(String.format(Locale.ROOT, "%-" + NAME_WIDTH + "s ", truncate(r.log())));
      if (r.failure() != null) {
        s.append("error: ").append(r.failure());
      } else if (r.forecast() == null) {
        s.append(r.actualFinal() == null ? "" : "final=" + fixed(r.actualFinal(), 3) + " ")
            .append("no forecast: ").append(r.reason());
      } else {
        s.append(String.format(Locale.ROOT, "final=%s forecast=%s [%s,%s] err=%s last_value_err=%s pow3_err=%s model=%s",
            fixed(r.actualFinal(), 3), fixed(r.forecast(), 3), fixed(r.lo(), 3), fixed(r.hi(), 3), fixed(r.error(), 3),
            fixed(r.lastValueError(), 3), r.pow3Error() == null ? "n/a" : fixed(r.pow3Error(), 3), r.model()));
        if (!r.scored()) {
          s.append(" (not scored: too few early validations)");
        }
      }
      if (r.stopStep() != null) {
        s.append(String.format(Locale.ROOT, " stop=step %d saves %d steps (%s%%)%s", r.stopStep(), r.stepsSaved(),
            fixed(100 * r.shareSaved(), 0), r.scoreForgone() == null ? "" : " at " + fixed(r.scoreAtStop(), 3)
                + " forgoes " + fixed(r.scoreForgone(), 3)));
      } else if (r.failure() == null) {
        s.append(" stop=none");
      }
      s.append('\n');
    }
    aggregate.problems().forEach(p -> s.append("problem: ").append(p).append('\n'));
    return s.append(aggregate.line()).append('\n').append(aggregate.stops().line()).append('\n').toString();
  }

  private static String truncate(String log) {
    return log.length() > NAME_WIDTH ? log.substring(0, NAME_WIDTH) : log;
  }

  /**
   * {@code v} with {@code digits} decimals exactly as Python's {@code format(v, '.Nf')} prints it:
   * the double's exact value rounded half-even, {@code inf} for infinity, a minus sign kept on a
   * negative value that rounds to zero.
   */
  static String fixed(double v, int digits) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    String text = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    return (v < 0 || (v == 0 && 1 / v < 0)) && !text.startsWith("-") ? "-" + text : text;
  }
}
