package dev.entropysentinel.trainer.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;

  private static byte[] value(int i) {
    return ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> values(List<Spool.Entry> entries) {
    return entries.stream().map(e -> new String(e.value(), StandardCharsets.UTF_8)).toList();
  }

  @Test
  void recordsAreReadBackInTheOrderTheyWereAppendedAcrossSegments() throws IOException {
    try (Spool spool = Spool.open(dir, 10_000, 40)) {
      for (int i = 0; i < 10; i++) {
        assertThat(spool.append("t", "run", value(i))).isEqualTo(i);
      }
      List<Spool.Entry> first = spool.read(SpoolPosition.START, 4);
      List<Spool.Entry> rest = spool.read(new SpoolPosition(4), 100);
      assertThat(values(first)).containsExactly("{\"i\":0}", "{\"i\":1}", "{\"i\":2}", "{\"i\":3}");
      assertThat(rest).extracting(Spool.Entry::seq).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(rest.get(0).topic()).isEqualTo("t");
      assertThat(rest.get(0).key()).isEqualTo("run");
    }
  }

  @Test
  void aRestartResumesFromTheAcknowledgedPositionAndKeepsNumbering() throws IOException {
    try (Spool spool = Spool.open(dir, 10_000, 60)) {
      for (int i = 0; i < 6; i++) {
        spool.append("t", "run", value(i));
      }
      spool.acknowledge(new SpoolPosition(4));
    }
    try (Spool spool = Spool.open(dir, 10_000, 60)) {
      assertThat(spool.recovery()).isEqualTo(new Spool.Recovery(new SpoolPosition(4), 2, null));
      assertThat(spool.read(spool.acked(), 100)).extracting(Spool.Entry::seq).containsExactly(4L, 5L);
      assertThat(spool.append("t", "run", value(6))).isEqualTo(6);
      assertThat(spool.read(spool.acked(), 100)).extracting(Spool.Entry::seq).containsExactly(4L, 5L, 6L);
    }
  }

  @Test
  void acknowledgedSegmentsAreDeletedAndTheirBytesFreed() throws IOException {
    try (Spool spool = Spool.open(dir, 10_000, 30)) {
      for (int i = 0; i < 8; i++) {
        spool.append("t", "run", value(i));
      }
      long before = spool.bytes();
      long segmentsBefore = segments();
      spool.acknowledge(new SpoolPosition(7));
      assertThat(spool.bytes()).isLessThan(before);
      assertThat(segments()).isLessThan(segmentsBefore);
      assertThat(spool.read(new SpoolPosition(7), 10)).extracting(Spool.Entry::seq).containsExactly(7L);
    }
  }

  @Test
  void readingGoesOnAfterTheSegmentBeingReadWasAcknowledgedAndDeleted() throws IOException {
    try (Spool spool = Spool.open(dir, 10_000, 60)) { // two 25-byte records per segment
      for (int i = 0; i < 4; i++) {
        spool.append("t", "run", value(i));
      }
      assertThat(spool.read(SpoolPosition.START, 2)).hasSize(2);
      spool.acknowledge(new SpoolPosition(2));
      assertThat(spool.read(new SpoolPosition(2), 100)).extracting(Spool.Entry::seq).containsExactly(2L, 3L);
    }
  }

  @Test
  void aFullSpoolRefusesWithoutBlockingAndAcceptsAgainOnceAcknowledged() throws IOException {
    try (Spool spool = Spool.open(dir, 200, 50)) {
      int accepted = 0;
      while (spool.append("t", "run", value(accepted)) >= 0) {
        accepted++;
      }
      assertThat(accepted).isBetween(3, 10);
      assertThat(spool.bytes()).isLessThanOrEqualTo(200);
      assertThat(spool.append("t", "run", value(99))).isEqualTo(-1);
      spool.acknowledge(spool.end());
      assertThat(spool.append("t", "run", value(100))).isEqualTo(accepted);
    }
  }

  @Test
  void aTornLastLineIsSetAsideAndReportedNotSilentlyDropped() throws IOException {
    try (Spool spool = Spool.open(dir, 10_000, 10_000)) {
      for (int i = 0; i < 3; i++) {
        spool.append("t", "run", value(i));
      }
    }
    Path segment = onlySegment();
    long goodBytes = Files.size(segment);
    Files.write(segment, "3\tt\trun\tdeadbeef\t{\"i\":".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    try (Spool spool = Spool.open(dir, 10_000, 10_000)) {
      Spool.Recovery r = spool.recovery();
      assertThat(r.corruptTail()).contains("torn last line").contains(segment.getFileName().toString()).contains(".corrupt-");
      assertThat(r.pending()).isEqualTo(3);
      assertThat(spool.read(SpoolPosition.START, 10)).extracting(Spool.Entry::seq).containsExactly(0L, 1L, 2L);
      assertThat(spool.append("t", "run", value(3))).isEqualTo(3);
    }
    try (Stream<Path> files = Files.list(dir)) {
      Path aside = files.filter(f -> f.getFileName().toString().contains(".corrupt-")).findFirst().orElseThrow();
      assertThat(Files.readString(aside)).isEqualTo("3\tt\trun\tdeadbeef\t{\"i\":");
    }
    assertThat(Files.size(segment)).isEqualTo(goodBytes);
  }

  @Test
  void aLastLineWithABadChecksumIsReportedToo() throws IOException {
    try (Spool spool = Spool.open(dir, 10_000, 10_000)) {
      spool.append("t", "run", value(0));
      spool.append("t", "run", value(1));
    }
    Path segment = onlySegment();
    String text = Files.readString(segment);
    Files.writeString(segment, text.substring(0, text.length() - 3) + "7}\n");
    try (Spool spool = Spool.open(dir, 10_000, 10_000)) {
      assertThat(spool.recovery().corruptTail()).contains("checksum mismatch");
      assertThat(spool.read(SpoolPosition.START, 10)).extracting(Spool.Entry::seq).containsExactly(0L);
    }
  }

  @Test
  void damageBeforeTheLastSegmentIsAnErrorNamingTheFile() throws IOException {
    try (Spool spool = Spool.open(dir, 10_000, 20)) {
      for (int i = 0; i < 4; i++) {
        spool.append("t", "run", value(i));
      }
    }
    Path first;
    try (Stream<Path> files = Files.list(dir)) {
      first = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().findFirst().orElseThrow();
    }
    Files.writeString(first, "garbage\n");
    IOException e = assertThrows(IOException.class, () -> Spool.open(dir, 10_000, 20));
    assertThat(e.getMessage()).contains(first.getFileName().toString()).contains("move");
  }

  @Test
  void valuesMustBeOneLine() throws IOException {
    try (Spool spool = Spool.open(dir, 10_000)) {
      assertThrows(IllegalArgumentException.class, () -> spool.append("t", "run", "a\nb".getBytes(StandardCharsets.UTF_8)));
      assertThrows(IllegalArgumentException.class, () -> spool.append("t", "r\tun", value(0)));
    }
  }

  @Test
  void positionsAreValuesThatSurviveASaveAndLoad() throws IOException {
    Path f = dir.resolve("p");
    new SpoolPosition(42).save(f);
    assertThat(SpoolPosition.load(f)).isEqualTo(new SpoolPosition(42));
    assertThat(SpoolPosition.load(dir.resolve("missing"))).isEqualTo(SpoolPosition.START);
    Files.writeString(f, "version=9\nnext=1\n");
    assertThat(assertThrows(IOException.class, () -> SpoolPosition.load(f)).getMessage()).contains("version 9");
    assertThrows(IllegalArgumentException.class, () -> new SpoolPosition(-1));
  }

  private long segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
    }
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
    }
  }
}
