package dev.entropysentinel.trainer.sidecar;

import dev.entropysentinel.forecaster.ingest.MetricLineParser;
import dev.entropysentinel.forecaster.ingest.UnreadableLogException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Tails a log file written by a job started elsewhere, line by line, and survives what happens to
 * logs: the file appearing late, being truncated and rewritten (verl's file logger reopens it with
 * "wb" on every restart; noticed by its size or by its first bytes changing), rotated (the path
 * names a new file: the old one is read to its end first, then the new one from its start), and
 * the follower's own restart ({@link FollowPosition}). Only complete lines are passed on; a line
 * longer than {@link MetricLineParser#MAX_LINE_CHARS} bytes is skipped with a notice. Not
 * thread-safe; one thread polls.
 */
public final class LogFollower implements AutoCloseable {
  static final int HEAD_BYTES = 64;
  private static final int CHUNK = 64 * 1024;

  private final Path file;
  private final Consumer<String> report;
  private final LineSplitter splitter;
  private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
  private FollowPosition resume;
  private FileChannel channel;
  private String key;
  private long readPos;
  private long lineStart;
  private byte[] head = new byte[0];
  private boolean waitingReported;
  private long truncations;
  private long rotations;

  /**
   * @param start where an earlier follower of this file stopped ({@link FollowPosition#START}: the beginning)
   * @param lines receives each complete line, without its line end
   * @param report receives one-line notices (waiting, truncated, rotated, skipped long line)
   */
  public LogFollower(Path file, FollowPosition start, Consumer<String> lines, Consumer<String> report) {
    this.file = file;
    this.resume = start;
    this.report = report;
    this.splitter = new LineSplitter(lines, line -> report.accept(file + ": " + line));
  }

  /**
   * Reads what was appended since the last call.
   *
   * @return whether any bytes were read
   * @throws UnreadableLogException naming the file when it is a directory or cannot be read
   */
  public boolean poll() throws IOException {
    if (channel == null && !open()) {
      return false;
    }
    String now = keyOf(file);
    if (now != null && !now.equals(key)) {
      boolean read = drain();
      close();
      rotations++;
      report.accept(file + " was rotated (a new file at the path): read the old one to its end, reading the new one from its start");
      resume = FollowPosition.START;
      return open() && drain() || read;
    }
    long size = channel.size();
    if (size < lineStart || !headMatches(size)) {
      truncations++;
      report.accept(file + " was truncated or rewritten (a restarted job reopens its log): reading it from the start; "
          + "steps already sent are skipped");
      restartAt(0);
    }
    return drain();
  }

  /** Where the follower is: the end of the last complete line passed on. */
  public FollowPosition position() {
    return key == null ? resume : new FollowPosition(key, lineStart, Base64.getEncoder().encodeToString(head));
  }

  public long truncations() {
    return truncations;
  }

  public long rotations() {
    return rotations;
  }

  private boolean open() throws IOException {
    if (Files.isDirectory(file)) {
      throw new UnreadableLogException(file, "is a directory; give the log file (verl: the console log or $VERL_FILE_LOGGER_PATH; "
          + "TRL: the output_dir's checkpoint-*/trainer_state.json with --format trl)");
    }
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      if (!waitingReported) {
        waitingReported = true;
        report.accept("waiting for " + file + " to appear");
      }
      return false;
    } catch (AccessDeniedException e) {
      throw new UnreadableLogException(file, "permission denied; give the sidecar read access to the log");
    }
    key = keyOf(file);
    byte[] saved = Base64.getDecoder().decode(resume.head());
    head = saved;
    if (resume.fileKey() != null && resume.fileKey().equals(key) && resume.offset() <= channel.size() && headMatches(channel.size())) {
      restartAt(resume.offset());
      report.accept("resuming " + file + " at byte " + resume.offset());
    } else {
      if (resume.fileKey() != null) {
        report.accept(file + " changed since the sidecar last read it (rotated, truncated or recreated): reading it from the start; "
            + "steps already sent are skipped");
      }
      restartAt(0);
    }
    return true;
  }

  private void restartAt(long position) {
    readPos = position;
    lineStart = position;
    splitter.reset();
    if (position == 0) {
      head = new byte[0];
    }
  }

  /** Reads to the current end, passing complete lines on. */
  private boolean drain() throws IOException {
    boolean any = false;
    int n;
    while (true) {
      buffer.clear();
      try {
        n = channel.read(buffer, readPos);
      } catch (IOException e) {
        throw new UnreadableLogException(file, "cannot be read at byte " + readPos + " (" + e.getMessage() + ")");
      }
      if (n <= 0) {
        break;
      }
      any = true;
      splitter.feed(buffer.array(), 0, n);
      readPos += n;
    }
    lineStart = readPos - splitter.pendingBytes();
    if (head.length < HEAD_BYTES && readPos > head.length) {
      head = firstBytes((int) Math.min(HEAD_BYTES, readPos));
    }
    return any;
  }

  private boolean headMatches(long size) throws IOException {
    if (head.length == 0) {
      return true;
    }
    return size >= head.length && Arrays.equals(firstBytes(head.length), head);
  }

  private byte[] firstBytes(int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining() && channel.read(b, b.position()) > 0) {
      // read until n bytes or the end
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  private static String keyOf(Path file) {
    try {
      Object k = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      return k == null ? file.toRealPath().toString() : k.toString();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
