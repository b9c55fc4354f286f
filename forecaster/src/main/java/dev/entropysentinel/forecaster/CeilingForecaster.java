package dev.entropysentinel.forecaster;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;
import dev.entropysentinel.forecaster.internal.BurnIn;
import dev.entropysentinel.forecaster.internal.CandidateModel;
import dev.entropysentinel.forecaster.internal.RemainingGain;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Forecasts the validation score at a later step (usually the run's planned last step) from the
 * validations and entropies seen so far.
 *
 * <p>Why a combination: on real runs a least-squares entropy law fitted on the first points loses
 * to simply carrying the last score forward, and a pow3 step curve does worse still. No single
 * model is right for every run, so each candidate ({@link CandidateModel}) is checked out of
 * sample inside the data already seen (rolling origin: fit on the first i points after the burn-in,
 * predict every later point) and earns weight in inverse proportion to its squared error relative
 * to the last value's on the same checks. Earned weight is shrunk by n / (n + n0) for n checks, so
 * with thin evidence the forecast stays at the last value; but a candidate that beats the last
 * value at every rolling origin (at least three) keeps its whole weight, and the last value's
 * weight falls to the odds that it is the better model, so a consistent win is not diluted back
 * toward the last value (smooth saturating runs with dense validations, where pow3 wins). The interval adds the checks' error
 * variance and the weighted disagreement between the models, so it widens exactly when the
 * models extrapolate apart; the error variance starts from a prior worth a few checks and is
 * updated by the checks (conjugate update), so neither two lucky agreeing points nor one burn-in
 * jump decide the width alone.
 *
 * <p>Stateless and thread-safe.
 */
public final class CeilingForecaster {
  /**
   * Smallest history an out-of-sample check starts from: the first point after a burn-in sits on
   * the tail of the jump, so checks from it alone would charge the last value for the jump; with
   * only two points it is still used, as the single check available.
   */
  private static final int FIRST_ORIGIN = 2;
  /**
   * Only the most recent origins are checked: the cost of a forecast stays bounded on long runs
   * (it is recomputed at every validation), and checks from a regime long past stop voting.
   */
  private static final int MAX_ORIGINS = 6;
  /** Scores are accuracies in [0, 1] or +-1 rewards: no interval reaches past [-1, 1]. */
  private static final double SCORE_BOUND = 1.0;
  private final ForecastConfig config;

  public CeilingForecaster(ForecastConfig config) {
    this.config = config;
  }

  /**
   * Forecasts the score at {@code targetStep}.
   *
   * @param validations validation points seen so far, ordered by step
   * @param entropy entropy per step seen so far
   * @param targetStep the step to forecast
   * @return a forecast, or the reason there is none yet
   */
  public ForecastResult forecast(List<ValidationPoint> validations, NavigableMap<Integer, Double> entropy, int targetStep) {
    if (validations.size() < config.minValidationPoints() || entropy.isEmpty()) {
      return new ForecastResult(null, "insufficient data: " + validations.size()
          + " validation point(s) with an entropy so far, need " + config.minValidationPoints(),
          EntropyLawFit.empty(), 0);
    }
    int burnIn = BurnIn.end(validations, config.burnInJumpShare(), config.burnInMinJump());
    List<ValidationPoint> points = validations.subList(burnIn, validations.size());
    EntropyLawFit fit = EntropyLawFit.empty();
    for (ValidationPoint p : points) {
      fit = fit.add(p.entropy(), p.score());
    }
    Checks checks = check(points, entropy);
    Map<CandidateModel, Double> candidates = new EnumMap<>(CandidateModel.class);
    Map<CandidateModel, Double> weights = new EnumMap<>(CandidateModel.class);
    Map<CandidateModel, Double> earned = new EnumMap<>(CandidateModel.class);
    for (CandidateModel model : CandidateModel.values()) {
      Optional<IntToDoubleFunction> fitted = model.fit(points, entropy);
      double weight = checks.weight(model, config.shrinkagePseudoCount());
      if (fitted.isPresent()) {
        candidates.put(model, fitted.get().applyAsDouble(targetStep));
        if (weight > 0) {
          earned.put(model, weight);
          weights.put(model, weight * checks.consistency(model, config.shrinkagePseudoCount()));
        }
      }
    }
    RemainingGain gain = RemainingGain.estimate(points, entropy, targetStep, config.priorSigma(), config.coverage(),
        config.slopePrior());
    double lastScore = points.get(points.size() - 1).score();
    if (checks.count() == 0 && gain.median() > 0) {
      // Nothing has earned weight yet: the entropy-law prior, not the bare last value, is the default.
      candidates.put(CandidateModel.ENTROPY_PRIOR, clamp(lastScore + gain.median()));
      weights.clear();
      weights.put(CandidateModel.ENTROPY_PRIOR, 1.0);
      earned.clear();
      earned.putAll(weights);
    }
    normalise(weights);
    normalise(earned);
    double value = 0;
    for (Map.Entry<CandidateModel, Double> e : weights.entrySet()) {
      value += e.getValue() * candidates.get(e.getKey());
    }
    // The spread is judged with the weights the checks earned before the consistency adjustment, and
    // around the adjusted value: moving the point toward a consistent winner does not narrow the interval.
    double squaredErrors = 0;
    double disagreement = 0;
    for (Map.Entry<CandidateModel, Double> e : earned.entrySet()) {
      squaredErrors += e.getValue() * checks.meanSquaredError(e.getKey()) * checks.count();
      double d = candidates.get(e.getKey()) - value;
      disagreement += e.getValue() * d * d;
    }
    double dof = config.priorChecks() + checks.count();
    double errorVariance = (config.priorChecks() * config.priorSigma() * config.priorSigma() + squaredErrors) / dof;
    double halfWidth = new TDistribution(null, dof).inverseCumulativeProbability((1 + config.coverage()) / 2)
        * Math.sqrt(errorVariance + disagreement);
    double included = value - lastScore;
    double priorShare = priorShare(config.priorChecks(), checks.count());
    CandidateModel driver = weights.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Forecast forecast = new Forecast(targetStep, value,
        Math.max(-SCORE_BOUND, value - widened(halfWidth, priorShare * (included - gain.lower()))),
        Math.min(SCORE_BOUND, value + widened(halfWidth, priorShare * (gain.upper() - included))), config.coverage(),
        driver.label(), labelled(weights), labelled(candidates), checks.count());
    String reason = String.format("%s drives the forecast (weight %.2f) after %d out-of-sample checks on %d "
        + "validation points; %d burn-in point(s) excluded; entropy-law gain still ahead %.3f [%.3f, %.3f] "
        + "with %.0f%% of the starting entropy left", driver.label(), weights.get(driver),
        checks.count(), points.size(), burnIn, gain.median(), gain.lower(), gain.upper(), 100 * gain.uncollapsed())
        + originRecord(driver, checks)
        + (config.slopePrior() == null ? "" : "; slope prior a ~ " + String.format("%.3f +- %.3f", config.slopePrior().mean(),
            config.slopePrior().sd()) + " from " + config.slopePrior().source());
    return new ForecastResult(forecast, reason, fit, burnIn);
  }

  /**
   * One side of the interval: the checks' half-width {@code w} and the part {@code u} of the
   * remaining entropy-law gain's quantile not already in the point forecast, added in quadrature,
   * {@code sqrt(w^2 + max(0, u)^2)} (independent errors); so the interval reaches up as far as the
   * entropy still to fall can carry the score, and stays as tight as the checks once it has collapsed.
   */
  static double widened(double halfWidth, double uncovered) {
    double u = Math.max(0, uncovered);
    return Math.sqrt(halfWidth * halfWidth + u * u);
  }

  /**
   * Weight left to the entropy-law prior on the gain's spread after {@code n} out-of-sample
   * checks, {@code n0 / (n0 + n)} with n0 the checks the prior is worth: many checks on which the
   * score did not move while the run went on are evidence against a gain the prior expected.
   */
  static double priorShare(double priorChecks, int checks) {
    return priorChecks / (priorChecks + checks);
  }

  private static void normalise(Map<CandidateModel, Double> weights) {
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    weights.replaceAll((m, w) -> w / total);
  }

  private static double clamp(double score) {
    return Math.max(-SCORE_BOUND, Math.min(SCORE_BOUND, score));
  }

  /** Rolling-origin checks: every origin with enough points predicts every later point. */
  private static Checks check(List<ValidationPoint> points, NavigableMap<Integer, Double> entropy) {
    Checks checks = new Checks();
    int firstOrigin = Math.max(1, Math.max(Math.min(FIRST_ORIGIN, points.size() - 1), points.size() - MAX_ORIGINS));
    for (int i = firstOrigin; i < points.size(); i++) {
      List<ValidationPoint> history = points.subList(0, i);
      NavigableMap<Integer, Double> seen = entropy.headMap(Math.max(history.get(i - 1).step(), entropy.firstKey()), true);
      Map<CandidateModel, IntToDoubleFunction> fitted = new EnumMap<>(CandidateModel.class);
      for (CandidateModel model : CandidateModel.values()) {
        model.fit(history, seen).ifPresent(f -> fitted.put(model, f));
      }
      for (ValidationPoint target : points.subList(i, points.size())) {
        double baseline = fitted.get(CandidateModel.LAST_VALUE).applyAsDouble(target.step()) - target.score();
        fitted.forEach((model, f) -> checks.add(model, f.applyAsDouble(target.step()) - target.score(), baseline));
      }
      checks.endOrigin();
    }
    return checks;
  }

  /** How often a driving challenger beat the last value across the rolling origins, for the reason. */
  private static String originRecord(CandidateModel driver, Checks checks) {
    int[] r = checks.originRecord(driver);
    return driver == CandidateModel.LAST_VALUE || r[0] == 0 ? ""
        : String.format("; %s beat the last value from %d of %d rolling origins", driver.label(), r[1], r[0]);
  }

  private static Map<String, Double> labelled(Map<CandidateModel, Double> byModel) {
    Map<String, Double> out = new LinkedHashMap<>();
    byModel.forEach((m, v) -> out.put(m.label(), v));
    return out;
  }

  /**
   * Squared errors per model, next to the last value's on the same checks, and per rolling origin
   * whether the model beat the last value there (smaller summed squared error over the origin's
   * later points).
   */
  private static final class Checks {
    /** Guards the ratio of two sums of squares when either is zero (perfect agreement). */
    private static final double TINY = 1e-12;
    /** Origins a challenger must have been checked from before its consistency counts. */
    private static final int MIN_CONSISTENT_ORIGINS = 3;

    private final Map<CandidateModel, double[]> sums = new EnumMap<>(CandidateModel.class);
    private final Map<CandidateModel, double[]> origin = new EnumMap<>(CandidateModel.class);
    /** Per model: origins checked from, origins won against the last value. */
    private final Map<CandidateModel, int[]> record = new EnumMap<>(CandidateModel.class);

    void add(CandidateModel model, double error, double baselineError) {
      double[] s = sums.computeIfAbsent(model, m -> new double[3]);
      s[0] += error * error;
      s[1] += baselineError * baselineError;
      s[2]++;
      double[] o = origin.computeIfAbsent(model, m -> new double[2]);
      o[0] += error * error;
      o[1] += baselineError * baselineError;
    }

    /** Closes a rolling origin: every model checked from it won or lost it against the last value. */
    void endOrigin() {
      origin.forEach((model, o) -> {
        int[] r = record.computeIfAbsent(model, m -> new int[2]);
        r[0]++;
        r[1] += o[0] < o[1] ? 1 : 0;
      });
      origin.clear();
    }

    int count() {
      double[] s = sums.get(CandidateModel.LAST_VALUE);
      return s == null ? 0 : (int) s[2];
    }

    double meanSquaredError(CandidateModel model) {
      double[] s = sums.get(model);
      return s == null ? 0 : s[0] / s[2];
    }

    /** Origins {@code model} was checked from and origins it beat the last value at. */
    int[] originRecord(CandidateModel model) {
      return record.getOrDefault(model, new int[2]).clone();
    }

    /** Last value 1; another model (n / (n + n0)) * (baseline SSE / model SSE), 0 when unchecked. */
    double weight(CandidateModel model, double pseudoCount) {
      if (model == CandidateModel.LAST_VALUE) {
        return 1;
      }
      double[] s = sums.get(model);
      if (s == null) {
        return 0;
      }
      return s[2] / (s[2] + pseudoCount) * (s[1] + TINY) / (s[0] + TINY);
    }

    /**
     * The factor that keeps a consistent win: a challenger that beat the last value at every one of
     * at least {@value #MIN_CONSISTENT_ORIGINS} origins gets its shrinkage undone (the evidence is
     * not thin); the last value's weight falls to the Laplace odds (losses + 1) / (wins + 1) that it
     * is the better model when the most consistent challenger won most of its origins. 1 otherwise.
     */
    double consistency(CandidateModel model, double pseudoCount) {
      if (model == CandidateModel.LAST_VALUE) {
        double odds = 1;
        for (Map.Entry<CandidateModel, int[]> e : record.entrySet()) {
          int[] r = e.getValue();
          if (e.getKey() != CandidateModel.LAST_VALUE && r[0] >= MIN_CONSISTENT_ORIGINS) {
            odds = Math.min(odds, (r[0] - r[1] + 1.0) / (r[1] + 1.0));
          }
        }
        return odds;
      }
      int[] r = originRecord(model);
      double[] s = sums.get(model);
      return r[0] >= MIN_CONSISTENT_ORIGINS && r[1] == r[0] && s != null ? (s[2] + pseudoCount) / s[2] : 1;
    }
  }
}
