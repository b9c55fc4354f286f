package dev.entropysentinel.report;

import dev.entropysentinel.schemas.Topics;
import java.nio.file.Path;
import java.util.List;

/**
 * How a run of Sentinel is recorded for the report: one JSON-lines file per topic in one directory,
 * each line a record exactly as it was on the wire ({@code runs.jsonl}, {@code step-stats.jsonl},
 * {@code evals.jsonl}, {@code forecasts.jsonl}, {@code alerts.jsonl}, {@code control.jsonl},
 * {@code control-acks.jsonl}). The demo records into such a directory with {@link JsonlRecorder}
 * and {@code sentinel report --from DIR} rebuilds the report from it; a file may be missing
 * (a run without alerts has none), so a directory from any other tool that writes these lines works too.
 */
public final class RecordedLayout {
  /** The topics recorded, in data-flow order (the dead letters are not part of a report). */
  public static final List<String> TOPICS = List.of(Topics.RUNS, Topics.STEP_STATS, Topics.EVALS, Topics.FORECASTS,
      Topics.ALERTS, Topics.CONTROL, Topics.CONTROL_ACKS);

  private RecordedLayout() {}

  /** The file of {@code topic}: its name without the {@code sentinel.} prefix, e.g. {@code step-stats.jsonl}. */
  public static String fileName(String topic) {
    if (!TOPICS.contains(topic)) {
      throw new IllegalArgumentException("topic " + topic + " is not recorded; recorded topics: " + TOPICS);
    }
    return topic.substring(topic.indexOf('.') + 1) + ".jsonl";
  }

  public static Path file(Path dir, String topic) {
    return dir.resolve(fileName(topic));
  }
}
