package dev.entropysentinel.processor.internal;

import static dev.entropysentinel.processor.TestRecords.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class StepMergerTest {
  private final StepMerger merger = new StepMerger(2, 30_000);

  @Test
  void aStepCompletedBeforeAnEarlierOneWaitsSoStepsLeaveInOrder() {
    StepMerger.Result r = merger.accept(RankMerge.empty(), step("r", 0, 2, 1, 0.5, 10), 0);
    r = merger.accept(r.state(), step("r", 0, 2, 2, 0.5, 10), 0);
    r = merger.accept(r.state(), step("r", 1, 2, 2, 0.5, 10), 0);
    assertThat(r.merged()).isEmpty();
    r = merger.accept(r.state(), step("r", 1, 2, 1, 0.5, 10), 0);
    assertThat(r.merged()).extracting(MergedStep::step).containsExactly(1L, 2L);
  }

  @Test
  void aRedeliveredRankIsCountedAndIgnored() {
    StepMerger.Result r = merger.accept(RankMerge.empty(), step("r", 0, 2, 1, 0.5, 10), 0);
    r = merger.accept(r.state(), step("r", 0, 2, 1, 0.5, 10), 0);
    assertThat(r.state().duplicates()).isEqualTo(1);
    r = merger.accept(r.state(), step("r", 1, 2, 1, 0.5, 10), 0);
    assertThat(r.merged()).singleElement().satisfies(m -> assertThat(m.tokenCount()).isEqualTo(20));
    r = merger.accept(r.state(), step("r", 1, 2, 1, 0.5, 10), 0);
    assertThat(r.merged()).isEmpty();
    assertThat(r.late()).isEmpty();
    assertThat(r.state().duplicates()).isEqualTo(2);
  }

  @Test
  void aFieldAnyRankDidNotMeasureIsAbsentFromTheMergedStepAndSurvivesTheStateSerde() {
    dev.entropysentinel.schemas.StepStats full = step("r", 0, 2, 1, 0.5, 10);
    dev.entropysentinel.schemas.StepStats s = step("r", 1, 2, 1, 0.5, 10);
    dev.entropysentinel.schemas.StepStats partial = new dev.entropysentinel.schemas.StepStats(s.schemaVersion(), s.runId(), s.host(),
        s.rank(), s.worldSize(), s.step(), s.timestampMs(), s.method(), s.methodParams(), s.tokenCount(), s.entropySum(),
        s.responseCount(), s.rewardSum(), s.correctCount(), s.responseLengthSum(), s.clipLowCount(), s.clipHighCount(),
        s.detachedCount(), s.penalizedCount(), s.steerWeightMin(), s.steerWeightSum(), s.covariance(), 0, s.gradNorm(),
        s.stepTimeMs(), s.entropyChangePredicted(), s.entropyChangeMeasured(), List.of("klSum"));
    StepMerger.Result r = merger.accept(RankMerge.empty(), full, 0);
    r = merger.accept(r.state(), partial, 0);
    MergedStep m = r.merged().get(0);
    assertThat(m.absentFields()).containsExactly("klSum");
    assertThat(m.measured("entropySum")).isTrue();
    RankMerge pending = merger.accept(RankMerge.empty(), partial, 0).state();
    var serde = StateSerdes.rankMerge();
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", pending))).isEqualTo(pending);
  }

  @Test
  void graceMustBePositive() {
    assertThatThrownBy(() -> new StepMerger(0, 1)).hasMessage("processor.graceSteps must be >= 1, was 0");
  }

  /** Whatever order the ranks arrive in, each step is merged once, complete, in step order, with the exact sums. */
  @Property(tries = 200)
  void anyArrivalOrderWithinTheGraceMergesEveryStepExactly(@ForAll @IntRange(min = 1, max = 4) int world,
      @ForAll @IntRange(min = 1, max = 12) int steps, @ForAll long seed) {
    List<dev.entropysentinel.schemas.StepStats> records = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      for (int rank = 0; rank < world; rank++) {
        records.add(step("r", rank, world, s, 0.1 * (s + 1) + 0.01 * rank, 10 + rank));
      }
    }
    // shuffle within a window of one step so every step completes before the grace expires
    Random random = new Random(seed);
    for (int s = 0; s < steps; s++) {
      Collections.shuffle(records.subList(s * world, (s + 1) * world), random);
    }
    RankMerge state = RankMerge.empty();
    List<MergedStep> merged = new ArrayList<>();
    for (var r : records) {
      StepMerger.Result result = new StepMerger(2, Long.MAX_VALUE / 4).accept(state, r, 0);
      state = result.state();
      merged.addAll(result.merged());
    }
    assertThat(merged).extracting(MergedStep::step).containsExactlyElementsOf(
        java.util.stream.LongStream.range(0, steps).boxed().toList());
    for (MergedStep m : merged) {
      assertThat(m.missingRanks()).isEmpty();
      double expected = 0;
      long tokens = 0;
      for (int rank = 0; rank < world; rank++) {
        expected += (0.1 * (m.step() + 1) + 0.01 * rank) * (10 + rank);
        tokens += 10 + rank;
      }
      assertThat(m.entropySum()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(m.tokenCount()).isEqualTo(tokens);
    }
    assertThat(state.pending()).isEmpty();
  }
}
