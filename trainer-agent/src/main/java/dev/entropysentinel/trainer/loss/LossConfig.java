package dev.entropysentinel.trainer.loss;

import static dev.entropysentinel.trainer.internal.Check.fraction;
import static dev.entropysentinel.trainer.internal.Check.nonNegative;
import static dev.entropysentinel.trainer.internal.Check.positive;
import static dev.entropysentinel.trainer.internal.Check.present;

import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.schemas.ControlParameters.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The policy-loss method and its parameters, with the defaults and units of science.md. Every
 * ratio is a fraction of the valid tokens (0.002 = 0.2%), never a percentage. Build with {@link
 * #builder(Method)}, which starts from the method's defaults.
 *
 * @param epsLow PPO clip below: ratio &gt;= 1 - epsLow
 * @param epsHigh PPO clip above: ratio &lt;= 1 + epsHigh
 * @param clipCovRatio Clip-Cov: fraction of valid tokens detached
 * @param clipCovLb Clip-Cov: covariance lower bound (exclusive)
 * @param clipCovUb Clip-Cov: covariance upper bound (exclusive)
 * @param klCovRatio KL-Cov: fraction of valid tokens penalised (top covariance)
 * @param klCoef KL-Cov: coefficient of |logp - old_logp|
 * @param steerMode STEER weighting
 * @param steerWMin STEER: smallest weight
 * @param steerWMax STEER: largest weight (linear mode; exponential caps at 1)
 * @param entropyCoef entropy bonus α (entropy-bonus), or the starting α (adaptive-entropy)
 * @param refKlCoef reference-KL β
 * @param targetEntropy adaptive-entropy target (nats, token mean)
 * @param entropyCoefDelta adaptive-entropy step δ of α per training step
 * @param entropyCoefMax adaptive-entropy upper bound of α
 * @param forkingRho forking tokens: fraction of highest-entropy tokens that get gradient
 */
public record LossConfig(
    Method method,
    double epsLow,
    double epsHigh,
    double clipCovRatio,
    double clipCovLb,
    double clipCovUb,
    double klCovRatio,
    double klCoef,
    SteerMode steerMode,
    double steerWMin,
    double steerWMax,
    double entropyCoef,
    double refKlCoef,
    double targetEntropy,
    double entropyCoefDelta,
    double entropyCoefMax,
    double forkingRho) {

  public LossConfig {
    present("trainer.loss.method", method);
    present("trainer.loss.steerMode", steerMode);
    nonNegative("trainer.loss.epsLow", epsLow);
    if (epsLow > 1) {
      throw new IllegalArgumentException("trainer.loss.epsLow must be <= 1, was " + epsLow);
    }
    nonNegative("trainer.loss.epsHigh", epsHigh);
    fraction("trainer.loss.clipCovRatio", clipCovRatio);
    if (!(clipCovLb < clipCovUb)) {
      throw new IllegalArgumentException("trainer.loss.clipCovLb must be < trainer.loss.clipCovUb (" + clipCovUb + "), was " + clipCovLb);
    }
    fraction("trainer.loss.klCovRatio", klCovRatio);
    nonNegative("trainer.loss.klCoef", klCoef);
    fraction("trainer.loss.steerWMin", steerWMin);
    positive("trainer.loss.steerWMax", steerWMax);
    if (steerMode == SteerMode.LINEAR && !(steerWMin < steerWMax)) {
      throw new IllegalArgumentException("trainer.loss.steerWMin must be < trainer.loss.steerWMax (" + steerWMax + "), was " + steerWMin);
    }
    if (steerMode == SteerMode.EXPONENTIAL && steerWMax != 1) {
      throw new IllegalArgumentException("trainer.loss.steerWMax must be 1 in exponential mode (weights are capped at 1), was " + steerWMax);
    }
    nonNegative("trainer.loss.entropyCoef", entropyCoef);
    nonNegative("trainer.loss.refKlCoef", refKlCoef);
    nonNegative("trainer.loss.targetEntropy", targetEntropy);
    nonNegative("trainer.loss.entropyCoefDelta", entropyCoefDelta);
    nonNegative("trainer.loss.entropyCoefMax", entropyCoefMax);
    if (method == Method.ADAPTIVE_ENTROPY && entropyCoef > entropyCoefMax) {
      throw new IllegalArgumentException("trainer.loss.entropyCoef must be <= trainer.loss.entropyCoefMax (" + entropyCoefMax + "), was " + entropyCoef);
    }
    fraction("trainer.loss.forkingRho", forkingRho);
  }

  /** A builder holding {@code method}'s defaults. */
  public static Builder builder(Method method) {
    return new Builder(method);
  }

  public static LossConfig defaults(Method method) {
    return builder(method).build();
  }

  /** The parameters that matter for this method, as reported in step-stats {@code methodParams}. */
  public Map<String, Double> methodParams() {
    Map<String, Double> p = new LinkedHashMap<>();
    if (method.clips()) {
      p.put(Parameter.EPS_LOW.key(), epsLow);
      p.put(Parameter.EPS_HIGH.key(), epsHigh);
    }
    switch (method) {
      case CLIP_COV -> {
        p.put(Parameter.CLIP_COV_RATIO.key(), clipCovRatio);
        p.put(Parameter.CLIP_COV_LB.key(), clipCovLb);
        p.put(Parameter.CLIP_COV_UB.key(), clipCovUb);
      }
      case KL_COV -> {
        p.put(Parameter.KL_COV_RATIO.key(), klCovRatio);
        p.put(Parameter.KL_COEF.key(), klCoef);
      }
      case STEER -> {
        p.put("steerExponential", steerMode == SteerMode.EXPONENTIAL ? 1.0 : 0.0);
        p.put(Parameter.STEER_W_MIN.key(), steerWMin);
        p.put(Parameter.STEER_W_MAX.key(), steerWMax);
      }
      case ENTROPY_BONUS -> p.put(Parameter.ENTROPY_COEF.key(), entropyCoef);
      case REF_KL -> p.put(Parameter.REF_KL_COEF.key(), refKlCoef);
      case ADAPTIVE_ENTROPY -> {
        p.put(Parameter.TARGET_ENTROPY.key(), targetEntropy);
        p.put(Parameter.ENTROPY_COEF_DELTA.key(), entropyCoefDelta);
        p.put(Parameter.ENTROPY_COEF_MAX.key(), entropyCoefMax);
      }
      case FORKING_TOKENS -> p.put(Parameter.FORKING_RHO.key(), forkingRho);
      default -> { }
    }
    return p;
  }

  /**
   * This configuration changed by a control command's parameters (the {@link ControlParameters}
   * vocabulary, already {@linkplain ControlParameters#validated validated}): a new method starts
   * from that method's defaults, the same method from the current values; then each given
   * parameter is set.
   *
   * @throws IllegalArgumentException naming the key and value when the result is invalid
   */
  public LossConfig with(Map<String, String> parameters) {
    String methodName = parameters.get(ControlParameters.METHOD);
    Method next = methodName == null ? method : Method.of(ControlParameters.Method.fromWire(methodName)
        .orElseThrow(() -> new IllegalArgumentException("parameters.method: unknown method " + methodName)));
    Builder b = next == method ? toBuilder() : builder(next);
    parameters.forEach((key, value) -> {
      if (!ControlParameters.METHOD.equals(key)) {
        Parameter p = Parameter.fromKey(key)
            .orElseThrow(() -> new IllegalArgumentException("parameters." + key + ": unknown parameter"));
        b.set(p, Double.parseDouble(value));
      }
    });
    return b.build();
  }

  /** A builder holding every current value. */
  public Builder toBuilder() {
    Builder b = new Builder(method).steerMode(steerMode).steerWMax(steerWMax);
    for (Parameter p : Parameter.values()) {
      b.set(p, value(p));
    }
    return b;
  }

  /** The current value of a vocabulary parameter. */
  public double value(Parameter p) {
    return switch (p) {
      case EPS_LOW -> epsLow;
      case EPS_HIGH -> epsHigh;
      case CLIP_COV_RATIO -> clipCovRatio;
      case CLIP_COV_LB -> clipCovLb;
      case CLIP_COV_UB -> clipCovUb;
      case KL_COV_RATIO -> klCovRatio;
      case KL_COEF -> klCoef;
      case STEER_W_MIN -> steerWMin;
      case STEER_W_MAX -> steerWMax;
      case ENTROPY_COEF -> entropyCoef;
      case REF_KL_COEF -> refKlCoef;
      case TARGET_ENTROPY -> targetEntropy;
      case ENTROPY_COEF_DELTA -> entropyCoefDelta;
      case ENTROPY_COEF_MAX -> entropyCoefMax;
      case FORKING_RHO -> forkingRho;
    };
  }

  /** Optional settings start at the method's defaults; {@link #build()} validates them all. */
  public static final class Builder {
    private final Method method;
    private double epsLow = 0.2;
    private double epsHigh = 0.2;
    private double clipCovRatio = 2e-4;
    private double clipCovLb = 1;
    private double clipCovUb = 5;
    private double klCovRatio = 2e-3;
    private double klCoef = 1;
    private SteerMode steerMode = SteerMode.EXPONENTIAL;
    private double steerWMin = 0.8;
    private Double steerWMax;
    private double entropyCoef;
    private double refKlCoef = 1e-3;
    private double targetEntropy = 0.2;
    private double entropyCoefDelta = 1e-4;
    private double entropyCoefMax = 0.01;
    private double forkingRho = 0.2;

    private Builder(Method method) {
      this.method = present("trainer.loss.method", method);
      switch (method) {
        case CLIP_HIGHER -> epsHigh = 0.28;
        case CLIP_COV -> {
          epsLow = 1;
          epsHigh = 1;
        }
        case ENTROPY_BONUS -> entropyCoef = 0.005;
        default -> { }
      }
    }

    /** The method this builder builds (fixed at {@link #builder(Method)}). */
    public Method method() { return method; }

    public Builder epsLow(double v) { epsLow = v; return this; }
    public Builder epsHigh(double v) { epsHigh = v; return this; }
    public Builder clipCovRatio(double v) { clipCovRatio = v; return this; }
    public Builder clipCovLb(double v) { clipCovLb = v; return this; }
    public Builder clipCovUb(double v) { clipCovUb = v; return this; }
    public Builder klCovRatio(double v) { klCovRatio = v; return this; }
    public Builder klCoef(double v) { klCoef = v; return this; }
    public Builder steerMode(SteerMode v) { steerMode = v; return this; }
    public Builder steerWMin(double v) { steerWMin = v; return this; }
    public Builder steerWMax(double v) { steerWMax = v; return this; }
    public Builder entropyCoef(double v) { entropyCoef = v; return this; }
    public Builder refKlCoef(double v) { refKlCoef = v; return this; }
    public Builder targetEntropy(double v) { targetEntropy = v; return this; }
    public Builder entropyCoefDelta(double v) { entropyCoefDelta = v; return this; }
    public Builder entropyCoefMax(double v) { entropyCoefMax = v; return this; }
    public Builder forkingRho(double v) { forkingRho = v; return this; }

    /** Sets a vocabulary parameter. */
    public Builder set(Parameter p, double v) {
      return switch (p) {
        case EPS_LOW -> epsLow(v);
        case EPS_HIGH -> epsHigh(v);
        case CLIP_COV_RATIO -> clipCovRatio(v);
        case CLIP_COV_LB -> clipCovLb(v);
        case CLIP_COV_UB -> clipCovUb(v);
        case KL_COV_RATIO -> klCovRatio(v);
        case KL_COEF -> klCoef(v);
        case STEER_W_MIN -> steerWMin(v);
        case STEER_W_MAX -> steerWMax(v);
        case ENTROPY_COEF -> entropyCoef(v);
        case REF_KL_COEF -> refKlCoef(v);
        case TARGET_ENTROPY -> targetEntropy(v);
        case ENTROPY_COEF_DELTA -> entropyCoefDelta(v);
        case ENTROPY_COEF_MAX -> entropyCoefMax(v);
        case FORKING_RHO -> forkingRho(v);
      };
    }

    /** @throws IllegalArgumentException naming the key and value of the first invalid setting */
    public LossConfig build() {
      double wMax = steerWMax != null ? steerWMax : steerMode == SteerMode.LINEAR ? 1.2 : 1.0;
      return new LossConfig(method, epsLow, epsHigh, clipCovRatio, clipCovLb, clipCovUb, klCovRatio, klCoef,
          steerMode, steerWMin, wMax, entropyCoef, refKlCoef, targetEntropy, entropyCoefDelta, entropyCoefMax, forkingRho);
    }
  }
}
