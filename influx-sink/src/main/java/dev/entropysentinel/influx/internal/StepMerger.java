package dev.entropysentinel.influx.internal;

import dev.entropysentinel.schemas.StepStats;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Collects the ranks of each (run, step) until all {@code worldSize} have arrived, then releases
 * the merged step. A rank sent twice (agents deliver at least once) counts once. Bounded: past
 * {@code maxPending} open steps the oldest is released with the ranks it has. Remembers the
 * lowest Kafka offset behind each open step so the sink never commits past it.
 */
public final class StepMerger {
  private record Key(String runId, long step) {}

  private static final class Open {
    MergedStep merged;
    final BitSet ranks = new BitSet();
    final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
  }

  private final int maxPending;
  private final LinkedHashMap<Key, Open> open = new LinkedHashMap<>();

  public StepMerger(int maxPending) {
    this.maxPending = maxPending;
  }

  /** Adds one rank's record; returns the steps now ready to write (usually none or this one). */
  public List<MergedStep> add(StepStats s, TopicPartition tp, long offset) {
    List<MergedStep> ready = new ArrayList<>();
    if (s.worldSize() == 1) {
      ready.add(MergedStep.of(s));
      return ready;
    }
    Key key = new Key(s.runId(), s.step());
    Open o = open.computeIfAbsent(key, k -> new Open());
    if (o.ranks.get(s.rank())) {
      return ready;
    }
    o.ranks.set(s.rank());
    o.firstOffsets.merge(tp, offset, Math::min);
    o.merged = o.merged == null ? MergedStep.of(s) : o.merged.plus(MergedStep.of(s));
    if (o.merged.complete()) {
      open.remove(key);
      ready.add(o.merged);
    }
    while (open.size() > maxPending) {
      var eldest = open.entrySet().iterator();
      ready.add(eldest.next().getValue().merged);
      eldest.remove();
    }
    return ready;
  }

  /** The lowest offset of this partition that an open step still needs, or null. */
  public Long firstOpenOffset(TopicPartition tp) {
    Long min = null;
    for (Open o : open.values()) {
      Long off = o.firstOffsets.get(tp);
      if (off != null && (min == null || off < min)) {
        min = off;
      }
    }
    return min;
  }

  /** Drops the open steps of partitions this sink no longer reads (their new owner re-reads them). */
  public void forget(java.util.Collection<TopicPartition> revoked) {
    open.values().removeIf(o -> o.firstOffsets.keySet().stream().anyMatch(revoked::contains));
  }

  public int pending() {
    return open.size();
  }
}
