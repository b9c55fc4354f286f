package dev.entropysentinel.influx;

import dev.entropysentinel.influx.internal.EvalJoin;
import dev.entropysentinel.influx.internal.MergedStep;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.influxdb.dto.Point;

/**
 * The InfluxDB schema the Grafana dashboards query, written once: measurement, tag and field
 * names, and how each record becomes a point. Numbers are always doubles (influxd refuses a float
 * in a field first written as an integer); times are the records' own milliseconds, so a replay
 * of the same records overwrites the same points instead of adding new ones. Tags come from the
 * record itself only (never from another topic's state, whose order a replay may not keep), so
 * a replay lands in the same series.
 */
public final class Measurements {
  public static final String RUN_INFO = "run";
  public static final String STEP = "step";
  public static final String FORECAST = "forecast";
  public static final String EVAL = "eval";
  public static final String ALERT = "alert";
  public static final String DECISION = "decision";

  public static final String RUN = "run";
  public static final String METHOD = "method";
  public static final String HOST = "host";

  /** Field names of the few group fractions in use, computed once each (this runs per point). */
  private static final java.util.Map<Double, String> TOP_GROUP_FIELDS = new java.util.concurrent.ConcurrentHashMap<>();

  private Measurements() {}

  /**
   * What a run is (sent at its start and when it changes): the planned last step (the forecast's
   * target), model and size, world size, eval interval, score scale. {@code step} is 0 so every
   * measurement has a {@code step} field.
   */
  public static Point run(RunInfo r) {
    Point.Builder p = Point.measurement(RUN_INFO).time(r.timestampMs(), TimeUnit.MILLISECONDS)
        .tag(RUN, r.runId()).tag(METHOD, r.method())
        .addField("step", 0.0)
        .addField("modelName", r.modelName())
        .addField("parameterCount", (double) r.parameterCount())
        .addField("worldSize", (double) r.worldSize())
        .addField("evalInterval", (double) r.evalInterval())
        .addField("scoreScale", r.scoreScale().name())
        .addField("source", r.source());
    if (r.plannedSteps() != null) {
      p.addField("plannedSteps", (double) r.plannedSteps());
    }
    return p.build();
  }

  /**
   * A merged training step: entropy, reward, accuracy, e^H (the law's abscissa), covariance mean
   * and top-group means ({@code covTop_0_02} is the top 0.02% of tokens), predicted vs measured ΔH;
   * the fields a rank did not measure (step-stats {@code absentFields}) are left out.
   */
  public static Point step(MergedStep s) {
    Point.Builder p = Point.measurement(STEP).time(s.timestampMs(), TimeUnit.MILLISECONDS)
        .tag(RUN, s.runId()).tag(METHOD, s.method()).tag(HOST, s.host())
        .addField("step", (double) s.step());
    field(p, s, "entropySum", "entropy", s.entropyMean());
    field(p, s, "entropySum", "expH", Math.exp(s.entropyMean()));
    field(p, s, "rewardSum", "reward", s.rewardMean());
    field(p, s, "correctCount", "accuracy", s.accuracy());
    field(p, s, "responseLengthSum", "responseLength", s.responseLengthMean());
    field(p, s, "clipLowCount", "clipFraction", s.clipFraction());
    field(p, s, "klSum", "kl", s.kl());
    field(p, s, "gradNorm", "gradNorm", s.gradNorm());
    field(p, s, "stepTimeMs", "stepTimeMs", s.stepTimeMs());
    field(p, s, "covariance", "covMean", s.covarianceMean());
    field(p, s, "entropyChangePredicted", "dhPredicted", s.entropyChangePredicted());
    field(p, s, "entropyChangeMeasured", "dhMeasured", s.entropyChangeMeasured());
    p.addField("ranks", (double) s.ranks()).addField("worldSize", (double) s.worldSize());
    if (s.measured("covariance")) {
      for (double[] g : s.topGroupMeans()) {
        p.addField(topGroupField(g[0]), g[1]);
      }
    }
    return p.build();
  }

  /** A field only when its source measured it: an absent value is left out, never written as 0. */
  private static void field(Point.Builder p, MergedStep s, String source, String name, double value) {
    if (s.measured(source)) {
      p.addField(name, value);
    }
  }

  /** {@code covTop_0_02} for the top 0.02% (fraction 0.0002), {@code covTop_100} for all tokens. */
  public static String topGroupField(double fraction) {
    return TOP_GROUP_FIELDS.computeIfAbsent(fraction, Measurements::fieldName);
  }

  private static String fieldName(double fraction) {
    String pct = new java.math.BigDecimal(Double.toString(fraction * 100)).stripTrailingZeros().toPlainString();
    return "covTop_" + pct.replace('.', '_');
  }

  /** A forecast update: the fit, the ceiling, the predicted final score and its interval, the phase. */
  public static Point forecast(Forecast f) {
    Point.Builder p = Point.measurement(FORECAST).time(f.timestampMs(), TimeUnit.MILLISECONDS).tag(RUN, f.runId())
        .addField("step", (double) f.step())
        .addField("pointsUsed", (double) f.pointsUsed())
        .addField("finalStep", (double) f.finalStep())
        .addField("phase", f.phase().name());
    optional(p, "a", f.a());
    optional(p, "b", f.b());
    optional(p, "r2", f.r2());
    optional(p, "ceiling", f.ceiling());
    optional(p, "predictedFinal", f.predictedFinal());
    optional(p, "predictedLo", f.predictedLo());
    optional(p, "predictedHi", f.predictedHi());
    if (f.stepsToCollapse() != null) {
      p.addField("stepsToCollapse", (double) f.stepsToCollapse());
    }
    return p.build();
  }

  /**
   * A validation result, with the run's merged entropy at the same step ({@code expH}: the
   * abscissa of the R vs e^H scatter) and the score the run's fit at or after that step predicts
   * there ({@code lawScore} = b − a·e^H: the fitted law drawn through the scatter), when known.
   */
  public static Point eval(EvalJoin.Joined j) {
    EvalResult e = j.eval();
    Point.Builder p = Point.measurement(EVAL).time(e.timestampMs(), TimeUnit.MILLISECONDS)
        .tag(RUN, e.runId()).tag("benchmark", e.benchmark())
        .addField("step", (double) e.step())
        .addField("score", e.score())
        .addField("sampleCount", (double) e.sampleCount());
    if (j.entropy() != null) {
      double expH = Math.exp(j.entropy());
      p.addField("entropy", j.entropy()).addField("expH", expH);
      if (j.a() != null) {
        p.addField("lawScore", j.b() - j.a() * expH);
      }
    }
    new TreeMap<>(e.metrics()).forEach((k, v) -> p.addField("metric_" + k, v));
    return p.build();
  }

  /** An alert as an event: firing at its start, resolved at its end (Grafana annotations). */
  public static Point alert(Alert a) {
    long at = a.status() == Alert.Status.RESOLVED ? a.endsAtMs() : a.startsAtMs();
    Point.Builder p = Point.measurement(ALERT).time(at, TimeUnit.MILLISECONDS)
        .tag(RUN, a.runId()).tag("type", a.type().name()).tag("severity", a.severity().name())
        .tag("status", a.status().name())
        .addField("step", (double) a.step())
        .addField("title", a.status() + " " + a.type())
        .addField("summary", a.summary());
    new TreeMap<>(a.evidence()).forEach((k, v) -> p.addField("evidence_" + k, v));
    return p.build();
  }

  /** A decision (INTERVENE / STOP) as an event, with its reason and parameters. */
  public static Point decision(ControlCommand c) {
    StringBuilder params = new StringBuilder();
    new TreeMap<>(c.parameters()).forEach((k, v) -> params.append(params.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return Point.measurement(DECISION).time(c.issuedAtMs(), TimeUnit.MILLISECONDS)
        .tag(RUN, c.runId()).tag("action", c.action().name())
        .addField("seq", (double) c.seq())
        .addField("step", (double) c.forecastStep())
        .addField("dryRun", c.dryRun() ? 1.0 : 0.0)
        .addField("title", c.action().name() + (c.dryRun() ? " (dry run)" : ""))
        .addField("reason", c.reason())
        .addField("parameters", params.toString())
        .build();
  }

  private static void optional(Point.Builder p, String field, Double value) {
    if (value != null) {
      p.addField(field, value);
    }
  }
}
