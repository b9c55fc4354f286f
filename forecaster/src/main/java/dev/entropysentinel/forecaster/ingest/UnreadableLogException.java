package dev.entropysentinel.forecaster.ingest;

import java.io.IOException;
import java.nio.file.Path;

/** A log that cannot be read at all, with a one-line message naming the file and what is wrong. */
public final class UnreadableLogException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public UnreadableLogException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /** The file that could not be read. */
  public Path file() {
    return file;
  }
}
