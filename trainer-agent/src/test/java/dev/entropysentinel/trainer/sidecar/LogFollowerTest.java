package dev.entropysentinel.trainer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entropysentinel.forecaster.ingest.RunSeries;
import dev.entropysentinel.forecaster.ingest.UnreadableLogException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFollowerTest {
  private static final Pattern STEP = Pattern.compile("step:(\\d+) - ");
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC);

  @TempDir Path dir;
  private final List<String> notices = new ArrayList<>();

  /** The real log's lines up to and including the line of {@code step} (from the line after {@code fromStep}'s). */
  private static List<String> lines(List<String> all, int fromStep, int toStep) {
    List<String> out = new ArrayList<>();
    int current = -1;
    for (String l : all) {
      Matcher m = STEP.matcher(l);
      if (m.find()) {
        current = Integer.parseInt(m.group(1));
      }
      if (current > fromStep && current <= toStep || current < 0 && fromStep < 0) {
        out.add(l);
      }
    }
    return out;
  }

  private static void append(Path f, List<String> lines) throws IOException {
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private LogIngest ingest(Captured sink, IngestProgress start) {
    JobSpec job = JobSpec.of(List.of(), JobSpec.Trainer.VERL, 105L, null, null);
    return new LogIngest("r", job, null, new LogRecords("r", "h", job.method(), null, null), sink, CLOCK, start, notices::add);
  }

  @Test
  void truncationRotationAndItsOwnRestartLoseAndRepeatNoStep() throws Exception {
    List<String> all = Files.readAllLines(Captured.log(), StandardCharsets.UTF_8);
    Path log = dir.resolve("run.log");
    Path stateFile = dir.resolve("sidecar.state.json");
    Captured sink = new Captured();

    LogIngest ingest = ingest(sink, IngestProgress.START);
    LogFollower f = new LogFollower(log, FollowPosition.START, ingest::line, notices::add);
    assertThat(f.poll()).as("the log does not exist yet").isFalse();
    append(log, lines(all, -1, 40));
    f.poll();
    // the job restarts from its checkpoint at step 30: verl reopens the log with "wb" and prints steps 31.. again
    Files.writeString(log, String.join("\n", lines(all, 30, 60)) + "\n");
    f.poll();
    assertThat(f.truncations()).isEqualTo(1);
    new SidecarState(SidecarState.VERSION, f.position(), ingest.progress()).save(stateFile);
    f.close();

    append(log, lines(all, 60, 70)); // written while the sidecar is down
    SidecarState saved = SidecarState.load(stateFile);
    ingest = ingest(sink, saved.progress());
    f = new LogFollower(log, saved.position(), ingest::line, notices::add);
    f.poll();
    // rotation: the old file gets a last few lines, then the job writes a new file at the path
    Files.move(log, dir.resolve("run.log.1"));
    append(dir.resolve("run.log.1"), lines(all, 70, 75));
    append(log, lines(all, 75, 105));
    f.poll();
    f.poll();
    f.close();

    assertThat(f.rotations()).isEqualTo(1);
    RunSeries replay = Captured.replayed();
    assertThat(sink.stats).extracting(s -> (int) s.step()).as("each step once, in order").containsExactlyElementsOf(replay.entropy().keySet());
    assertThat(sink.entropy()).isEqualTo(replay.entropy());
    assertThat(sink.validation()).isEqualTo(replay.validation());
    assertThat(notices).anyMatch(n -> n.contains("truncated")).anyMatch(n -> n.contains("rotated")).anyMatch(n -> n.contains("resuming"));
  }

  @Test
  void aLineWrittenInTwoPartsIsPassedOnOnceWhole() throws Exception {
    Path log = dir.resolve("half.log");
    List<String> lines = new ArrayList<>();
    LogFollower f = new LogFollower(log, FollowPosition.START, lines::add, notices::add);
    Files.writeString(log, "step:1 - actor/entropy:0.5 - critic/sco");
    f.poll();
    assertThat(lines).isEmpty();
    assertThat(f.position().offset()).isZero();
    Files.writeString(log, "re/mean:0.25\r\n", StandardOpenOption.APPEND);
    f.poll();
    assertThat(lines).containsExactly("step:1 - actor/entropy:0.5 - critic/score/mean:0.25");
    assertThat(f.position().offset()).isEqualTo(Files.size(log));
  }

  @Test
  void aFileRewrittenPastTheOffsetBetweenTwoLooksIsNoticedByItsFirstBytes() throws Exception {
    Path log = dir.resolve("rewritten.jsonl");
    List<String> lines = new ArrayList<>();
    LogFollower f = new LogFollower(log, FollowPosition.START, lines::add, notices::add);
    Files.writeString(log, "{\"step\": 1, \"data\": {\"actor/entropy\": 0.5}}\n");
    f.poll();
    Files.writeString(log, "{\"step\": 7, \"data\": {\"actor/entropy\": 0.4}}\n{\"step\": 8, \"data\": {\"actor/entropy\": 0.3}}\n");
    f.poll();
    assertThat(lines).hasSize(3).last().asString().contains("\"step\": 8");
  }

  @Test
  void badInputGetsAClearMessageAndLongOrBinaryLinesAreSkipped() throws Exception {
    assertThatThrownBy(() -> new LogFollower(dir, FollowPosition.START, l -> {}, notices::add).poll())
        .isInstanceOf(UnreadableLogException.class).hasMessageContaining("is a directory; give the log file");
    // An unreadable file, even for root: the kernel refuses reads of this process's unmapped memory.
    assertThatThrownBy(() -> new LogFollower(Path.of("/proc/self/mem"), FollowPosition.START, l -> {}, notices::add).poll())
        .isInstanceOf(UnreadableLogException.class).hasMessageStartingWith("/proc/self/mem: cannot be read at byte 0");
    Path log = dir.resolve("noisy.log");
    byte[] garbage = new byte[4096];
    new java.util.Random(1).nextBytes(garbage);
    Files.write(log, garbage);
    Files.writeString(log, "\n" + "x".repeat(10 << 20) + "\nstep:3 - actor/entropy:0.4\n", StandardOpenOption.APPEND);
    Captured sink = new Captured();
    LogIngest ingest = ingest(sink, IngestProgress.START);
    LogFollower f = new LogFollower(log, FollowPosition.START, ingest::line, notices::add);
    f.poll();
    assertThat(sink.stats).extracting(s -> s.step()).containsExactly(3L);
    assertThat(notices).anyMatch(n -> n.contains("longer than"));
  }
}
