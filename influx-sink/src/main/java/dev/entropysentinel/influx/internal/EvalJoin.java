package dev.entropysentinel.influx.internal;

import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.Forecast;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Joins each validation result with the run's merged entropy at the same step and with the first
 * fit at or after that step, so the R vs e^H scatter and the fitted law are the same on every
 * replay, whatever order the topics are read in. An eval waits until both are known, at most
 * {@code maxWaitMs} (then it is released with what is known: a run that ends with no later
 * forecast); while it waits its offset holds back the commit.
 */
public final class EvalJoin {
  private static final int HISTORY_PER_RUN = 4096;

  /** An eval ready to write, with its step's entropy and the fit (a, b) when known. */
  public record Joined(EvalResult eval, Double entropy, Double a, Double b) {}

  private record Waiting(EvalResult eval, TopicPartition tp, long offset, long sinceMs) {}

  private static final class History {
    final TreeMap<Long, Double> entropy = new TreeMap<>();
    final TreeMap<Long, double[]> fits = new TreeMap<>();
  }

  private final long maxWaitMs;
  private final Map<String, History> runs;
  private final List<Waiting> waiting = new ArrayList<>();

  public EvalJoin(long maxWaitMs, int maxRuns) {
    this.maxWaitMs = maxWaitMs;
    this.runs = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, History> eldest) {
        return size() > maxRuns;
      }
    };
  }

  public List<Joined> eval(EvalResult e, TopicPartition tp, long offset, long nowMs) {
    waiting.add(new Waiting(e, tp, offset, nowMs));
    return release(nowMs);
  }

  public List<Joined> step(MergedStep s, long nowMs) {
    if (s.measured("entropySum")) {
      put(history(s.runId()).entropy, s.step(), s.entropyMean());
    }
    return release(nowMs);
  }

  public List<Joined> forecast(Forecast f, long nowMs) {
    if (f.a() != null && f.b() != null) {
      put(history(f.runId()).fits, f.step(), new double[] {f.a(), f.b()});
    }
    return release(nowMs);
  }

  /** Evals that waited long enough, and any that became complete. */
  public List<Joined> expire(long nowMs) {
    return release(nowMs);
  }

  private List<Joined> release(long nowMs) {
    List<Joined> out = new ArrayList<>();
    for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
      Waiting w = it.next();
      History h = runs.get(w.eval().runId());
      Double entropy = h == null ? null : h.entropy.get(w.eval().step());
      Map.Entry<Long, double[]> fit = h == null ? null : h.fits.ceilingEntry(w.eval().step());
      if ((entropy != null && fit != null) || nowMs - w.sinceMs() >= maxWaitMs) {
        out.add(new Joined(w.eval(), entropy, fit == null ? null : fit.getValue()[0], fit == null ? null : fit.getValue()[1]));
        it.remove();
      }
    }
    return out;
  }

  /** The lowest offset of this partition a waiting eval still needs, or null. */
  public Long firstOpenOffset(TopicPartition tp) {
    return waiting.stream().filter(w -> w.tp().equals(tp)).map(Waiting::offset).min(Long::compare).orElse(null);
  }

  /** Drops waiting evals of partitions this sink no longer reads. */
  public void forget(Collection<TopicPartition> revoked) {
    waiting.removeIf(w -> revoked.contains(w.tp()));
  }

  public int waiting() {
    return waiting.size();
  }

  private History history(String run) {
    return runs.computeIfAbsent(run, r -> new History());
  }

  private static <V> void put(TreeMap<Long, V> map, long step, V value) {
    map.put(step, value);
    if (map.size() > HISTORY_PER_RUN) {
      map.pollFirstEntry();
    }
  }
}
