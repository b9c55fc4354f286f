package dev.entropysentinel.trainer.loss;

import dev.entropysentinel.schemas.ControlParameters;

/**
 * The policy-loss methods of science.md §3–4. Their names are the schemas vocabulary's ({@link
 * ControlParameters.Method}), so a control command's {@code method=kl-cov} and {@code --method
 * kl-cov} are one spelling.
 */
public enum Method {
  GRPO(ControlParameters.Method.GRPO),
  CLIP_HIGHER(ControlParameters.Method.CLIP_HIGHER),
  CLIP_COV(ControlParameters.Method.CLIP_COV),
  KL_COV(ControlParameters.Method.KL_COV),
  STEER(ControlParameters.Method.STEER),
  ENTROPY_BONUS(ControlParameters.Method.ENTROPY_BONUS),
  REF_KL(ControlParameters.Method.REF_KL),
  ADAPTIVE_ENTROPY(ControlParameters.Method.ADAPTIVE_ENTROPY),
  FORKING_TOKENS(ControlParameters.Method.FORKING_TOKENS);

  private final ControlParameters.Method wire;

  Method(ControlParameters.Method wire) {
    this.wire = wire;
  }

  /** The name on the command line, in step-stats records and in control commands. */
  public String wireName() {
    return wire.wireName();
  }

  /** Whether the surrogate is PPO-clipped (KL-Cov replaces clipping by its penalty). */
  public boolean clips() {
    return this != KL_COV;
  }

  /** The trainer's method for a vocabulary method. */
  public static Method of(ControlParameters.Method wire) {
    for (Method m : values()) {
      if (m.wire == wire) {
        return m;
      }
    }
    throw new IllegalArgumentException("the trainer has no method for " + wire.wireName());
  }

  /**
   * @throws IllegalArgumentException listing the valid names when {@code name} is unknown
   */
  public static Method parse(String name) {
    for (Method m : values()) {
      if (m.wireName().equalsIgnoreCase(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method '" + name + "', expected one of " + ControlParameters.Method.names());
  }
}
