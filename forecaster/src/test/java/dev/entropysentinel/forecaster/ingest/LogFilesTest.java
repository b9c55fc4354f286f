package dev.entropysentinel.forecaster.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {
  @TempDir Path dir;

  @Test
  void aDirectoryExpandsRecursivelyToItsLogFilesSorted() throws IOException {
    Files.createDirectories(dir.resolve("b/deep"));
    Files.writeString(dir.resolve("b/deep/run.jsonl"), "{}");
    Files.writeString(dir.resolve("a.log"), "step:1 - actor/entropy:0.1");
    Files.writeString(dir.resolve("README.md"), "not a log");
    Files.writeString(dir.resolve(".hidden.log"), "skipped");
    Files.writeString(dir.resolve("b/trainer_state.json"), "{}");
    assertThat(LogFiles.expand(dir)).containsExactly(dir.resolve("a.log"), dir.resolve("b/deep/run.jsonl"),
        dir.resolve("b/trainer_state.json"));
  }

  @Test
  void aMissingPathOrAnEmptyDirectoryIsNamed() {
    assertThatThrownBy(() -> LogFiles.expand(dir.resolve("nope.log")))
        .isInstanceOf(UnreadableLogException.class).hasMessage(dir.resolve("nope.log") + ": no such file or directory");
    assertThatThrownBy(() -> LogFiles.expand(dir)).hasMessageContaining(dir + ": directory holds no log file");
  }

  @Test
  void aDirectoryWhereAFileIsExpectedIsOneLineNamingIt() {
    assertThatThrownBy(() -> MetricLogReader.read(dir, LogFormat.VERL))
        .isInstanceOf(UnreadableLogException.class).hasMessage(dir + ": is a directory, expected a log file");
  }

  @Test
  void binaryAndCompressedFilesAreRejectedBeforeReading() throws IOException {
    Path binary = dir.resolve("model.log");
    byte[] bytes = new byte[4096];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    Files.write(binary, bytes);
    assertThatThrownBy(() -> MetricLogReader.read(binary, LogFormat.VERL)).hasMessage(binary + ": is binary, not a "
        + "text log (verl console, verl JSONL or TRL JSON)");
    Path gz = dir.resolve("run.log");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("step:1 - actor/entropy:0.1\n".getBytes());
    }
    assertThatThrownBy(() -> MetricLogReader.read(gz, LogFormat.VERL)).hasMessageContaining("gzip-compressed");
  }

  @Test
  void aFewStrayControlBytesInARealLogAreNotBinary() throws IOException {
    Path log = dir.resolve("run.log");
    Files.writeString(log, "progress \u0000\u0007 bar\n" + "step:1 - actor/entropy:0.1\n".repeat(20));
    assertThat(MetricLogReader.read(log, LogFormat.VERL).rows()).containsKey(1);
  }

  @Test
  void brokenTrlJsonIsOneLineNamingTheFile() throws IOException {
    Path state = dir.resolve("trainer_state.json");
    Files.writeString(state, "{\"log_history\": [\n{\"step\": 1,,}\n]}");
    assertThatThrownBy(() -> MetricLogReader.read(state, LogFormat.TRL))
        .isInstanceOf(UnreadableLogException.class)
        .hasMessageStartingWith(state + ": cannot be read (not valid JSON at line 2")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
