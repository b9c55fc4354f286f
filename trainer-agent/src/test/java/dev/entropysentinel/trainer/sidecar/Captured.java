package dev.entropysentinel.trainer.sidecar;

import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import dev.entropysentinel.forecaster.ingest.RunSeries;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink keeping what it is given, and the series replay reads from the real log, for comparison. */
final class Captured implements StatsSink {
  static final String LOG = "/verl-logs/qwen2-7b-gsm8k-math-grpo-megatron.log";

  final List<StepStats> stats = new CopyOnWriteArrayList<>();
  final List<EvalResult> evals = new CopyOnWriteArrayList<>();
  final List<RunInfo> runs = new CopyOnWriteArrayList<>();

  static Path log() throws Exception {
    return Path.of(Captured.class.getResource(LOG).toURI());
  }

  /** What {@code sentinel replay} reads from the log. */
  static RunSeries replayed() throws Exception {
    return RunSeries.from(MetricLogReader.read(log(), LogFormat.VERL));
  }

  NavigableMap<Integer, Double> entropy() {
    NavigableMap<Integer, Double> out = new TreeMap<>();
    stats.forEach(s -> out.put((int) s.step(), s.entropyMean()));
    return out;
  }

  NavigableMap<Integer, Double> validation() {
    NavigableMap<Integer, Double> out = new TreeMap<>();
    evals.forEach(e -> out.put((int) e.step(), e.score()));
    return out;
  }

  @Override
  public void accept(StepStats s) {
    stats.add(s);
  }

  @Override
  public void accept(EvalResult e) {
    evals.add(e);
  }

  @Override
  public void accept(RunInfo r) {
    runs.add(r);
  }

  @Override
  public void close() {}
}
