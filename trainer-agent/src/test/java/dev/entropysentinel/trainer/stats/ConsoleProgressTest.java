package dev.entropysentinel.trainer.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.trainer.TestRecords;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  @Test
  void aLogGetsTheFirstStepThenOneLinePerIntervalAndTheLast() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Instant[] now = {Instant.ofEpochMilli(1_000_000)};
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    try (ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true), false, Duration.ofSeconds(10), clock, 30)) {
      for (int s = 0; s < 30; s++) {
        progress.accept(TestRecords.step("run", s, 0));
        now[0] = now[0].plusSeconds(1);
      }
    }
    assertThat(bytes.toString().lines().map(l -> l.split(" ")[1]).toList()).containsExactly("0/30", "10/30", "20/30", "29/30");
  }
}
