package dev.entropysentinel.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.schemas.WireJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new ReportCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  @Test
  void aMissingDirectoryIsAUsageErrorNamingTheFlag(@TempDir Path dir) {
    assertThat(run("--from", dir.resolve("none").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--from: ").contains("is not a directory");
  }

  @Test
  void aBadRateIsAUsageErrorNamingTheFlag(@TempDir Path dir) {
    assertThat(run("--from", dir.toString(), "--gpu-hours-per-step", "-2")).isEqualTo(2);
    assertThat(err.toString()).contains("--gpu-hours-per-step: report.gpuHoursPerStep must be a number >= 0, was -2.0");
  }

  @Test
  void theReportIsWrittenAndUnreadableLinesAreListed(@TempDir Path dir) throws Exception {
    try (JsonlRecorder recorder = new JsonlRecorder(dir)) {
      CollapsingRun.records("r", 20).forEach(s -> recorder.accept(s.topic(), "t", WireJson.write(s.record())));
    }
    Files.writeString(dir.resolve("alerts.jsonl"), "{broken\n", java.nio.file.StandardOpenOption.APPEND);
    Path html = dir.resolve("out/index.html");
    assertThat(run("--from", dir.toString(), "--out", html.toString())).isZero();
    assertThat(html).exists();
    assertThat(out.toString()).contains("(1 run(s), 1 unreadable record(s) skipped)").contains("skipped alerts.jsonl:2: ");
  }
}
