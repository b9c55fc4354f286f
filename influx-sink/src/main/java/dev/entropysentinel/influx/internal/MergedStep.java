package dev.entropysentinel.influx.internal;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.StepSums;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ranks of one (run, step) added up exactly: token and response sums and counts add, so the
 * merged means ({@link StepSums}) are the means over the whole batch. Covariance top groups add approximately (the
 * union of local tops is not the global top), as {@link Covariance} states. {@code absentFields}: the
 * {@link StepStats#absentFields()} of any rank (a source that did not measure a field, e.g. the
 * sidecar reading a verl log), whose values are placeholders and are not written.
 */
public record MergedStep(String runId, long step, String method, String host, int worldSize, int ranks,
    long timestampMs, long tokenCount, double entropySum, long responseCount, double rewardSum, long correctCount,
    double responseLengthSum, long clipCount, double klSum, double gradNormSum, double stepTimeMs,
    long covCount, double covSum, Map<Double, double[]> topGroups, double dhPredictedWeighted,
    double dhMeasuredWeighted, java.util.Set<String> absentFields) implements StepSums {

  public MergedStep {
    absentFields = java.util.Set.copyOf(absentFields);
  }

  /** Whether every rank measured {@code field} (a {@link StepStats#ABSENTABLE} name). */
  public boolean measured(String field) {
    return !absentFields.contains(field);
  }

  public static MergedStep of(StepStats s) {
    Map<Double, double[]> groups = new TreeMap<>();
    for (Covariance.TopGroup g : s.covariance().topGroups()) {
      groups.merge(g.fraction(), new double[] {g.sum(), g.count()}, MergedStep::add);
    }
    return new MergedStep(s.runId(), s.step(), s.method(), s.host(), s.worldSize(), 1, s.timestampMs(), s.tokenCount(),
        s.entropySum(), s.responseCount(), s.rewardSum(), s.correctCount(), s.responseLengthSum(),
        s.clipLowCount() + s.clipHighCount(), s.klSum(), s.gradNorm(), s.stepTimeMs(), s.covariance().count(),
        s.covariance().sum(), groups, s.entropyChangePredicted() * s.tokenCount(), s.entropyChangeMeasured() * s.tokenCount(),
        new java.util.HashSet<>(s.absentFields()));
  }

  /** This step with one more rank added; the host of the first rank to arrive stays (partition order, so replays agree). */
  public MergedStep plus(MergedStep o) {
    Map<Double, double[]> groups = new TreeMap<>(topGroups);
    o.topGroups.forEach((f, v) -> groups.merge(f, v, MergedStep::add));
    return new MergedStep(runId, step, method, host, worldSize, ranks + o.ranks, Math.max(timestampMs, o.timestampMs),
        tokenCount + o.tokenCount, entropySum + o.entropySum, responseCount + o.responseCount, rewardSum + o.rewardSum,
        correctCount + o.correctCount, responseLengthSum + o.responseLengthSum, clipCount + o.clipCount, klSum + o.klSum,
        gradNormSum + o.gradNormSum, Math.max(stepTimeMs, o.stepTimeMs), covCount + o.covCount, covSum + o.covSum, groups,
        dhPredictedWeighted + o.dhPredictedWeighted, dhMeasuredWeighted + o.dhMeasuredWeighted, union(absentFields, o.absentFields));
  }

  private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return all;
  }

  public boolean complete() {
    return ranks >= worldSize;
  }

  public double clipFraction() {
    return ratio(clipCount, tokenCount);
  }

  public double kl() {
    return ratio(klSum, tokenCount);
  }

  public double gradNorm() {
    return gradNormSum / ranks;
  }

  public double covarianceMean() {
    return ratio(covSum, covCount);
  }

  public double entropyChangePredicted() {
    return ratio(dhPredictedWeighted, tokenCount);
  }

  public double entropyChangeMeasured() {
    return ratio(dhMeasuredWeighted, tokenCount);
  }

  /** (fraction, mean covariance of that top group), in increasing fraction. */
  public List<double[]> topGroupMeans() {
    List<double[]> out = new ArrayList<>();
    topGroups.forEach((f, v) -> out.add(new double[] {f, ratio(v[0], v[1])}));
    return out;
  }

  private static double ratio(double num, double den) {
    return den == 0 ? 0 : num / den;
  }

  private static double[] add(double[] a, double[] b) {
    return new double[] {a[0] + b[0], a[1] + b[1]};
  }
}
