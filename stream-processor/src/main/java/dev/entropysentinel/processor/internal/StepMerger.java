package dev.entropysentinel.processor.internal;

import dev.entropysentinel.schemas.StepStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the ranks of each (run, step) exactly, as a pure function of the run's {@link RankMerge}
 * state. A step is merged when all its ranks are in, in step order; a step still missing ranks is
 * merged anyway — flagged with the missing ranks — once a rank has reported a step {@code
 * graceSteps} later, or {@code graceMs} after its first rank arrived. A rank arriving after its
 * step was merged is reported as late, never silently dropped; a redelivered (run, rank, step) is
 * counted and ignored.
 */
public final class StepMerger {
  /** Incomplete steps remembered to tell a late rank from a redelivery. */
  static final int RECENT_INCOMPLETE = 32;

  private final int graceSteps;
  private final long graceMs;

  /**
   * @param graceSteps how many steps later a rank may report before a step is merged without the missing ranks
   * @param graceMs how long after its first rank a step waits at most
   */
  public StepMerger(int graceSteps, long graceMs) {
    if (graceSteps < 1) {
      throw new IllegalArgumentException("processor.graceSteps must be >= 1, was " + graceSteps);
    }
    if (graceMs < 1) {
      throw new IllegalArgumentException("processor.graceMs must be >= 1, was " + graceMs);
    }
    this.graceSteps = graceSteps;
    this.graceMs = graceMs;
  }

  /** What one input did: the new state, the steps now merged (in step order) and late ranks. */
  public record Result(RankMerge state, List<MergedStep> merged, List<LateRank> late) {}

  /** A rank that arrived after its step had been merged without it. */
  public record LateRank(String runId, long step, int rank, long timestampMs) {}

  /** Adds one rank's statistics at processor time {@code nowMs}. */
  public Result accept(RankMerge state, StepStats s, long nowMs) {
    if (s.step() <= state.lastMergedStep()) {
      List<Integer> missing = state.recentlyMissing().get(s.step());
      if (missing != null && missing.contains(s.rank())) {
        Map<Long, List<Integer>> recent = new TreeMap<>(state.recentlyMissing());
        List<Integer> still = new ArrayList<>(missing);
        still.remove(Integer.valueOf(s.rank()));
        recent.put(s.step(), still);
        RankMerge next = new RankMerge(RankMerge.VERSION, state.lastMergedStep(), state.maxSeenStep(), state.pending(),
            recent, state.duplicates(), state.lateRanks() + 1);
        return new Result(next, List.of(), List.of(new LateRank(s.runId(), s.step(), s.rank(), s.timestampMs())));
      }
      return duplicate(state);
    }
    List<RankMerge.Pending> pending = new ArrayList<>(state.pending());
    int at = indexOf(pending, s.step());
    if (at >= 0) {
      RankMerge.Pending p = pending.get(at);
      if (p.merged().has(s.rank())) {
        return duplicate(state);
      }
      pending.set(at, new RankMerge.Pending(p.merged().plus(s), p.firstSeenMs()));
    } else {
      pending.add(new RankMerge.Pending(MergedStep.of(s), nowMs));
      pending.sort(Comparator.comparingLong(p -> p.merged().step()));
    }
    long maxSeen = Math.max(state.maxSeenStep(), s.step());
    return drain(new RankMerge(RankMerge.VERSION, state.lastMergedStep(), maxSeen, pending, state.recentlyMissing(),
        state.duplicates(), state.lateRanks()), nowMs);
  }

  /** Merges what the grace time allows at processor time {@code nowMs} (from a punctuator). */
  public Result flush(RankMerge state, long nowMs) {
    return drain(state, nowMs);
  }

  private Result drain(RankMerge state, long nowMs) {
    List<RankMerge.Pending> pending = new ArrayList<>(state.pending());
    Map<Long, List<Integer>> recent = new TreeMap<>(state.recentlyMissing());
    List<MergedStep> merged = new ArrayList<>();
    long last = state.lastMergedStep();
    while (!pending.isEmpty()) {
      RankMerge.Pending first = pending.get(0);
      MergedStep m = first.merged();
      boolean expired = state.maxSeenStep() - m.step() >= graceSteps || nowMs - first.firstSeenMs() >= graceMs;
      if (!m.complete() && !expired) {
        break;
      }
      pending.remove(0);
      MergedStep out = m.complete() ? m : m.closed();
      if (!out.missingRanks().isEmpty()) {
        recent.put(out.step(), out.missingRanks());
        while (recent.size() > RECENT_INCOMPLETE) {
          recent.remove(recent.keySet().iterator().next());
        }
      }
      merged.add(out);
      last = out.step();
    }
    if (merged.isEmpty()) {
      return new Result(state, List.of(), List.of());
    }
    RankMerge next = new RankMerge(RankMerge.VERSION, last, state.maxSeenStep(), pending, recent, state.duplicates(),
        state.lateRanks());
    return new Result(next, merged, List.of());
  }

  private static Result duplicate(RankMerge state) {
    return new Result(new RankMerge(RankMerge.VERSION, state.lastMergedStep(), state.maxSeenStep(), state.pending(),
        state.recentlyMissing(), state.duplicates() + 1, state.lateRanks()), List.of(), List.of());
  }

  private static int indexOf(List<RankMerge.Pending> pending, long step) {
    for (int i = 0; i < pending.size(); i++) {
      if (pending.get(i).merged().step() == step) {
        return i;
      }
    }
    return -1;
  }
}
