package dev.entropysentinel.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes each record it is given as one line of its topic's file in {@link RecordedLayout}, bytes
 * as they were on the wire, so {@code sentinel report --from DIR} can rebuild the report later.
 * Used as a {@link TopicFeed.Listener} (the demo records this way); lines are flushed after every
 * batch the feed hands over, on {@link #flush()} and on close.
 */
public final class JsonlRecorder implements TopicFeed.Listener, AutoCloseable {
  private final Path dir;
  private final Map<String, BufferedWriter> writers = new HashMap<>();

  /**
   * Records into {@code dir}, created when missing; existing files are appended to.
   *
   * @throws UncheckedIOException when the directory cannot be created
   */
  public JsonlRecorder(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the record directory " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void accept(String topic, String where, byte[] json) {
    if (!RecordedLayout.TOPICS.contains(topic) || json == null) {
      return;
    }
    try {
      BufferedWriter out = writers.get(topic);
      if (out == null) {
        out = Files.newBufferedWriter(RecordedLayout.file(dir, topic), StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        writers.put(topic, out);
      }
      // the wire JSON is one line already (WireJson writes no line breaks); guard against pretty input
      out.write(new String(json, StandardCharsets.UTF_8).replace('\n', ' ').replace('\r', ' '));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + RecordedLayout.file(dir, topic) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void batchDone() {
    flush();
  }

  public synchronized void flush() {
    for (Map.Entry<String, BufferedWriter> w : writers.entrySet()) {
      try {
        w.getValue().flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + RecordedLayout.file(dir, w.getKey()) + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public synchronized void close() {
    flush();
    for (BufferedWriter w : writers.values()) {
      try {
        w.close();
      } catch (IOException e) {
        // flushed above; nothing left to lose
      }
    }
    writers.clear();
  }
}
