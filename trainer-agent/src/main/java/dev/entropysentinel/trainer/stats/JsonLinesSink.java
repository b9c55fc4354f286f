package dev.entropysentinel.trainer.stats;

import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.WireJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes records as JSON lines, one envelope per line: {@code {"type":"step-stats","record":{…}}}
 * or {@code {"type":"eval","record":{…}}}, the record as {@link WireJson} writes it. Flushed after
 * every line so a crash loses at most the line being written.
 */
public final class JsonLinesSink implements StatsSink {
  public static final String STEP_STATS = "step-stats";
  public static final String EVAL = "eval";

  private final Path path;
  private final OutputStream out;

  public JsonLinesSink(Path path) throws IOException {
    this.path = path;
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out = new BufferedOutputStream(Files.newOutputStream(path));
  }

  @Override
  public void accept(StepStats stats) {
    write(STEP_STATS, WireJson.write(stats));
  }

  @Override
  public void accept(EvalResult eval) {
    write(EVAL, WireJson.write(eval));
  }

  private void write(String type, byte[] record) {
    try {
      out.write(("{\"type\":\"" + type + "\",\"record\":").getBytes(StandardCharsets.UTF_8));
      out.write(record);
      out.write("}\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + type + " to " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + path + ": " + e.getMessage(), e);
    }
  }
}
