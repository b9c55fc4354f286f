package dev.entropysentinel.trainer.sidecar;

import dev.entropysentinel.forecaster.ingest.LogFiles;
import dev.entropysentinel.forecaster.ingest.MetricLineParser;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import dev.entropysentinel.forecaster.ingest.UnreadableLogException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Follows TRL's {@code trainer_state.json}, which transformers rewrites whole at every checkpoint
 * save inside {@code checkpoint-<step>/} (integrations.md: not live, so its steps arrive in bursts).
 * Given a file it re-reads it when it changes; given an {@code output_dir} it reads the newest
 * checkpoint's. Every entry is passed on; the ingest skips the steps it already sent.
 */
public final class TrainerStateFollower {
  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");

  private final Path path;
  private final Consumer<MetricLineParser.Row> rows;
  private final Consumer<String> report;
  private Path lastFile;
  private FileTime lastModified;
  private long lastSize = -1;

  public TrainerStateFollower(Path path, Consumer<MetricLineParser.Row> rows, Consumer<String> report) {
    this.path = path;
    this.rows = rows;
    this.report = report;
  }

  /**
   * Reads the state file again if it (or the newest checkpoint) changed.
   *
   * @return whether it was read
   * @throws UnreadableLogException naming the file when it is not a readable trainer_state.json
   */
  public boolean poll() throws IOException {
    Optional<Path> current = current();
    if (current.isEmpty()) {
      return false;
    }
    Path f = current.get();
    FileTime modified = Files.getLastModifiedTime(f);
    long size = Files.size(f);
    if (f.equals(lastFile) && modified.equals(lastModified) && size == lastSize) {
      return false;
    }
    LogFiles.requireTextFile(f);
    List<MetricLineParser.Row> entries;
    try (Reader reader = MetricLogReader.lenient(Files.newInputStream(f))) {
      entries = MetricLogReader.trainerState(reader);
    } catch (IOException e) {
      // A save may be in progress: read it again at the next change, say why now.
      report.accept(f + ": not readable yet (" + e.getMessage() + "); retrying when it changes");
      lastFile = f;
      lastModified = modified;
      lastSize = size;
      return false;
    }
    lastFile = f;
    lastModified = modified;
    lastSize = size;
    entries.forEach(rows);
    return true;
  }

  /** The file itself, or the newest {@code checkpoint-N/trainer_state.json} under a directory. */
  private Optional<Path> current() throws IOException {
    if (!Files.isDirectory(path)) {
      return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(path)) {
      return dirs.filter(Files::isDirectory)
          .filter(d -> CHECKPOINT.matcher(d.getFileName().toString()).matches())
          .map(d -> d.resolve("trainer_state.json"))
          .filter(Files::isRegularFile)
          .max(Comparator.comparingLong(TrainerStateFollower::step));
    }
  }

  private static long step(Path stateFile) {
    Matcher m = CHECKPOINT.matcher(stateFile.getParent().getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }
}
