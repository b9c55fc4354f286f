package dev.entropysentinel.trainer.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * How far a {@link Spool} has been delivered: every record with a sequence number below {@code
 * next} was acknowledged by the broker. A value, saved atomically (write, then rename) so a crash
 * leaves the old or the new position, never a torn one.
 *
 * @param next the sequence number of the first record not yet acknowledged
 */
public record SpoolPosition(long next) implements Comparable<SpoolPosition> {
  static final int VERSION = 1;
  public static final SpoolPosition START = new SpoolPosition(0);

  public SpoolPosition {
    if (next < 0) {
      throw new IllegalArgumentException("spool.position must be >= 0, was " + next);
    }
  }

  /** The position after {@code seq}. */
  public static SpoolPosition after(long seq) {
    return new SpoolPosition(seq + 1);
  }

  @Override
  public int compareTo(SpoolPosition o) {
    return Long.compare(next, o.next);
  }

  void save(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, "version=" + VERSION + "\nnext=" + next + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The saved position, or {@link #START} when there is none. */
  static SpoolPosition load(Path file) throws IOException {
    if (!Files.exists(file)) {
      return START;
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    String version = p.getProperty("version");
    if (!String.valueOf(VERSION).equals(version)) {
      throw new IOException(file + ": spool position version " + version + " is not supported (expected " + VERSION + ")");
    }
    try {
      return new SpoolPosition(Long.parseLong(p.getProperty("next", "")));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": unreadable spool position: " + e.getMessage(), e);
    }
  }
}
