package dev.entropysentinel.schemas;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one vocabulary of INTERVENE parameters: the keys and values of
 * {@link ControlCommand#parameters()}, spelled as the built-in trainer's flags are (method
 * {@code kl-cov}, key {@code klCovRatio} for {@code --kl-cov-ratio}). The decision policy writes
 * it, the wire mapping signs it, the trainer applies it and the sidecar translates it
 * ({@link TrainerTranslations}); none of them spells a parameter on its own.
 */
public final class ControlParameters {
  /** The key whose value names the method to switch to ({@link Method#wireName()}). */
  public static final String METHOD = "method";

  private ControlParameters() {}

  /** RL objectives a trainer can switch between (science.md), by their wire names. */
  public enum Method {
    GRPO("grpo"),
    CLIP_HIGHER("clip-higher"),
    CLIP_COV("clip-cov"),
    KL_COV("kl-cov"),
    STEER("steer"),
    ENTROPY_BONUS("entropy-bonus"),
    REF_KL("ref-kl"),
    ADAPTIVE_ENTROPY("adaptive-entropy"),
    FORKING_TOKENS("forking-tokens");

    private final String wireName;

    Method(String wireName) {
      this.wireName = wireName;
    }

    /** The name on the command line, in step-stats records and in commands. */
    public String wireName() {
      return wireName;
    }

    /** The method of a wire name, if it is one. */
    public static Optional<Method> fromWire(String name) {
      return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
    }

    /** Every wire name, comma-separated, for error messages. */
    public static String names() {
      return Arrays.stream(values()).map(Method::wireName).collect(Collectors.joining(", "));
    }
  }

  /** Numeric method parameters a command may set; values are decimal strings. */
  public enum Parameter {
    EPS_LOW("epsLow"),
    EPS_HIGH("epsHigh"),
    CLIP_COV_RATIO("clipCovRatio"),
    CLIP_COV_LB("clipCovLb"),
    CLIP_COV_UB("clipCovUb"),
    KL_COV_RATIO("klCovRatio"),
    KL_COEF("klCoef"),
    STEER_W_MIN("steerWMin"),
    STEER_W_MAX("steerWMax"),
    ENTROPY_COEF("entropyCoef"),
    REF_KL_COEF("refKlCoef"),
    TARGET_ENTROPY("targetEntropy"),
    ENTROPY_COEF_DELTA("entropyCoefDelta"),
    ENTROPY_COEF_MAX("entropyCoefMax"),
    FORKING_RHO("forkingRho");

    private final String key;

    Parameter(String key) {
      this.key = key;
    }

    /** The key in {@link ControlCommand#parameters()} and in step-stats {@code methodParams}. */
    public String key() {
      return key;
    }

    /** The built-in trainer's flag for it: {@code klCovRatio} → {@code --kl-cov-ratio}. */
    public String flag() {
      return "--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }

    /** The parameter of a key, if it is one. */
    public static Optional<Parameter> fromKey(String key) {
      return Arrays.stream(values()).filter(p -> p.key.equals(key)).findFirst();
    }

    /** Every key, comma-separated, for error messages. */
    public static String keys() {
      return Arrays.stream(values()).map(Parameter::key).collect(Collectors.joining(", "));
    }
  }

  /**
   * Checks that every key is {@link #METHOD} or a {@link Parameter}, the method a known one and
   * every parameter value a finite number.
   *
   * @return an unmodifiable copy
   * @throws InvalidRecordException naming {@code parameters.<key>} and the problem
   */
  public static Map<String, String> validated(Map<String, String> parameters) {
    if (parameters == null) {
      return Map.of();
    }
    parameters.forEach((key, value) -> {
      String field = "parameters." + key;
      if (value == null) {
        throw new InvalidRecordException(field, "is required");
      }
      if (METHOD.equals(key)) {
        if (Method.fromWire(value).isEmpty()) {
          throw new InvalidRecordException(field, "unknown method \"" + abbreviate(value) + "\"; known: " + Method.names());
        }
        return;
      }
      if (Parameter.fromKey(key).isEmpty()) {
        throw new InvalidRecordException(field, "unknown parameter; known: " + METHOD + ", " + Parameter.keys());
      }
      double number;
      try {
        number = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new InvalidRecordException(field, "must be a finite number, was \"" + abbreviate(value) + "\"");
      }
      if (!Double.isFinite(number)) {
        throw new InvalidRecordException(field, "must be a finite number, was " + value);
      }
    });
    return Map.copyOf(parameters);
  }

  /** The changes that switch a run to KL-Cov with the given ratio (a fraction) and coefficient. */
  public static Map<String, String> klCov(double klCovRatio, double klCoef) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(METHOD, Method.KL_COV.wireName());
    p.put(Parameter.KL_COV_RATIO.key(), Double.toString(klCovRatio));
    p.put(Parameter.KL_COEF.key(), Double.toString(klCoef));
    return Map.copyOf(p);
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
