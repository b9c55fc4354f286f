package dev.entropysentinel.processor.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.entropysentinel.schemas.BenchFigure;
import java.util.List;
import java.util.Locale;

/**
 * What {@code sentinel bench streams} measured, as JSON ({@code --json}) or a table: per-round
 * figures, and per setting their means and the spread of the ratio over the rounds.
 */
record StreamsBenchReport(String broker, int runs, int ranks, Throughput throughput, Latency latency,
    ChangelogBench.Result changelog) {

  static final double THROUGHPUT_GOAL = 0.7;
  static final double LATENCY_GOAL = 5;
  static final double CHANGELOG_GOAL = 1.5;

  /**
   * Per setting: mean records/s of each reader over the rounds, the goal's ratio processor/plain of
   * the means and its spread over the rounds, and the reference apps' ratios to plain of the means.
   */
  record ThroughputSummary(int threads, @JsonUnwrapped CommitSetting commit, int rounds, double plainMeanPerSec,
      double parseOnlyMeanPerSec, double passthroughMeanPerSec, double streamsMeanPerSec, double ratioOfMeans,
      Samples ratio, double parseOnlyRatioOfMeans, double passthroughRatioOfMeans) {}

  record Throughput(long backlogRecords, int stepsPerRun, List<ThroughputSummary> summary,
      List<ThroughputBench.Round> rounds) {}

  /**
   * Per commit setting: every round's samples pooled (one p99 over all commands of all rounds,
   * steadier than one round's tail), the ratios of the pooled p99s and means, and how the p99
   * ratio of single rounds ranged.
   */
  record LatencySummary(@JsonUnwrapped CommitSetting commit, int rounds, int commandsMissing, Samples control, Samples plain, double ratioP99,
      double ratioMean, Samples roundRatioP99) {}

  record Latency(int threads, long stepIntervalMs, int stepsPerRun, List<LatencySummary> summary,
      List<LatencyBench.Round> rounds) {}

  static StreamsBenchReport of(String broker, int runs, int ranks, int throughputSteps, long backlogRecords,
      List<ThroughputBench.Round> tp, int latencyThreads, long stepIntervalMs, int latencySteps,
      List<LatencyBench.Round> lat, ChangelogBench.Result changelog) {
    List<ThroughputSummary> tps = tp.stream().map(ThroughputBench.Round::setting).distinct().map(setting -> {
      List<ThroughputBench.Round> mine = tp.stream().filter(r -> r.setting().equals(setting)).toList();
      double plain = mean(mine.stream().mapToDouble(ThroughputBench.Round::plainPerSec).toArray());
      double parseOnly = mean(mine.stream().mapToDouble(ThroughputBench.Round::parseOnlyPerSec).toArray());
      double passthrough = mean(mine.stream().mapToDouble(ThroughputBench.Round::passthroughPerSec).toArray());
      double streams = mean(mine.stream().mapToDouble(ThroughputBench.Round::streamsPerSec).toArray());
      return new ThroughputSummary(mine.get(0).threads(), mine.get(0).commit(), mine.size(), plain, parseOnly,
          passthrough, streams, streams / plain, Samples.of(mine.stream().mapToDouble(ThroughputBench.Round::ratio).toArray()),
          parseOnly / plain, passthrough / plain);
    }).toList();
    List<LatencySummary> ls = lat.stream().map(LatencyBench.Round::commit).distinct().map(c -> {
      List<LatencyBench.Round> mine = lat.stream().filter(r -> r.commit().equals(c)).toList();
      Samples control = Samples.of(mine.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.controlMs())).toArray());
      Samples plain = Samples.of(mine.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.plainMs())).toArray());
      return new LatencySummary(c, mine.size(), mine.stream().mapToInt(LatencyBench.Round::commandsMissing).sum(), control,
          plain, control.p99() / plain.p99(), control.mean() / plain.mean(),
          Samples.of(mine.stream().mapToDouble(LatencyBench.Round::ratioP99).toArray()));
    }).toList();
    return new StreamsBenchReport(broker, runs, ranks,
        new Throughput(backlogRecords, throughputSteps, tps, tp),
        new Latency(latencyThreads, stepIntervalMs, latencySteps, ls, lat), changelog);
  }

  private static double mean(double[] values) {
    return Samples.of(values).mean();
  }

  String render() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "sentinel bench streams: %d concurrent runs x %d ranks, broker %s, processor "
        + "exactly_once_v2 (the real topology, policy INTERVENE)%n%n", runs, ranks, broker));
    b.append(String.format(Locale.ROOT, "1. throughput, backlog of %,d records (%d steps per run + validations + run "
        + "records); processor from its first record until the last is committed, plain consumer parsing every record "
        + "with WireSerde; beside them, with the processor's Streams configuration, a parse-only Streams app (parses "
        + "each record as the plain consumer does, writes nothing) and a passthrough one (writes each record unparsed to a "
        + "topic); records/s, means over rounds, "
        + "(ratio to plain)%n", throughput.backlogRecords(), throughput.stepsPerRun()));
    b.append(String.format(Locale.ROOT, "   %-8s %-9s %-10s %-6s %14s %22s %22s %14s %12s %16s %s%n", "threads",
        "commit ms", "command ms", "rounds", "plain consumer", "parse-only Streams", "passthrough Streams",
        "processor", "ratio means", "ratio min..max", "goal >= " + THROUGHPUT_GOAL));
    for (ThroughputSummary s : throughput.summary()) {
      b.append(String.format(Locale.ROOT, "   %-8d %-9d %-10d %-6d %,14.0f %22s %22s %,14.0f %12.3f %16s %s%n", s.threads(),
          s.commit().commitMs(), s.commit().commandCommitMs(), s.rounds(), s.plainMeanPerSec(),
          String.format(Locale.ROOT, "%,.0f (%.3f)", s.parseOnlyMeanPerSec(), s.parseOnlyRatioOfMeans()),
          String.format(Locale.ROOT, "%,.0f (%.3f)", s.passthroughMeanPerSec(), s.passthroughRatioOfMeans()),
          s.streamsMeanPerSec(), s.ratioOfMeans(),
          String.format(Locale.ROOT, "%.3f..%.3f", s.ratio().min(), s.ratio().max()), met(s.ratioOfMeans() >= THROUGHPUT_GOAL)));
    }
    b.append(String.format(Locale.ROOT, "%n2. latency, step record sent -> its signed INTERVENE read from sentinel.control "
        + "(read_committed), vs the same step records' plain produce -> consume round trip (read_committed); one step per "
        + "run every %d ms, %d stream threads; command ms: early commit after a command (0: none); ms, samples of all "
        + "rounds pooled%n", latency.stepIntervalMs(),
        latency.threads()));
    b.append(String.format(Locale.ROOT, "   %-9s %-10s %-6s %9s %-23s %-23s %9s %10s %14s %s%n", "commit ms", "command ms",
        "rounds", "commands",
        "control p50/p99/mean", "plain p50/p99/mean", "p99 ratio", "mean ratio", "round p99 r.", "goal <= " + (int) LATENCY_GOAL));
    for (LatencySummary s : latency.summary()) {
      b.append(String.format(Locale.ROOT, "   %-9d %-10d %-6d %9s %-23s %-23s %9.2f %10.2f %14s %s%n", s.commit().commitMs(),
          s.commit().commandCommitMs(), s.rounds(),
          s.control().count() + (s.commandsMissing() == 0 ? "" : "(-" + s.commandsMissing() + ")"), triple(s.control()),
          triple(s.plain()), s.ratioP99(), s.ratioMean(),
          String.format(Locale.ROOT, "%.2f..%.2f", s.roundRatioP99().min(), s.roundRatioP99().max()),
          met(s.ratioP99() <= LATENCY_GOAL)));
    }
    b.append(String.format(Locale.ROOT, "%n3. changelog bytes per input record: key + value bytes of the records on the "
        + "real run-state and rank-merge changelog topics (no batch framing) written for the %d steps up to each step, "
        + "divided by those steps' input records (steps + validations), each step committed on its own as a live run's "
        + "(the stores write a run back once per commit); two runs of %,d steps, one rank; last three "
        + "columns: mean bytes of one changelog record%n", ChangelogBench.WINDOW, changelog.steps()));
    b.append(String.format(Locale.ROOT, "   %-11s %7s %7s %10s %13s %10s %10s %9s %11s%n", "run", "step", "inputs",
        "changelog", "bytes/input", "run-state", "(meta", "monitor)", "rank-merge"));
    for (ChangelogBench.RunCurve run : changelog.runs()) {
      for (ChangelogBench.Point p : run.points()) {
        b.append(String.format(Locale.ROOT, "   %-11s %7d %7d %10d %13.0f %10.0f %10.0f %9.0f %11.0f%n", run.kind(),
            p.step(), p.inputRecords(), p.changelogRecords(), p.bytesPerInputRecord(), p.runStateBytes(), p.metaBytes(),
            p.monitorBytes(), p.rankMergeBytes()));
      }
      b.append(String.format(Locale.ROOT, "   %-11s decisions kept in its state at the end: %s%n", run.kind(),
          run.decisions().isEmpty() ? "none" : String.join("; ", run.decisions())));
      b.append(String.format(Locale.ROOT, "   %-11s ratio step %d / step %d: %.3f  goal <= %.1f %s%n", run.kind(),
          changelog.steps(), ChangelogBench.EARLY_STEP, run.ratio(), CHANGELOG_GOAL, met(run.ratio() <= CHANGELOG_GOAL)));
    }
    b.append(System.lineSeparator());
    figures().forEach(f -> b.append(f.line()).append(System.lineSeparator()));
    return b.toString();
  }

  /** The headline figures, one per setting, as every benchmark prints them last. */
  List<BenchFigure> figures() {
    List<BenchFigure> out = new java.util.ArrayList<>();
    for (ThroughputSummary s : throughput.summary()) {
      out.add(BenchFigure.atLeast(String.format(Locale.ROOT, "streams throughput ratio (%d threads, %s)",
          s.threads(), s.commit().label()), s.ratioOfMeans(), THROUGHPUT_GOAL));
    }
    for (LatencySummary s : latency.summary()) {
      out.add(BenchFigure.atMost("decision latency p99 ratio (" + s.commit().label()
          + ")", s.ratioP99(), LATENCY_GOAL));
    }
    for (ChangelogBench.RunCurve run : changelog.runs()) {
      out.add(BenchFigure.atMost("changelog growth ratio (" + run.kind() + " run)", run.ratio(), CHANGELOG_GOAL));
    }
    return out;
  }

  private static String triple(Samples s) {
    return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", s.p50(), s.p99(), s.mean());
  }

  private static String met(boolean met) {
    return met ? "met" : "NOT met";
  }
}
