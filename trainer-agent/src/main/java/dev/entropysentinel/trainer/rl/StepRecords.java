package dev.entropysentinel.trainer.rl;

import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.loss.CovScope;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one rank's rollout and update counts into its {@link StepStats} record: the sums the
 * processor merges exactly over ranks, and {@code methodParams} as the method in force this step.
 */
final class StepRecords {
  /**
   * What every rank of one step shares.
   *
   * @param loss the method and parameters in force during the step
   * @param adaptiveAlpha adaptive-entropy α after the step (only reported for that method)
   * @param skippedUpdates updates dropped for a non-finite gradient norm ({@code gradNorm} is the
   *     mean over the applied ones)
   */
  record StepTotals(long step, LossConfig loss, double gradNorm, double stepTimeMs, double entropyCoef,
      double learningRate, double adaptiveAlpha, long skippedUpdates) {}

  private static final List<String> ABSENT_ENTROPY_CHANGE = List.of("entropyChangeMeasured", "entropyChangePredicted");

  private final TrainerConfig config;
  private final String host;
  private final Clock clock;

  StepRecords(TrainerConfig config, String host, Clock clock) {
    this.config = config;
    this.host = host;
    this.clock = clock;
  }

  StepStats of(StepTotals t, int rank, RankRollout ro, UpdateCounts c, double[] entropyChange, Covariance covariance,
      StepStatistics statistics) {
    long tokens = 0;
    double entropySum = 0;
    for (int i = 0; i < ro.mask().length; i++) {
      if (ro.mask()[i]) {
        tokens++;
        entropySum += ro.oldEntropy()[i];
      }
    }
    double rewardSum = 0;
    long correct = 0;
    double lengthSum = 0;
    for (int i = 0; i < ro.rows(); i++) {
      rewardSum += ro.rewards()[i];
      correct += ro.correct()[i] ? 1 : 0;
      lengthSum += ro.lengths()[i];
    }
    Method method = t.loss().method();
    boolean steer = method == Method.STEER;
    // Measured one step late (StepStatistics): the first step, or a run without statistics, has none.
    List<String> absent = entropyChange == null ? ABSENT_ENTROPY_CHANGE : List.of();
    double states = entropyChange == null ? 0 : entropyChange[2];
    double predicted = states == 0 ? 0 : entropyChange[0] / states;
    double measured = states == 0 ? 0 : entropyChange[1] / states;
    Map<String, Double> params = new LinkedHashMap<>(t.loss().methodParams());
    params.put("globalCovScope", config.covScope() == CovScope.GLOBAL ? 1.0 : 0.0);
    params.put("learningRate", t.learningRate());
    statistics.describe(params);
    if (method == Method.ADAPTIVE_ENTROPY) {
      params.put("entropyCoefCurrent", t.adaptiveAlpha());
      params.put("entropyCoefApplied", t.entropyCoef());
    }
    return new StepStats(SchemaVersion.CURRENT, config.runId(), host, rank, config.ranks(), t.step(), clock.millis(),
        method.wireName(), params, tokens, entropySum, ro.rows(), rewardSum, correct, lengthSum,
        Math.min(c.clipLow, tokens), Math.min(c.clipHigh, tokens), Math.min(c.detached, tokens), Math.min(c.penalised, tokens),
        steer ? c.weightMin() : 1.0, steer ? c.weightSum : tokens, covariance, c.klSum, t.gradNorm(), t.stepTimeMs(),
        predicted, measured, absent, t.skippedUpdates());
  }
}
