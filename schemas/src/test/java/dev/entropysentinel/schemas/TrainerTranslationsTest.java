package dev.entropysentinel.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerTranslationsTest {
  @Test
  void klCovTranslatesToVerlPolicyLossOverrides() {
    TrainerTranslations.Translation t = TrainerTranslations.verl(ControlParameters.klCov(0.002, 1));
    assertThat(t.overrides()).containsExactly(
        "actor_rollout_ref.actor.policy_loss.ppo_kl_coef=1.0",
        "actor_rollout_ref.actor.policy_loss.kl_cov_ratio=0.002",
        "actor_rollout_ref.actor.policy_loss.loss_mode=kl_cov");
    assertThat(t.unsupported()).isEmpty();
  }

  @Test
  void whatTrlCannotExpressIsListedNotDropped() {
    TrainerTranslations.Translation t = TrainerTranslations.trl(Map.of("method", "kl-cov", "klCoef", "1", "epsHigh", "0.28"));
    assertThat(t.overrides()).containsExactly("epsilon_high=0.28");
    assertThat(t.unsupported()).containsExactly("klCoef=1", "method=kl-cov");
  }
}
