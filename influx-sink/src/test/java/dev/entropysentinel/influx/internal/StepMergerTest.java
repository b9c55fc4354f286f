package dev.entropysentinel.influx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StepMergerTest {
  private static final TopicPartition TP = new TopicPartition("sentinel.step-stats", 0);

  @Test
  void ranksOfAStepMergeExactlyOnceAllHaveArrivedAndARepeatedRankCountsOnce() {
    StepMerger merger = new StepMerger(10);
    assertThat(merger.add(rank(0, 2, 1000, 0.5, 8), TP, 5)).isEmpty();
    assertThat(merger.add(rank(0, 2, 1000, 0.5, 8), TP, 6)).isEmpty();
    assertThat(merger.firstOpenOffset(TP)).isEqualTo(5);
    List<MergedStep> ready = merger.add(rank(1, 2, 3000, 0.1, 4), TP, 7);
    assertThat(ready).hasSize(1);
    MergedStep s = ready.get(0);
    assertThat(s.entropyMean()).isCloseTo((0.5 * 1000 + 0.1 * 3000) / 4000, within(1e-12));
    assertThat(s.rewardMean()).isCloseTo((8 * 0.5 + 4 * 0.5) / 12.0, within(1e-12));
    assertThat(s.entropyChangeMeasured()).isCloseTo(-0.02, within(1e-12));
    assertThat(s.topGroupMeans().get(0)).containsExactly(0.0002, 3.0);
    assertThat(s.host()).isEqualTo("h0");
    assertThat(merger.firstOpenOffset(TP)).isNull();
  }

  @Test
  void pastTheBoundTheOldestStepIsReleasedWithTheRanksItHas() {
    StepMerger merger = new StepMerger(1);
    merger.add(rankAt(1, 0, 2), TP, 1);
    List<MergedStep> released = merger.add(rankAt(2, 0, 2), TP, 2);
    assertThat(released).extracting(MergedStep::step).containsExactly(1L);
    assertThat(released.get(0).ranks()).isEqualTo(1);
    assertThat(merger.pending()).isEqualTo(1);
  }

  @Test
  void aSingleRankRunIsWrittenAtOnce() {
    assertThat(new StepMerger(1).add(rank(0, 1, 10, 0.3, 1), TP, 0)).hasSize(1);
  }

  private static StepStats rank(int rank, int world, long tokens, double h, long responses) {
    return new StepStats(SchemaVersion.CURRENT, "r", "h" + rank, rank, world, 3, 1000 + rank, "grpo", Map.of(), tokens,
        h * tokens, responses, 0.5 * responses, 0, 0, 0, 0, 0, 0, 1, tokens,
        new Covariance(0, 0, 0, List.of(new Covariance.TopGroup(0.0002, 1, 2.0 + 2 * rank))), 0, 1, 10, -0.01, -0.02);
  }

  private static StepStats rankAt(long step, int rank, int world) {
    return new StepStats(SchemaVersion.CURRENT, "r", "h", rank, world, step, 1000, "grpo", Map.of(), 10, 1, 1, 0, 0, 0,
        0, 0, 0, 0, 1, 10, Covariance.empty(), 0, 1, 10, 0, 0);
  }
}
