package dev.entropysentinel.schemas;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid wire records for property tests. */
final class WireArbitraries {
  private WireArbitraries() {}

  static Arbitrary<String> ids() {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_', '/', 'é').ofMinLength(1).ofMaxLength(40);
  }

  static Arbitrary<Double> finite() {
    return Arbitraries.doubles().between(-1e6, 1e6);
  }

  static Arbitrary<Double> nonNegative() {
    return Arbitraries.doubles().between(0, 1e6);
  }

  static Arbitrary<Map<String, Double>> numberMaps() {
    return Arbitraries.maps(ids(), finite()).ofMaxSize(4);
  }

  static Arbitrary<Covariance> covariances() {
    Arbitrary<Covariance.TopGroup> group = Combinators.combine(
        Arbitraries.of(Covariance.PAPER_GROUPS), Arbitraries.longs().between(0, 10_000), finite())
        .as(Covariance.TopGroup::new);
    return Combinators.combine(Arbitraries.longs().between(0, 1_000_000), finite(), nonNegative(), group.list().ofMaxSize(6))
        .as(Covariance::new);
  }

  static Arbitrary<StepStats> stepStats() {
    Arbitrary<long[]> counts = Combinators.combine(
            Arbitraries.longs().between(0, 1_000_000), Arbitraries.longs().between(0, 10_000), Arbitraries.doubles().between(0, 1))
        .as((tokens, responses, f) -> new long[] {tokens, responses, (long) (f * tokens), (long) (f * responses)});
    Arbitrary<int[]> ranks = Arbitraries.integers().between(1, 64)
        .flatMap(world -> Arbitraries.integers().between(0, world - 1).map(rank -> new int[] {rank, world}));
    Arbitrary<List<String>> absent = Arbitraries.of(List.copyOf(new java.util.TreeSet<>(StepStats.ABSENTABLE))).list()
        .ofMaxSize(5).uniqueElements().map(l -> l.stream().sorted().toList());
    return Combinators.combine(ids(), ranks, Arbitraries.longs().between(0, 10_000_000), counts, numberMaps(), covariances(),
            Combinators.combine(finite(), nonNegative()).as((x, y) -> new double[] {x, y}), absent)
        .as((run, rw, step, c, params, cov, xy, gaps) -> new StepStats(SchemaVersion.CURRENT, run, "host-" + rw[0], rw[0], rw[1],
            step, 1_700_000_000_000L + step, "kl-cov", params, c[0], xy[1], c[1], xy[0], c[3], xy[1], c[2], c[2], c[2], c[2],
            0.8, c[0] * 0.9, cov, xy[0], xy[1], xy[1], xy[0] / 1e3, -xy[0] / 1e3, gaps, c[3]));
  }

  static Arbitrary<EvalResult> evals() {
    return Combinators.combine(ids(), Arbitraries.longs().between(0, 1_000_000), ids(), finite(), Arbitraries.longs().between(0, 100_000), numberMaps())
        .as((run, step, bench, score, n, metrics) -> new EvalResult(SchemaVersion.CURRENT, run, step, 5L, bench, score, n, metrics));
  }

  static Arbitrary<Forecast> forecasts() {
    Arbitrary<Double> maybe = finite().injectNull(0.3);
    return Combinators.combine(ids(), Arbitraries.longs().between(0, 100_000), maybe, maybe, finite().injectNull(0.5),
            Arbitraries.of(Forecast.Phase.class), Arbitraries.longs().between(0, 1000).injectNull(0.5))
        .as((run, step, a, b, pred, phase, collapse) -> new Forecast(SchemaVersion.CURRENT, run, step, 7L, a, b,
            a == null ? null : 0.9, a == null || b == null ? null : b - a, 12, 500, pred,
            pred == null ? null : pred - 0.05, pred == null ? null : pred + 0.05, pred == null ? null : "entropy-law",
            collapse, phase, pred == null ? "fewer than 2 validation points" : null));
  }

  static Arbitrary<Map<String, String>> controlParameters() {
    Arbitrary<Map<String, String>> numbers = Arbitraries.maps(
        Arbitraries.of(ControlParameters.Parameter.class).map(ControlParameters.Parameter::key),
        Arbitraries.doubles().between(0, 10).map(d -> Double.toString(d))).ofMaxSize(3);
    return Combinators.combine(numbers, Arbitraries.of(ControlParameters.Method.class).injectNull(0.3)).as((p, m) -> {
      Map<String, String> all = new java.util.HashMap<>(p);
      if (m != null) {
        all.put(ControlParameters.METHOD, m.wireName());
      }
      return all;
    });
  }

  static Arbitrary<ControlCommand> commands() {
    return Combinators.combine(ids(), Arbitraries.longs().between(0, 1000), Arbitraries.of(ControlAction.class),
            controlParameters(), Arbitraries.of(true, false))
        .as((run, seq, action, params, dry) -> new ControlCommand(SchemaVersion.CURRENT, run, seq, 9L, action,
            "remaining gain below 0.5%", params, seq * 10, dry, "hmac-sha256=00"));
  }

  static Arbitrary<Alert> alerts() {
    return Combinators.combine(ids(), Arbitraries.of(Alert.Type.class), Arbitraries.of(Alert.Severity.class),
            Arbitraries.of(Alert.Status.class), Arbitraries.longs().between(0, 1000), numberMaps())
        .as((run, type, sev, status, step, ev) -> new Alert(SchemaVersion.CURRENT, run + "/" + type, run, type, sev, status, step,
            1000L, status == Alert.Status.RESOLVED ? 2000L : null, type + " on " + run, ev));
  }

  static Arbitrary<DeadLetter> deadLetters() {
    return Combinators.combine(Arbitraries.of(Topics.ALL), Arbitraries.integers().between(-1, 12), Arbitraries.longs().between(-1, 1_000_000),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64).injectNull(0.2), Arbitraries.bytes().array(byte[].class).ofMaxSize(256), ids())
        .as((topic, partition, offset, key, value, reason) -> DeadLetter.of(topic, partition, offset, 3L, key, value, reason));
  }

  static Arbitrary<RunInfo> runs() {
    return Combinators.combine(ids(), Arbitraries.longs().between(1, 100_000).injectNull(0.3), numberMaps(),
            Arbitraries.integers().between(1, 64), Arbitraries.integers().between(0, 100), Arbitraries.of(RunInfo.ScoreScale.class))
        .as((run, planned, params, world, every, scale) -> new RunInfo(SchemaVersion.CURRENT, run, 11L, planned, "kl-cov", params,
            "qwen2.5-0.5b", 494_000_000L, world, every, scale, "trainer"));
  }

  static Arbitrary<ControlAck> acks() {
    return Combinators.combine(ids(), Arbitraries.longs().between(0, 1000), Arbitraries.integers().between(0, 7),
            Arbitraries.of(ControlAck.Status.class))
        .as((run, seq, rank, status) -> new ControlAck(SchemaVersion.CURRENT, run, seq, "host-" + rank, rank, seq * 3, 13L,
            status, status == ControlAck.Status.APPLIED ? "applied at the step boundary" : "replayed: seq not above last applied"));
  }

  /** Every record type with its generator, for tests that run over all of them. */
  static List<Arbitrary<? extends WireRecord>> all() {
    return List.of(runs(), stepStats(), evals(), forecasts(), commands(), acks(), alerts(), deadLetters());
  }
}
