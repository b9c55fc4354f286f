package dev.entropysentinel.forecaster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MonitorStateCodecTest {
  private static final MonitorTransition TRANSITION =
      new MonitorTransition(MonitorConfig.ofDefaults().withDryRun(false), ForecastConfig.ofDefaults());

  private static MonitorState roundTrip(MonitorState s) {
    return MonitorStateCodec.fromBytes(MonitorStateCodec.toBytes(s));
  }

  /**
   * A random run as the processor may see it: entropies with gaps, collapses and rebounds,
   * validations on time, early or late, redeliveries of old records, plan changes, ticks after
   * silences of up to 40 minutes.
   */
  private static List<MonitorEvent> randomRun(long seed, int length) {
    Random r = new Random(seed);
    List<MonitorEvent> events = new ArrayList<>();
    int step = r.nextInt(3);
    long time = 0;
    double h = 0.2 + r.nextDouble() * 0.6;
    double score = r.nextDouble() * 0.5;
    for (int i = 0; i < length; i++) {
      int kind = r.nextInt(100);
      time += 1_000 + r.nextInt(5_000);
      if (kind < 60) {
        h = Math.max(0, h * (r.nextInt(40) == 0 ? 3 : 0.9 + r.nextDouble() * 0.12));
        events.add(new MonitorEvent.Entropy(step, h, time));
        step += 1 + (r.nextInt(10) == 0 ? r.nextInt(5) : 0);
      } else if (kind < 78) {
        score = Math.max(-1, Math.min(1, score + (r.nextDouble() - 0.3) * 0.05));
        events.add(new MonitorEvent.Validation(Math.max(0, step - 1 + r.nextInt(3)), score, time));
      } else if (kind < 88 && !events.isEmpty()) {
        events.add(events.get(r.nextInt(events.size())));
      } else if (kind < 92) {
        events.add(new MonitorEvent.Plan(r.nextInt(4) == 0 ? null : 50 + r.nextInt(450), time));
      } else {
        time += r.nextInt(40 * 60_000);
        events.add(new MonitorEvent.Tick(time));
      }
    }
    return events;
  }

  @Property(tries = 20)
  void aStateWrittenAndReadBackAtEveryRecordDecidesExactlyAsOneNeverWritten(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 200) int length) {
    MonitorState kept = MonitorState.initial(300);
    MonitorState stored = MonitorState.initial(300);
    for (MonitorEvent e : randomRun(seed, length)) {
      MonitorStep direct = TRANSITION.apply(kept, e);
      MonitorStep restored = TRANSITION.apply(roundTrip(stored), e);
      assertThat(restored).as("after %s", e).isEqualTo(direct);
      kept = direct.state();
      stored = restored.state();
    }
    assertThat(MonitorStateCodec.toBytes(stored)).isEqualTo(MonitorStateCodec.toBytes(kept));
  }

  @Property(tries = 20)
  void redeliveringAnyEarlierEntropyOrValidationIsADuplicate(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 150) int length) {
    MonitorState state = MonitorState.initial(300);
    List<MonitorEvent> applied = new ArrayList<>();
    for (MonitorEvent e : randomRun(seed, length)) {
      MonitorStep step = TRANSITION.apply(state, e);
      if (!step.duplicate() && !(e instanceof MonitorEvent.Plan) && !(e instanceof MonitorEvent.Tick)) {
        applied.add(e);
      }
      state = step.state();
    }
    for (MonitorEvent again : applied) {
      MonitorStep step = TRANSITION.apply(state, again);
      assertThat(step.duplicate()).as("%s", again).isTrue();
      assertThat(step.state()).isSameAs(state);
    }
  }

  @Test
  void nanAndInfinityRoundTripExactly() {
    MonitorState initial = MonitorState.initial(null);
    assertThat(roundTrip(initial)).isEqualTo(initial);
    Detection broken = new Detection(7, DetectionType.FIT_BROKEN, "off the law", Map.of("r2", Double.NaN, "residual", 0.2));
    MonitorState withNan = new MonitorState(MonitorState.VERSION, 100, 7, 7, 0L, 7, 0.3, 0.4, 2.8,
        Double.POSITIVE_INFINITY, 0, 2, false, List.of(broken), java.util.Set.of(), List.of(), null, RunPhase.LEARNING,
        null, SampledSeries.empty(1), SampledSeries.empty(2), SampledSeries.empty(1));
    assertThat(roundTrip(withNan)).isEqualTo(withNan);
  }

  @Test
  void anotherMajorVersionIsRefusedWithAClearMessage() {
    byte[] other = MonitorStateCodec.toBytes(MonitorState.initial(100));
    other[0] = (byte) (MonitorState.VERSION + 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MonitorStateCodec.fromBytes(other));
    assertThat(e).hasMessage("monitor state has major version " + (MonitorState.VERSION + 1) + " but this build reads "
        + "only version " + MonitorState.VERSION + "; run the matching sentinel version or reset the processor's state");
  }

  @Test
  void bytesThatAreNoStateAreRefused() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> MonitorStateCodec.fromBytes(
        "{\"version\":1}".getBytes(UTF_8)))).hasMessageStartingWith("monitor state has the JSON of an older Sentinel");
    assertThat(assertThrows(IllegalArgumentException.class, () -> MonitorStateCodec.fromBytes(new byte[0])))
        .hasMessageStartingWith("monitor state has no bytes");
    MonitorState run = runOf(7, 300);
    byte[] bytes = MonitorStateCodec.toBytes(run);
    for (int cut = 1; cut < bytes.length; cut += 7) {
      byte[] truncated = java.util.Arrays.copyOf(bytes, cut);
      assertThat(assertThrows(IllegalArgumentException.class, () -> MonitorStateCodec.fromBytes(truncated)))
          .as("cut at %d of %d", cut, bytes.length).hasMessageStartingWith("monitor state is not readable");
    }
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    assertThat(assertThrows(IllegalArgumentException.class, () -> MonitorStateCodec.fromBytes(longer)))
        .hasMessage("monitor state is not readable: 1 bytes after the state");
  }

  @Test
  void aDecisionWritesItsDetectionsReasonOnceAndReadsBackWhole() {
    MonitorTransition intervening = new MonitorTransition(MonitorConfig.ofDefaults().withDryRun(false)
        .withCollapseFraction(0.6), ForecastConfig.ofDefaults());
    MonitorState s = MonitorState.initial(1_000);
    for (int t = 1; t <= 60; t++) {
      s = intervening.apply(s, new MonitorEvent.Entropy(t, 0.05 + 1.15 * Math.pow(0.5, t / 8.0), 1_000L * t)).state();
      if (t % 10 == 0) {
        s = intervening.apply(s, new MonitorEvent.Validation(t, 0.2 + 0.001 * t, 1_000L * t)).state();
      }
    }
    assertThat(s.decisions()).hasSize(1);
    String detection = s.active(DetectionType.ENTROPY_COLLAPSE).orElseThrow().reason();
    assertThat(s.decisions().get(0).reason()).endsWith(detection);
    byte[] bytes = MonitorStateCodec.toBytes(s);
    MonitorState undecided = new MonitorState(s.version(), s.totalSteps(), s.lastStep(), s.lastValidationStep(),
        s.lastSeenMs(), s.entropyCount(), s.smoothedEntropy(), s.startLevel(), s.startSum(), s.lowestEntropy(),
        s.risingFor(), s.misses(), s.stopped(), s.activeDetections(), s.decided(), List.of(), s.forecast(), s.phase(),
        s.stepsToCollapse(), s.entropyTrajectory(), s.validations(), s.pendingValidations());
    int decisionBytes = bytes.length - MonitorStateCodec.toBytes(undecided).length;
    String prefix = s.decisions().get(0).reason().substring(0, s.decisions().get(0).reason().length() - detection.length());
    assertThat(decisionBytes).as("bytes of the decision (its prefix: %s)", prefix).isLessThan(prefix.length());
    assertThat(MonitorStateCodec.fromBytes(bytes)).isEqualTo(s);
  }

  private static MonitorState runOf(long seed, int length) {
    MonitorState s = MonitorState.initial(300);
    for (MonitorEvent e : randomRun(seed, length)) {
      s = TRANSITION.apply(s, e).state();
    }
    return s;
  }
}
