package dev.entropysentinel.trainer.sidecar;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What a following sidecar must remember across its own restart: where it was in the log and the
 * last steps it sent. A versioned value written atomically (temp file, then rename) after every
 * batch of lines, so a restart resumes where the last save left off; steps read again are skipped
 * by {@link IngestProgress}.
 *
 * @param version layout version, {@link #VERSION}
 * @param position where in which file
 * @param progress the last steps sent
 */
public record SidecarState(int version, FollowPosition position, IngestProgress progress) {
  public static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  public SidecarState {
    if (version != VERSION) {
      throw new IllegalArgumentException("sidecar state version " + version + " is not readable (reads " + VERSION
          + "); delete the state file to start over (steps already sent are then sent again, and dropped by the processor)");
    }
    if (position == null || progress == null) {
      throw new IllegalArgumentException("sidecar state needs position and progress");
    }
  }

  public static SidecarState initial() {
    return new SidecarState(VERSION, FollowPosition.START, IngestProgress.START);
  }

  /**
   * The state saved in {@code file}, or {@link #initial()} when there is none.
   *
   * @throws IOException naming the file when it exists but cannot be read
   */
  public static SidecarState load(Path file) throws IOException {
    try {
      return JSON.readValue(Files.readAllBytes(file), SidecarState.class);
    } catch (NoSuchFileException e) {
      return initial();
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(file + ": not a sidecar state (" + e.getMessage().lines().findFirst().orElse("") + "); delete it to "
          + "start over", e);
    }
  }

  public void save(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(this));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
