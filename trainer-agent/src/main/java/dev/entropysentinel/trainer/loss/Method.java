package dev.entropysentinel.trainer.loss;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The policy-loss methods of science.md §3–4, by their command-line names. */
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

  /** The name on the command line and in step-stats records. */
  public String wireName() {
    return wireName;
  }

  /** Whether the surrogate is PPO-clipped (KL-Cov replaces clipping by its penalty). */
  public boolean clips() {
    return this != KL_COV;
  }

  /**
   * @throws IllegalArgumentException listing the valid names when {@code name} is unknown
   */
  public static Method parse(String name) {
    for (Method m : values()) {
      if (m.wireName.equalsIgnoreCase(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method '" + name + "', expected one of "
        + Arrays.stream(values()).map(Method::wireName).collect(Collectors.joining(", ")));
  }
}
