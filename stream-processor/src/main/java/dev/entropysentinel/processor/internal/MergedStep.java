package dev.entropysentinel.processor.internal;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.StepSums;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The statistics of one step of a run merged over its ranks: every field a sum, a count, a
 * maximum or a token-weighted mean, so the merge is exact and order-free (the covariance top
 * groups add approximately, as {@link Covariance} says). {@code missingRanks} is non-empty when
 * the step was merged after its grace without some ranks.
 *
 * @param ranks ranks merged, ascending
 * @param missingRanks ranks of {@code [0, worldSize)} that had not arrived when the step was merged
 * @param absentFields the {@link StepStats#absentFields()} of any rank merged: a sum over ranks of
 *     which one did not measure a field is not the step's value, so the field stays unknown
 */
public record MergedStep(
    String runId,
    long step,
    long timestampMs,
    int worldSize,
    List<Integer> ranks,
    List<Integer> missingRanks,
    String method,
    Map<String, Double> methodParams,
    long tokenCount,
    double entropySum,
    long responseCount,
    double rewardSum,
    long correctCount,
    double responseLengthSum,
    Covariance covariance,
    double klSum,
    double gradNormMax,
    double stepTimeMsMax,
    double entropyChangePredicted,
    double entropyChangeMeasured,
    List<String> absentFields) implements StepSums {

  public MergedStep {
    ranks = List.copyOf(ranks);
    missingRanks = List.copyOf(missingRanks);
    methodParams = Map.copyOf(methodParams);
    absentFields = List.copyOf(new TreeSet<>(absentFields));
  }

  /** Whether every merged rank measured {@code field} (a {@link StepStats#ABSENTABLE} name). */
  public boolean measured(String field) {
    return !absentFields.contains(field);
  }

  /** The step as one rank saw it. */
  public static MergedStep of(StepStats s) {
    return new MergedStep(s.runId(), s.step(), s.timestampMs(), s.worldSize(), List.of(s.rank()), List.of(), s.method(),
        s.methodParams(), s.tokenCount(), s.entropySum(), s.responseCount(), s.rewardSum(), s.correctCount(),
        s.responseLengthSum(), s.covariance(), s.klSum(), s.gradNorm(), s.stepTimeMs(), s.entropyChangePredicted(),
        s.entropyChangeMeasured(), s.absentFields());
  }

  /** Whether {@code rank} is already merged in. */
  public boolean has(int rank) {
    return ranks.contains(rank);
  }

  /** Every rank of the world has arrived. */
  public boolean complete() {
    return ranks.size() >= worldSize;
  }

  /** This step with one more rank added: sums and counts add, maxima take the larger, ΔH weights by tokens. */
  public MergedStep plus(StepStats s) {
    TreeSet<Integer> merged = new TreeSet<>(ranks);
    merged.add(s.rank());
    long tokens = tokenCount + s.tokenCount();
    Map<String, Double> params = new HashMap<>(methodParams);
    s.methodParams().forEach(params::putIfAbsent);
    return new MergedStep(runId, step, Math.max(timestampMs, s.timestampMs()), Math.max(worldSize, s.worldSize()),
        new ArrayList<>(merged), List.of(), method, params, tokens, entropySum + s.entropySum(),
        responseCount + s.responseCount(), rewardSum + s.rewardSum(), correctCount + s.correctCount(),
        responseLengthSum + s.responseLengthSum(), merge(covariance, s.covariance()), klSum + s.klSum(),
        Math.max(gradNormMax, s.gradNorm()), Math.max(stepTimeMsMax, s.stepTimeMs()),
        weighted(entropyChangePredicted, tokenCount, s.entropyChangePredicted(), s.tokenCount()),
        weighted(entropyChangeMeasured, tokenCount, s.entropyChangeMeasured(), s.tokenCount()), union(absentFields, s.absentFields()));
  }

  /** The step closed as it stands: ranks of the world that never arrived are listed as missing. */
  public MergedStep closed() {
    List<Integer> missing = new ArrayList<>();
    for (int r = 0; r < worldSize; r++) {
      if (!ranks.contains(r)) {
        missing.add(r);
      }
    }
    return new MergedStep(runId, step, timestampMs, worldSize, ranks, missing, method, methodParams, tokenCount,
        entropySum, responseCount, rewardSum, correctCount, responseLengthSum, covariance, klSum, gradNormMax,
        stepTimeMsMax, entropyChangePredicted, entropyChangeMeasured, absentFields);
  }

  private static List<String> union(List<String> a, List<String> b) {
    TreeSet<String> all = new TreeSet<>(a);
    all.addAll(b);
    return new ArrayList<>(all);
  }

  private static double weighted(double a, long wa, double b, long wb) {
    return wa + wb == 0 ? (a + b) / 2 : (a * wa + b * wb) / (wa + wb);
  }

  static Covariance merge(Covariance a, Covariance b) {
    Map<Double, Covariance.TopGroup> groups = new java.util.TreeMap<>();
    for (Covariance.TopGroup g : a.topGroups()) {
      groups.merge(g.fraction(), g, MergedStep::add);
    }
    for (Covariance.TopGroup g : b.topGroups()) {
      groups.merge(g.fraction(), g, MergedStep::add);
    }
    return new Covariance(a.count() + b.count(), a.sum() + b.sum(), a.sumSquares() + b.sumSquares(),
        new ArrayList<>(groups.values()));
  }

  private static Covariance.TopGroup add(Covariance.TopGroup x, Covariance.TopGroup y) {
    return new Covariance.TopGroup(x.fraction(), x.count() + y.count(), x.sum() + y.sum());
  }
}
