package dev.entropysentinel.trainer.sidecar;

import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLineParser;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads an external trainer's log line by line (or, for {@code trainer_state.json}, entry by entry)
 * and sends the run record, step statistics and evals to a sink, each step once. The format is the
 * one given, or the first whose metric line appears ({@link LogFormat#of}); lines are read by the
 * forecaster's {@link MetricLineParser}, as {@code sentinel replay} reads them. Thread-safe: wrap mode
 * feeds stdout and stderr from two threads.
 */
public final class LogIngest {
  private final LogRecords records;
  private final StatsSink sink;
  private final Clock clock;
  private final JobSpec job;
  private final String runId;
  private final Consumer<String> report;
  private LogFormat format;
  private MetricLineParser parser;
  private IngestProgress progress;
  private RunInfo.ScoreScale scale;
  private long linesRead;
  private long rowsRead;
  private long statsSent;
  private long evalsSent;
  private long malformedReported;

  /**
   * @param format the log's format, null to detect it from the first metric line
   * @param start what an earlier sidecar already sent (its saved position), else {@link IngestProgress#START}
   * @param report where one-line notices go (format detected, malformed lines)
   */
  public LogIngest(String runId, JobSpec job, LogFormat format, LogRecords records, StatsSink sink, Clock clock,
      IngestProgress start, Consumer<String> report) {
    this.runId = runId;
    this.job = job;
    this.records = records;
    this.sink = sink;
    this.clock = clock;
    this.progress = start;
    this.report = report;
    if (format != null && format.lineOriented()) {
      use(format);
    } else {
      this.format = format;
    }
  }

  /** One line of the log (without its line end). */
  public synchronized void line(String line) {
    linesRead++;
    if (parser == null) {
      Optional<LogFormat> detected = LogFormat.of(line);
      if (detected.isEmpty()) {
        return;
      }
      use(detected.get());
      report.accept("log format " + format.flagName() + " (detected from: " + abbreviate(line, 100) + ")");
    }
    parser.accept(line).ifPresent(this::row);
    if (parser.malformed() > malformedReported) {
      malformedReported = parser.malformed();
      if (malformedReported <= 5 || Long.bitCount(malformedReported) == 1) {
        report.accept("unreadable metric line (" + malformedReported + " so far, skipped): "
            + parser.malformedExamples().stream().reduce((a, b) -> b).orElse(""));
      }
    }
  }

  /** One row read outside the line parser (a {@code trainer_state.json} entry). */
  public synchronized void row(MetricLineParser.Row row) {
    rowsRead++;
    long now = clock.millis();
    Optional<StepStats> stats = row.step() > progress.lastStatsStep() ? records.stats(row, now) : Optional.empty();
    Optional<EvalResult> eval = row.step() > progress.lastEvalStep() ? records.eval(row, now) : Optional.empty();
    if (stats.isEmpty() && eval.isEmpty()) {
      return;
    }
    RunInfo.ScoreScale needed = eval.isPresent() && eval.get().score() < 0 ? RunInfo.ScoreScale.REWARD
        : scale == null ? RunInfo.ScoreScale.ACCURACY : scale;
    if (needed != scale) {
      scale = needed;
      sink.accept(runInfo(now));
    }
    stats.ifPresent(s -> {
      sink.accept(s);
      progress = progress.sentStats(s.step());
      statsSent++;
    });
    eval.ifPresent(e -> {
      sink.accept(e);
      progress = progress.sentEval(e.step());
      evalsSent++;
    });
  }

  /** The run record: planned steps as the forecast's target (null: unknown), this log's format as its source. */
  private RunInfo runInfo(long now) {
    return new RunInfo(SchemaVersion.CURRENT, runId, now, job.plannedSteps(), job.method(), Map.of(), abbreviate(job.modelName(), 256),
        0, 1, 0, scale, "sidecar:" + (format == null ? "auto" : format.flagName()));
  }

  public synchronized IngestProgress progress() {
    return progress;
  }

  public synchronized LogFormat format() {
    return format;
  }

  /** One line for the summary: what was read and sent. */
  public synchronized String summary() {
    return linesRead + " lines, " + rowsRead + " metric rows, " + statsSent + " step records, "
        + evalsSent + " evals sent" + (parser == null || parser.malformed() == 0 ? "" : ", " + parser.malformed() + " unreadable metric lines")
        + (progress.lastStatsStep() < 0 ? "" : ", last step " + progress.lastStatsStep());
  }

  private void use(LogFormat f) {
    format = f;
    parser = new MetricLineParser(f, job.loggingSteps());
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
