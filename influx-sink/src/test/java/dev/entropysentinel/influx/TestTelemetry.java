package dev.entropysentinel.influx;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireRecord;
import dev.entropysentinel.schemas.WireSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A small fleet's telemetry on the wire: runs with a collapsing entropy curve, one or more ranks,
 * evals every 5 steps, a forecast per step, an alert that fires and resolves, one INTERVENE.
 */
final class TestTelemetry {
  static final long T0 = 1_764_000_000_000L;

  private TestTelemetry() {}

  /** Entropy of a run at a step: decays from 1.2 toward 0.1 nats. */
  static double entropy(long step) {
    return 0.1 + 1.1 * Math.exp(-step / 15.0);
  }

  static StepStats stats(String run, long step, int rank, int worldSize, String method) {
    long tokens = 1000 + 100L * rank;
    double h = entropy(step) + 0.01 * rank;
    List<Covariance.TopGroup> groups = new ArrayList<>();
    for (double f : Covariance.PAPER_GROUPS) {
      long count = Math.max(1, Math.round(f * tokens));
      groups.add(new Covariance.TopGroup(f, count, count == 1 ? 5.0 + rank : count * (0.5 + 2 * (1 - f))));
    }
    Covariance cov = new Covariance(tokens, 0.5 * tokens, 2.0 * tokens, groups);
    return new StepStats(SchemaVersion.CURRENT, run, "gpu-" + rank, rank, worldSize, step, T0 + step * 1000 + rank, method,
        Map.of("klCoef", 1.0), tokens, h * tokens, 16, 16 * (0.2 + 0.01 * step), 8, 16 * 200.0, 3, 2, 0, 0, 1.0, tokens,
        cov, 0.01 * tokens, 1.5, 900.0, -0.01, -0.012);
  }

  static Forecast forecast(String run, long step) {
    double a = 0.5;
    double b = 1.0;
    double ceiling = b - a;
    return new Forecast(SchemaVersion.CURRENT, run, step, T0 + step * 1000 + 500, a, b, 0.93, ceiling, step, 100,
        ceiling - 0.02, ceiling - 0.08, ceiling + 0.01, "entropy-law", 40L, Forecast.Phase.LEARNING, null);
  }

  static EvalResult eval(String run, long step) {
    return new EvalResult(SchemaVersion.CURRENT, run, step, T0 + step * 1000 + 700, "gsm8k",
        1.0 - 0.5 * Math.exp(entropy(step)), 128, Map.of("pass@4", 0.7));
  }

  /** Every record of one run, in the order a live run writes them, as Kafka records. */
  static List<ProducerRecord<String, byte[]>> run(String run, int steps, int worldSize, boolean events) {
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    out.add(record(Topics.RUNS, new RunInfo(SchemaVersion.CURRENT, run, T0, (long) steps * 2, "grpo", Map.of("klCoef", 1.0),
        "tiny-transformer", 1_000_000, worldSize, 5, RunInfo.ScoreScale.ACCURACY, "trainer")));
    for (long step = 1; step <= steps; step++) {
      for (int rank = 0; rank < worldSize; rank++) {
        out.add(record(Topics.STEP_STATS, stats(run, step, rank, worldSize, "grpo")));
      }
      out.add(record(Topics.FORECASTS, forecast(run, step)));
      if (step % 5 == 0) {
        out.add(record(Topics.EVALS, eval(run, step)));
      }
    }
    if (events) {
      Alert firing = new Alert(SchemaVersion.CURRENT, run + "/ENTROPY_COLLAPSE", run, Alert.Type.ENTROPY_COLLAPSE,
          Alert.Severity.CRITICAL, Alert.Status.FIRING, 10, T0 + 10_000, null, "entropy collapsing", Map.of("entropy", 0.4));
      Alert resolved = new Alert(SchemaVersion.CURRENT, firing.alertId(), run, firing.type(), firing.severity(),
          Alert.Status.RESOLVED, 15, firing.startsAtMs(), T0 + 15_000, "entropy recovered", Map.of());
      ControlCommand intervene = new ControlCommand(SchemaVersion.CURRENT, run, 1, T0 + 12_000, ControlAction.INTERVENE,
          "entropy collapsing 40 steps early", Map.of("method", "kl-cov"), 10, false, "sig");
      out.add(record(Topics.ALERTS, firing));
      out.add(record(Topics.CONTROL, intervene));
      out.add(record(Topics.ALERTS, resolved));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static <T extends WireRecord> ProducerRecord<String, byte[]> record(String topic, T value) {
    WireSerde<T> serde = WireSerde.of((Class<T>) value.getClass());
    return new ProducerRecord<>(topic, runOf(value), serde.serialize(topic, value));
  }

  private static String runOf(WireRecord r) {
    if (r instanceof RunInfo i) {
      return i.runId();
    }
    if (r instanceof StepStats s) {
      return s.runId();
    }
    if (r instanceof Forecast f) {
      return f.runId();
    }
    if (r instanceof EvalResult e) {
      return e.runId();
    }
    if (r instanceof Alert a) {
      return a.runId();
    }
    return ((ControlCommand) r).runId();
  }
}
