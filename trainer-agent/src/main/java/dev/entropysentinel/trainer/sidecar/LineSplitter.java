package dev.entropysentinel.trainer.sidecar;

import dev.entropysentinel.forecaster.ingest.MetricLineParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream (a job's stdout, a log file) into lines: UTF-8 with bad bytes replaced, a
 * trailing {@code \r} dropped. A line longer than {@link MetricLineParser#MAX_LINE_CHARS} bytes is
 * never buffered whole: it is skipped with one notice (it cannot be a metric line).
 */
final class LineSplitter {
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final Consumer<String> lines;
  private final Consumer<String> report;
  private long pendingBytes;
  private boolean skipping;

  LineSplitter(Consumer<String> lines, Consumer<String> report) {
    this.lines = lines;
    this.report = report;
  }

  void feed(byte[] b, int off, int len) {
    int from = off;
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        append(b, from, i);
        if (!skipping) {
          byte[] line = partial.toByteArray();
          int n = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
          lines.accept(new String(line, 0, n, StandardCharsets.UTF_8));
        }
        partial.reset();
        skipping = false;
        pendingBytes = 0;
        from = i + 1;
      }
    }
    append(b, from, off + len);
  }

  /** Bytes of the line not yet ended. */
  long pendingBytes() {
    return pendingBytes;
  }

  /** Forgets the line not yet ended (the stream starts over). */
  void reset() {
    partial.reset();
    skipping = false;
    pendingBytes = 0;
  }

  /** Passes on the last line if the stream ended without a line end. */
  void finish() {
    if (pendingBytes > 0) {
      feed(new byte[] {'\n'}, 0, 1);
    }
  }

  private void append(byte[] b, int from, int to) {
    pendingBytes += to - from;
    if (skipping) {
      return;
    }
    partial.write(b, from, to - from);
    if (partial.size() > MetricLineParser.MAX_LINE_CHARS) {
      report.accept("a line longer than " + MetricLineParser.MAX_LINE_CHARS + " bytes was skipped (not a metric line)");
      partial.reset();
      skipping = true;
    }
  }
}
