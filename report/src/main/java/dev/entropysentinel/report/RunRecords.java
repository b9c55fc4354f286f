package dev.entropysentinel.report;

import dev.entropysentinel.report.internal.RunHistory;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.InvalidRecordException;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.schemas.WireRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wire records of a set of runs, gathered per run: what the dashboard and the report are drawn
 * from. Filled live from Kafka ({@link TopicFeed}), from a recorded directory ({@link #read(Path)})
 * or from a replay; thread-safe, so the dashboard can render while the feed adds.
 */
public final class RunRecords implements TopicFeed.Listener {
  private final Map<String, RunHistory> runs = new TreeMap<>();
  private final List<String> unreadable = new ArrayList<>();
  private long unreadableCount;

  /**
   * Reads a directory in the {@link RecordedLayout}; missing files are simply empty topics.
   *
   * @throws IOException when a file exists but cannot be read
   * @throws IllegalArgumentException when the directory does not exist
   */
  public static RunRecords read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a directory (expected one JSONL file per topic: "
          + RecordedLayout.TOPICS.stream().map(RecordedLayout::fileName).toList() + ")");
    }
    RunRecords records = new RunRecords();
    for (String topic : RecordedLayout.TOPICS) {
      Path file = RecordedLayout.file(dir, topic);
      if (Files.exists(file)) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          String line;
          int number = 0;
          while ((line = in.readLine()) != null) {
            number++;
            if (!line.isBlank()) {
              records.accept(topic, file.getFileName() + ":" + number, line.getBytes(StandardCharsets.UTF_8));
            }
          }
        }
      }
    }
    return records;
  }

  /** Adds one record as read from {@code topic}; an unreadable one is counted with its reason and skipped. */
  @Override
  public void accept(String topic, String where, byte[] json) {
    Class<? extends WireRecord> type = typeOf(topic);
    if (type == null) {
      return;
    }
    WireRecord record;
    try {
      record = WireJson.read(json, type);
    } catch (InvalidRecordException e) {
      synchronized (this) {
        unreadableCount++;
        if (unreadable.size() < 5) {
          unreadable.add(where + ": " + e.getMessage());
        }
      }
      return;
    }
    add(record);
  }

  /** Adds one record of any recorded type. */
  public synchronized void add(WireRecord record) {
    if (record instanceof RunInfo r) {
      run(r.runId()).add(r);
    } else if (record instanceof StepStats s) {
      run(s.runId()).add(s);
    } else if (record instanceof EvalResult e) {
      run(e.runId()).add(e);
    } else if (record instanceof Forecast f) {
      run(f.runId()).add(f);
    } else if (record instanceof Alert a) {
      run(a.runId()).add(a);
    } else if (record instanceof ControlCommand c) {
      run(c.runId()).add(c);
    } else if (record instanceof ControlAck a) {
      run(a.runId()).add(a);
    } else {
      throw new IllegalArgumentException("not a recorded record type: " + record.getClass().getSimpleName());
    }
  }

  /** Runs {@code reader} on the histories with the records locked (the model is built inside). */
  public synchronized <T> T read(java.util.function.Function<Map<String, RunHistory>, T> reader) {
    return reader.apply(runs);
  }

  /** How many records could not be read, and up to five of them with the reason. */
  public synchronized long unreadableCount() {
    return unreadableCount;
  }

  public synchronized List<String> unreadableExamples() {
    return List.copyOf(unreadable);
  }

  private RunHistory run(String runId) {
    return runs.computeIfAbsent(runId, RunHistory::new);
  }

  static Class<? extends WireRecord> typeOf(String topic) {
    return switch (topic) {
      case Topics.RUNS -> RunInfo.class;
      case Topics.STEP_STATS -> StepStats.class;
      case Topics.EVALS -> EvalResult.class;
      case Topics.FORECASTS -> Forecast.class;
      case Topics.ALERTS -> Alert.class;
      case Topics.CONTROL -> ControlCommand.class;
      case Topics.CONTROL_ACKS -> ControlAck.class;
      default -> null;
    };
  }
}
