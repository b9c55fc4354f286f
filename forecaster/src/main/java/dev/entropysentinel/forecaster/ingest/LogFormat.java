package dev.entropysentinel.forecaster.ingest;

import java.nio.file.Path;

/** The metric logs users already have. */
public enum LogFormat {
  /** verl console output: {@code step:N - key:value - ...} lines among noise. */
  VERL,
  /** verl file logger: JSON lines {@code {"step": N, "data": {...}}}. */
  VERL_JSONL,
  /** TRL {@code trainer_state.json} with its {@code log_history}. */
  TRL;

  /** Guesses the format from the file name: {@code .jsonl} and {@code .json} files, else console. */
  public static LogFormat guess(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".jsonl")) {
      return VERL_JSONL;
    }
    return name.endsWith(".json") ? TRL : VERL;
  }
}
