package dev.entropysentinel.report.internal;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.StepStats;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One step of a run with its ranks merged as the processor merges them: sums and counts add, the
 * entropy change is token-weighted, a rank seen twice (an at-least-once redelivery) counts once.
 * Mutable, owned by one {@link RunHistory} under its lock.
 */
public final class StepPoint {
  private final long step;
  private final Set<Integer> ranks = new TreeSet<>();
  private long timestampMs;
  private int worldSize;
  private String method;
  private long tokens;
  private double entropySum;
  private long responses;
  private double rewardSum;
  private double predictedWeighted;
  private double measuredWeighted;
  private long weightSum;
  private long covarianceCount;
  private double stepTimeMsMax;
  private final Map<Double, double[]> topGroups = new TreeMap<>();

  StepPoint(long step) {
    this.step = step;
  }

  /** Adds a rank's record; false when that rank was already merged. */
  boolean add(StepStats s) {
    if (!ranks.add(s.rank())) {
      return false;
    }
    timestampMs = Math.max(timestampMs, s.timestampMs());
    worldSize = Math.max(worldSize, s.worldSize());
    method = method == null ? s.method() : method;
    long weight = Math.max(1, s.tokenCount());
    predictedWeighted += s.entropyChangePredicted() * weight;
    measuredWeighted += s.entropyChangeMeasured() * weight;
    weightSum += weight;
    tokens += s.tokenCount();
    entropySum += s.entropySum();
    responses += s.responseCount();
    rewardSum += s.rewardSum();
    stepTimeMsMax = Math.max(stepTimeMsMax, s.stepTimeMs());
    covarianceCount += s.covariance().count();
    for (Covariance.TopGroup g : s.covariance().topGroups()) {
      double[] acc = topGroups.computeIfAbsent(g.fraction(), f -> new double[2]);
      acc[0] += g.count();
      acc[1] += g.sum();
    }
    return true;
  }

  public long step() {
    return step;
  }

  public long timestampMs() {
    return timestampMs;
  }

  public int worldSize() {
    return worldSize;
  }

  public int rankCount() {
    return ranks.size();
  }

  public String method() {
    return method;
  }

  /** Token-mean entropy over the merged ranks. */
  public double entropy() {
    return tokens == 0 ? Double.NaN : entropySum / tokens;
  }

  /** Mean reward, NaN when no rank reported responses (a sidecar whose trainer logs no reward). */
  public double reward() {
    return responses == 0 ? Double.NaN : rewardSum / responses;
  }

  /** The entropy change predicted from the covariance; NaN when no rank had covariance statistics (a replayed log). */
  public double entropyChangePredicted() {
    return covarianceCount == 0 ? Double.NaN : predictedWeighted / weightSum;
  }

  public double entropyChangeMeasured() {
    return measuredWeighted / weightSum;
  }

  public double stepTimeMs() {
    return stepTimeMsMax;
  }

  /** Mean covariance per top group, by group fraction ascending (the paper's table). */
  public Map<Double, Double> topGroupMeans() {
    Map<Double, Double> out = new TreeMap<>();
    topGroups.forEach((f, acc) -> out.put(f, acc[0] == 0 ? 0 : acc[1] / acc[0]));
    return out;
  }
}
