package dev.entropysentinel.report.internal;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.StepStats;
import java.util.Map;
import java.util.BitSet;
import java.util.TreeMap;

/**
 * One step of a run with its ranks merged as the processor merges them: sums and counts add, the
 * entropy change is token-weighted, a rank seen twice (an at-least-once redelivery) counts once, and
 * a field a rank did not measure ({@link StepStats#measured}) is left out, never counted as 0.
 * Mutable, owned by one {@link RunHistory} under its lock.
 */
public final class StepPoint {
  private final long step;
  private final BitSet ranks = new BitSet();
  private int worldSize;
  private String method;
  private long tokens;
  private double entropySum;
  private long responses;
  private double rewardSum;
  private double predictedWeighted;
  private long predictedWeight;
  private double measuredWeighted;
  private long measuredWeight;
  private double stepTimeMsMax;
  /** Covariance top groups (fraction to count and sum); dropped once a later step exists, as only the latest is shown. */
  private Map<Double, double[]> topGroups = new TreeMap<>();
  private boolean topGroupsDropped;

  StepPoint(long step) {
    this.step = step;
  }

  /** Adds a rank's record; false when that rank was already merged. */
  boolean add(StepStats s) {
    if (ranks.get(s.rank())) {
      return false;
    }
    ranks.set(s.rank());
    worldSize = Math.max(worldSize, s.worldSize());
    method = method == null ? s.method() : method;
    long weight = Math.max(1, s.tokenCount());
    if (s.measured("entropyChangePredicted")) {
      predictedWeighted += s.entropyChangePredicted() * weight;
      predictedWeight += weight;
    }
    if (s.measured("entropyChangeMeasured")) {
      measuredWeighted += s.entropyChangeMeasured() * weight;
      measuredWeight += weight;
    }
    if (s.measured("entropySum")) {
      tokens += s.tokenCount();
      entropySum += s.entropySum();
    }
    if (s.measured("rewardSum")) {
      responses += s.responseCount();
      rewardSum += s.rewardSum();
    }
    if (s.measured("stepTimeMs")) {
      stepTimeMsMax = Math.max(stepTimeMsMax, s.stepTimeMs());
    }
    if (s.measured("covariance") && !topGroupsDropped) {
      for (Covariance.TopGroup g : s.covariance().topGroups()) {
        double[] acc = topGroups.computeIfAbsent(g.fraction(), f -> new double[2]);
        acc[0] += g.count();
        acc[1] += g.sum();
      }
    }
    return true;
  }

  public long step() {
    return step;
  }

  public int worldSize() {
    return worldSize;
  }

  public String method() {
    return method;
  }

  /** Token-mean entropy over the merged ranks. */
  public double entropy() {
    return tokens == 0 ? Double.NaN : entropySum / tokens;
  }

  /** Mean reward, NaN when no rank measured it (a sidecar whose trainer logs no reward). */
  public double reward() {
    return responses == 0 ? Double.NaN : rewardSum / responses;
  }

  /** The entropy change predicted from the covariance; NaN when no rank measured it (a log gives none). */
  public double entropyChangePredicted() {
    return predictedWeight == 0 ? Double.NaN : predictedWeighted / predictedWeight;
  }

  public double entropyChangeMeasured() {
    return measuredWeight == 0 ? Double.NaN : measuredWeighted / measuredWeight;
  }

  public double stepTimeMs() {
    return stepTimeMsMax;
  }

  /** Forgets the covariance top groups (a later step's are the ones shown), keeping a long run's history small. */
  void dropTopGroups() {
    topGroups = Map.of();
    topGroupsDropped = true;
  }

  /** Mean covariance per top group, by group fraction ascending (the paper's table). */
  public Map<Double, Double> topGroupMeans() {
    Map<Double, Double> out = new TreeMap<>();
    topGroups.forEach((f, acc) -> out.put(f, acc[0] == 0 ? 0 : acc[1] / acc[0]));
    return out;
  }
}
