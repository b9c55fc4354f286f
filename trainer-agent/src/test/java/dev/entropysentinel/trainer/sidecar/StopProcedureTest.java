package dev.entropysentinel.trainer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopProcedureTest {
  @TempDir Path ckpt;
  private final List<String> notices = new ArrayList<>();
  private final MovingClock clock = new MovingClock();

  /** A job that records signals and ends on the first of {@code endsOn} it receives. */
  private static final class FakeJob implements JobControl {
    final List<String> signals = new ArrayList<>();
    final List<String> endsOn;
    boolean alive = true;

    FakeJob(String... endsOn) {
      this.endsOn = List.of(endsOn);
    }

    @Override
    public boolean isAlive() {
      return alive;
    }

    @Override
    public void signal(String signal) {
      signals.add(signal);
      if (endsOn.contains(signal)) {
        alive = false;
      }
    }

    @Override
    public boolean waitFor(Duration timeout) {
      return !alive;
    }
  }

  private static final class MovingClock extends Clock {
    long ms;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(ms);
    }
  }

  private StopProcedure verl(FakeJob job, StopProcedure.Sleeper sleeper) {
    return new StopProcedure(new StopProcedure.Settings(JobSpec.Trainer.VERL, ckpt, Duration.ofSeconds(60), Duration.ofSeconds(5),
        null, Duration.ofSeconds(1)), job, clock, sleeper, notices::add);
  }

  @Test
  void verlWaitsForTheNextCheckpointThenTerminatesTheGroup() throws Exception {
    Files.writeString(ckpt.resolve(StopProcedure.VERL_MARKER), "20");
    FakeJob job = new FakeJob("TERM");
    StopProcedure.Result r = verl(job, d -> {
      clock.ms += d.toMillis();
      assertThat(job.signals).as("nothing is signalled before the checkpoint lands").isEmpty();
      if (clock.ms == 3_000) {
        try {
          Files.writeString(ckpt.resolve(StopProcedure.VERL_MARKER), "30");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }).stop("STOP seq=1: plateau");
    assertThat(r.ending()).isEqualTo(StopProcedure.Ending.CHECKPOINTED);
    assertThat(r.account()).contains("global_step_30");
    assertThat(job.signals).containsExactly("TERM");
    assertThat(clock.ms).isEqualTo(3_000);
  }

  @Test
  void withoutACheckpointWithinTheGraceItTerminatesAndSaysWhereToResumeFrom() throws Exception {
    Files.writeString(ckpt.resolve(StopProcedure.VERL_MARKER), "20");
    FakeJob job = new FakeJob("TERM");
    StopProcedure.Result r = verl(job, d -> clock.ms += d.toMillis()).stop("STOP");
    assertThat(r.ending()).isEqualTo(StopProcedure.Ending.NO_CHECKPOINT);
    assertThat(clock.ms).isEqualTo(60_000);
    assertThat(notices).anyMatch(n -> n.contains("resume from global_step_20"));
  }

  @Test
  void aJobIgnoringSigtermIsKilled() throws Exception {
    FakeJob job = new FakeJob("KILL");
    StopProcedure.Result r = new StopProcedure(new StopProcedure.Settings(JobSpec.Trainer.TRL, null, Duration.ofSeconds(60),
        Duration.ofSeconds(5), null, Duration.ofSeconds(1)), job, clock, d -> clock.ms += d.toMillis(), notices::add).stop("STOP");
    assertThat(r.ending()).isEqualTo(StopProcedure.Ending.KILLED);
    assertThat(job.signals).containsExactly("TERM", "KILL");
  }

  @Test
  void aJobEndingByItselfWhileWaitingIsNotSignalled() throws Exception {
    FakeJob job = new FakeJob();
    StopProcedure.Result r = verl(job, d -> {
      clock.ms += d.toMillis();
      job.alive = clock.ms < 2_000;
    }).stop("STOP");
    assertThat(r.ending()).isEqualTo(StopProcedure.Ending.ENDED_ITSELF);
    assertThat(job.signals).isEmpty();
  }

  @Test
  void theStopHookReplacesTheSignals() throws Exception {
    Path touched = ckpt.resolve("hook-ran");
    FakeJob job = new FakeJob();
    StopProcedure.Result r = new StopProcedure(new StopProcedure.Settings(JobSpec.Trainer.VERL, ckpt, Duration.ofSeconds(1),
        Duration.ofSeconds(1), "touch " + touched, Duration.ofSeconds(1)), new JobControl() {
          @Override
          public boolean isAlive() {
            return !Files.exists(touched);
          }

          @Override
          public void signal(String signal) {
            job.signals.add(signal);
          }

          @Override
          public boolean waitFor(Duration timeout) {
            return !isAlive();
          }
        }, clock, d -> clock.ms += d.toMillis(), notices::add).stop("STOP");
    assertThat(r.ending()).isEqualTo(StopProcedure.Ending.HOOK);
    assertThat(job.signals).isEmpty();
  }

  @Test
  void settingsNameTheBadValue() {
    assertThatThrownBy(() -> new StopProcedure.Settings(JobSpec.Trainer.VERL, null, Duration.ofSeconds(-1), Duration.ofSeconds(1),
        null, Duration.ofSeconds(1))).hasMessage("sidecar.stopGrace must be >= 0, was PT-1S");
    assertThatThrownBy(() -> new StopProcedure.Settings(JobSpec.Trainer.VERL, null, Duration.ZERO, Duration.ZERO, null,
        Duration.ofSeconds(1))).hasMessage("sidecar.killGrace must be positive, was PT0S");
  }
}
