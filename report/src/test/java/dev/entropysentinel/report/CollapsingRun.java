package dev.entropysentinel.report;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The records of one 2-rank run whose entropy collapses as the law says (R = −a·e^H + b): its run
 * record, step statistics, validations every 10 steps, a forecast per validation, a collapse alert,
 * an INTERVENE and a STOP, each acknowledged. Topic and record, in the order they were sent.
 */
final class CollapsingRun {
  static final long T0 = 1_700_000_000_000L;
  static final double A = 0.25;
  static final double B = 0.9;

  record Sent(String topic, WireRecord record) {}

  private CollapsingRun() {}

  static double entropy(long step) {
    return 0.05 + 1.15 * Math.pow(0.5, step / 8.0);
  }

  static double score(long step) {
    return B - A * Math.exp(entropy(step));
  }

  static StepStats step(String run, int rank, long step) {
    long tokens = 200 + 10L * rank;
    double h = entropy(step) + 0.01 * rank;
    return new StepStats(SchemaVersion.CURRENT, run, "host-" + rank, rank, 2, step, T0 + step * 1000, "grpo",
        Map.of("epsLow", 0.2), tokens, h * tokens, 16, (0.3 + 0.01 * step) * 16, 4, 16 * 12.5, 1, 2, 0, 0, 1, tokens,
        new Covariance(tokens, 0.01 * tokens, 0.002 * tokens, List.of(new Covariance.TopGroup(0.002, 1, 3.0 + rank),
            new Covariance.TopGroup(0.02, 4, 1.2 * 4), new Covariance.TopGroup(1.0, tokens, 0.01 * tokens))),
        0.001 * tokens, 0.5, 900 + rank * 100, -0.02 * Math.pow(0.5, step / 8.0), -0.019 * Math.pow(0.5, step / 8.0));
  }

  static List<Sent> records(String run, int steps) {
    List<Sent> out = new ArrayList<>();
    out.add(new Sent(Topics.RUNS, new RunInfo(SchemaVersion.CURRENT, run, T0, (long) steps, "grpo", Map.of("epsLow", 0.2),
        "tiny-decoder", 120_000L, 2, 10, RunInfo.ScoreScale.ACCURACY, "trainer")));
    for (long s = 0; s < steps; s++) {
      out.add(new Sent(Topics.STEP_STATS, step(run, 0, s)));
      out.add(new Sent(Topics.STEP_STATS, step(run, 1, s)));
      if (s % 10 == 0) {
        out.add(new Sent(Topics.EVALS, new EvalResult(SchemaVersion.CURRENT, run, s, T0 + s * 1000, "arith", score(s),
            256, Map.of())));
        double predicted = B - A * Math.exp(0.05);
        out.add(new Sent(Topics.FORECASTS, new Forecast(SchemaVersion.CURRENT, run, s, T0 + s * 1000, A, B, 0.98, B - A,
            s / 10 + 1, steps, predicted, predicted - 3.0 / (s + 60), predicted + 3.0 / (s + 60), "law", 3L,
            s < 20 ? Forecast.Phase.LEARNING : Forecast.Phase.COLLAPSING, "fit on " + (s / 10 + 1) + " validations")));
      }
    }
    long collapse = steps / 2;
    out.add(new Sent(Topics.ALERTS, new Alert(SchemaVersion.CURRENT, run + "/ENTROPY_COLLAPSE", run,
        Alert.Type.ENTROPY_COLLAPSE, Alert.Severity.CRITICAL, Alert.Status.FIRING, collapse, T0 + collapse * 1000, null,
        "entropy fell to 18% of its start", Map.of("entropy", entropy(collapse)))));
    out.add(new Sent(Topics.CONTROL, command(run, 1, collapse, ControlAction.INTERVENE, Map.of("method", "kl-cov"))));
    out.add(new Sent(Topics.CONTROL_ACKS, new ControlAck(SchemaVersion.CURRENT, run, 1, "host-0", 0, collapse + 1,
        T0 + collapse * 1000 + 900, ControlAck.Status.APPLIED, "switched to kl-cov")));
    long stop = steps - 10;
    out.add(new Sent(Topics.CONTROL, command(run, 2, stop, ControlAction.STOP, Map.of())));
    out.add(new Sent(Topics.CONTROL_ACKS, new ControlAck(SchemaVersion.CURRENT, run, 2, "host-0", 0, stop + 1,
        T0 + stop * 1000 + 900, ControlAck.Status.APPLIED, "stopped with a checkpoint")));
    return out;
  }

  static ControlCommand command(String run, long seq, long step, ControlAction action, Map<String, String> params) {
    return new ControlCommand(SchemaVersion.CURRENT, run, seq, T0 + step * 1000, action,
        "ENTROPY_COLLAPSE: entropy collapsed at step " + step, params, step, false, "test-signature");
  }

  /** The token-weighted merged entropy of a step, as the report must show it. */
  static double mergedEntropy(long step) {
    StepStats a = step("x", 0, step);
    StepStats b = step("x", 1, step);
    return (a.entropySum() + b.entropySum()) / (a.tokenCount() + b.tokenCount());
  }

  static double mergedReward(long step) {
    StepStats a = step("x", 0, step);
    StepStats b = step("x", 1, step);
    return (a.rewardSum() + b.rewardSum()) / (a.responseCount() + b.responseCount());
  }
}
