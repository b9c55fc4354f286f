package dev.entropysentinel.forecaster.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds the logs a user points at and rejects what is not a text log before reading it, so a wrong
 * path gets one line naming the file instead of a stack trace or an empty result.
 */
public final class LogFiles {
  /** How much of a file is sniffed for binary content. */
  private static final int SNIFF_BYTES = 64 * 1024;
  /**
   * Share of control bytes (other than tab, newlines, form feed, backspace, escape) above which a
   * file is binary: real console logs carry a stray NUL or two from progress bars, never this many.
   */
  private static final double BINARY_SHARE = 0.01;

  private LogFiles() {}

  /**
   * The logs under {@code path}: the file itself, or every log file below a directory (recursively,
   * sorted, hidden files skipped): names ending in .log, .jsonl, .out, .txt, and trainer_state.json.
   *
   * @throws UnreadableLogException if the path does not exist, or a directory holds no log file
   */
  public static List<Path> expand(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new UnreadableLogException(path, "no such file or directory");
    }
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    List<Path> logs;
    try (Stream<Path> walk = Files.walk(path)) {
      logs = walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(LogFiles::looksLikeALog)
          .sorted()
          .toList();
    }
    if (logs.isEmpty()) {
      throw new UnreadableLogException(path, "directory holds no log file (*.log, *.jsonl, *.out, *.txt, "
          + "trainer_state.json)");
    }
    return logs;
  }

  /**
   * Checks that {@code file} is a readable regular file that does not look binary.
   *
   * @throws UnreadableLogException naming the file and the problem
   */
  public static void requireTextFile(Path file) throws UnreadableLogException {
    if (Files.isDirectory(file)) {
      throw new UnreadableLogException(file, "is a directory, expected a log file");
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(SNIFF_BYTES);
    } catch (NoSuchFileException e) {
      throw new UnreadableLogException(file, "no such file");
    } catch (AccessDeniedException e) {
      throw new UnreadableLogException(file, "permission denied");
    } catch (IOException e) {
      throw new UnreadableLogException(file, "cannot be read (" + e.getMessage() + ")");
    }
    String compressed = compression(head);
    if (compressed != null) {
      throw new UnreadableLogException(file, "is " + compressed + "-compressed, not a text log; decompress it first");
    }
    if (controlShare(head) > BINARY_SHARE) {
      throw new UnreadableLogException(file, "is binary, not a text log (verl console, verl JSONL or TRL JSON)");
    }
  }

  static boolean looksLikeALog(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".log") || name.endsWith(".jsonl") || name.endsWith(".out") || name.endsWith(".txt")
        || name.equals("trainer_state.json");
  }

  private static String compression(byte[] b) {
    if (starts(b, 0x1f, 0x8b)) {
      return "gzip";
    }
    if (starts(b, 'P', 'K', 3, 4)) {
      return "zip";
    }
    if (starts(b, 0x28, 0xb5, 0x2f, 0xfd)) {
      return "zstd";
    }
    if (starts(b, 0xfd, '7', 'z', 'X', 'Z', 0)) {
      return "xz";
    }
    return starts(b, 'B', 'Z', 'h') ? "bzip2" : null;
  }

  private static boolean starts(byte[] b, int... magic) {
    if (b.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static double controlShare(byte[] b) {
    if (b.length == 0) {
      return 0;
    }
    int control = 0;
    for (byte x : b) {
      int c = x & 0xff;
      if (c < 32 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\b' && c != 0x1b) {
        control++;
      }
    }
    return (double) control / b.length;
  }
}
