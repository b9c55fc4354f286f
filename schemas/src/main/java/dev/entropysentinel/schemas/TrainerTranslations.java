package dev.entropysentinel.schemas;

import dev.entropysentinel.schemas.ControlParameters.Method;
import dev.entropysentinel.schemas.ControlParameters.Parameter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one table from the {@link ControlParameters} vocabulary to other trainers' configuration
 * overrides. External trainers cannot switch their loss live, so the sidecar shows these overrides
 * to the user (to resume with) instead of applying them.
 */
public final class TrainerTranslations {
  private static final String VERL_LOSS = "actor_rollout_ref.actor.policy_loss.";
  private static final String VERL_ACTOR = "actor_rollout_ref.actor.";

  private static final Map<Method, String> VERL_METHODS = new EnumMap<>(Map.of(
      Method.GRPO, "vanilla", Method.CLIP_HIGHER, "vanilla", Method.CLIP_COV, "clip_cov", Method.KL_COV, "kl_cov"));
  private static final Map<Parameter, String> VERL_PARAMETERS = new EnumMap<>(Map.of(
      Parameter.CLIP_COV_RATIO, VERL_LOSS + "clip_cov_ratio",
      Parameter.CLIP_COV_LB, VERL_LOSS + "clip_cov_lb",
      Parameter.CLIP_COV_UB, VERL_LOSS + "clip_cov_ub",
      Parameter.KL_COV_RATIO, VERL_LOSS + "kl_cov_ratio",
      Parameter.KL_COEF, VERL_LOSS + "ppo_kl_coef",
      Parameter.EPS_LOW, VERL_ACTOR + "clip_ratio_low",
      Parameter.EPS_HIGH, VERL_ACTOR + "clip_ratio_high",
      Parameter.ENTROPY_COEF, VERL_ACTOR + "entropy_coeff",
      Parameter.REF_KL_COEF, VERL_ACTOR + "kl_loss_coef"));

  /** TRL's GRPOConfig: clipping bounds, the reference KL beta; no covariance-based losses. */
  private static final Map<Parameter, String> TRL_PARAMETERS = new EnumMap<>(Map.of(
      Parameter.EPS_LOW, "epsilon", Parameter.EPS_HIGH, "epsilon_high", Parameter.REF_KL_COEF, "beta"));
  private static final Map<Method, String> TRL_METHODS = new EnumMap<>(Map.of(
      Method.GRPO, "grpo", Method.CLIP_HIGHER, "grpo"));

  private TrainerTranslations() {}

  /**
   * The overrides for one trainer; what it cannot express is listed, not dropped.
   *
   * @param trainer {@code verl} or {@code trl}
   * @param overrides {@code key=value} settings, in a stable order
   * @param unsupported vocabulary entries this trainer has no setting for
   */
  public record Translation(String trainer, List<String> overrides, List<String> unsupported) {
    public Translation {
      overrides = List.copyOf(overrides);
      unsupported = List.copyOf(unsupported);
    }
  }

  /** verl overrides, e.g. {@code actor_rollout_ref.actor.policy_loss.loss_mode=kl_cov}. */
  public static Translation verl(Map<String, String> parameters) {
    return translate("verl", parameters, VERL_METHODS, VERL_LOSS + "loss_mode", VERL_PARAMETERS);
  }

  /** TRL GRPOConfig fields, e.g. {@code epsilon_high=0.28}. */
  public static Translation trl(Map<String, String> parameters) {
    return translate("trl", parameters, TRL_METHODS, null, TRL_PARAMETERS);
  }

  private static Translation translate(String trainer, Map<String, String> parameters, Map<Method, String> methods,
      String methodKey, Map<Parameter, String> keys) {
    List<String> overrides = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    new TreeMap<>(ControlParameters.validated(parameters)).forEach((key, value) -> {
      if (ControlParameters.METHOD.equals(key)) {
        String name = methods.get(Method.fromWire(value).orElseThrow());
        if (name == null) {
          unsupported.add(key + "=" + value);
        } else if (methodKey != null) {
          overrides.add(methodKey + "=" + name);
        }
        return;
      }
      String name = keys.get(Parameter.fromKey(key).orElseThrow());
      if (name == null) {
        unsupported.add(key + "=" + value);
      } else {
        overrides.add(name + "=" + value);
      }
    });
    return new Translation(trainer, overrides, unsupported);
  }
}
