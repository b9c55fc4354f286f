package dev.entropysentinel.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static final TopicPartition P0 = new TopicPartition("sentinel.alerts", 0);
  private static final TopicPartition P1 = new TopicPartition("sentinel.alerts", 1);
  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void commitStopsAtTheFirstRecordSomeReceiverHasNotFinished() {
    tracker.begin(P0, 10, 2);
    tracker.begin(P0, 11, 2);
    tracker.finish(P0, 11);
    tracker.finish(P0, 11);
    tracker.finish(P0, 10);
    assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, 10L));
    tracker.committed(Map.of(P0, 10L));
    tracker.finish(P0, 10);
    assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, 12L));
  }

  @Test
  void recordsNeedingNoReceiverAreDoneAtOnceAndPartitionsAreIndependent() {
    tracker.begin(P0, 5, 0);
    tracker.begin(P1, 7, 1);
    assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, 6L, P1, 7L));
    tracker.committed(Map.of(P0, 6L, P1, 7L));
    assertThat(tracker.toCommit()).isEmpty();
    assertThat(tracker.inFlight()).isEqualTo(1);
  }

  @Test
  void revokedPartitionsAreForgottenAndLateFinishesIgnored() {
    tracker.begin(P0, 3, 1);
    tracker.forget(List.of(P0));
    tracker.finish(P0, 3);
    assertThat(tracker.toCommit()).isEmpty();
    assertThat(tracker.inFlight()).isZero();
  }
}
