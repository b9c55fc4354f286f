package dev.entropysentinel.alerting.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: a record is done when every receiver has taken it or it was
 * parked on the dead-letter topic. The commit position of a partition is its lowest unfinished
 * offset (or one past the highest started one when none is unfinished), so a crash redelivers
 * exactly the alerts some receiver may not have. Thread-safe: workers finish, the consumer commits.
 */
public final class OffsetTracker {
  private final Map<TopicPartition, Partition> partitions = new HashMap<>();

  private static final class Partition {
    final TreeMap<Long, Integer> open = new TreeMap<>();
    long next = -1;
    long committed = -1;

    long position() {
      return open.isEmpty() ? next : open.firstKey();
    }
  }

  /** Starts tracking a record that {@code parts} receivers must finish (0: done already). */
  public synchronized void begin(TopicPartition tp, long offset, int parts) {
    Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
    p.next = Math.max(p.next, offset + 1);
    if (parts > 0) {
      p.open.put(offset, parts);
    }
  }

  /** One receiver finished the record; unknown records (a revoked partition) are ignored. */
  public synchronized void finish(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    if (p == null) {
      return;
    }
    Integer left = p.open.get(offset);
    if (left == null) {
      return;
    }
    if (left <= 1) {
      p.open.remove(offset);
    } else {
      p.open.put(offset, left - 1);
    }
  }

  /** Commit positions that moved since the last {@link #committed}. */
  public synchronized Map<TopicPartition, Long> toCommit() {
    Map<TopicPartition, Long> out = new HashMap<>();
    partitions.forEach((tp, p) -> {
      long pos = p.position();
      if (pos > p.committed) {
        out.put(tp, pos);
      }
    });
    return out;
  }

  /** Records that these positions were committed. */
  public synchronized void committed(Map<TopicPartition, Long> positions) {
    positions.forEach((tp, pos) -> {
      Partition p = partitions.get(tp);
      if (p != null) {
        p.committed = Math.max(p.committed, pos);
      }
    });
  }

  /** Records of partitions this consumer no longer owns are redelivered to the new owner. */
  public synchronized void forget(Collection<TopicPartition> revoked) {
    revoked.forEach(partitions::remove);
  }

  /** Records started but not finished, over all partitions. */
  public synchronized int inFlight() {
    return partitions.values().stream().mapToInt(p -> p.open.size()).sum();
  }
}
