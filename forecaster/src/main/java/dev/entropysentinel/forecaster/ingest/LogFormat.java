package dev.entropysentinel.forecaster.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The metric logs users already have (integrations.md). */
public enum LogFormat {
  /** verl console output: {@code step:N - key:value - ...} lines among noise. */
  VERL,
  /** verl file logger: JSON lines {@code {"step": N, "data": {...}}}. */
  VERL_JSONL,
  /** TRL {@code trainer_state.json} with its {@code log_history}. */
  TRL,
  /** TRL/transformers stdout: one Python dict repr per log call, {@code {'loss': ..., 'entropy': ...}}. */
  TRL_STDOUT;

  /** How much of a file {@link #detect(Path)} looks at. */
  static final int SNIFF_LINES = 20_000;

  /** Read line by line ({@link MetricLineParser}), not as one document. */
  public boolean lineOriented() {
    return this != TRL;
  }

  /** The spelling on the command line: {@code verl-jsonl}, {@code trl-stdout}. */
  public String flagName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The format of a file: {@code .json} files are TRL {@code trainer_state.json}; otherwise the
   * first format whose metric line appears among the first {@value #SNIFF_LINES} lines, else
   * verl console (whose reading then reports that no metric was found).
   */
  public static LogFormat detect(Path file) throws IOException {
    if (file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
      return TRL;
    }
    LogFiles.requireTextFile(file);
    try (InputStream in = Files.newInputStream(file);
        BufferedReader reader = new BufferedReader(MetricLogReader.lenient(in))) {
      String line;
      for (int n = 0; n < SNIFF_LINES && (line = reader.readLine()) != null; n++) {
        Optional<LogFormat> f = of(line);
        if (f.isPresent()) {
          return f.get();
        }
      }
    }
    return VERL;
  }

  /** The line format whose metric line {@code line} is, if any: what a live log is detected by. */
  public static Optional<LogFormat> of(String line) {
    if (line.length() > MetricLineParser.MAX_LINE_CHARS) {
      return Optional.empty();
    }
    for (LogFormat f : List.of(VERL_JSONL, VERL, TRL_STDOUT)) {
      if (MetricLineParser.carriesMetrics(f, line)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
