package dev.entropysentinel.processor.internal;

import java.util.List;
import java.util.Map;

/**
 * The rank-merge state of one run, a value kept in a changelogged store: steps still waiting for
 * ranks, the last step merged, and the ranks that were missing from recently merged steps (so a
 * rank arriving after its step was merged is told apart from a redelivery). Bounded: at most the
 * grace window of pending steps and {@link StepMerger#RECENT_INCOMPLETE} remembered incomplete steps.
 *
 * @param lastMergedStep the highest step merged, -1 before any
 * @param maxSeenStep the highest step any rank reported, -1 before any
 * @param pending steps waiting for ranks, ascending by step
 * @param recentlyMissing step → ranks missing when it was merged, for the latest incomplete steps
 */
public record RankMerge(int version, long lastMergedStep, long maxSeenStep, List<Pending> pending,
    Map<Long, List<Integer>> recentlyMissing, long duplicates, long lateRanks) {

  /** 3: merged steps carry the fields their ranks did not measure (step-stats 1.1). */
  public static final int VERSION = 3;

  public RankMerge {
    if (version != VERSION) {
      throw new IllegalArgumentException("rank-merge state version " + version + " is not readable (reads " + VERSION
          + "); reset the processor's application id or upgrade Sentinel");
    }
    pending = List.copyOf(pending);
    recentlyMissing = Map.copyOf(recentlyMissing);
  }

  /** Before any rank of the run. */
  public static RankMerge empty() {
    return new RankMerge(VERSION, -1, -1, List.of(), Map.of(), 0, 0);
  }

  /**
   * A step waiting for ranks.
   *
   * @param firstSeenMs processor time when its first rank arrived, for the time-based grace
   */
  public record Pending(MergedStep merged, long firstSeenMs) {}
}
