package dev.entropysentinel.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import dev.entropysentinel.trainer.loss.SteerMode;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {
  @Test
  void groupSizeOfOneIsRejectedNamingTheKeyAndValue() {
    assertThatThrownBy(() -> TrainerConfig.builder().groupSize(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trainer.groupSize must be >= 2, was 1");
  }

  @Test
  void entropyChangeSampleIsAFractionOfTheResponses() {
    assertThatThrownBy(() -> TrainerConfig.builder().entropyChangeSample(0).build())
        .hasMessage("trainer.entropyChangeSample must be a fraction in (0, 1], was 0.0");
    assertThat(TrainerConfig.builder().build().entropyChangeRows()).isEqualTo(8);
    assertThat(TrainerConfig.builder().entropyChangeSample(0.001).build().entropyChangeRows()).isEqualTo(1);
  }

  @Test
  void headsMustDivideTheModelWidth() {
    assertThatThrownBy(() -> TrainerConfig.builder().modelDim(30).heads(4).build()).hasMessageStartingWith("model.heads");
  }

  @Test
  void ratiosAreFractionsNotPercentages() {
    assertThatThrownBy(() -> LossConfig.builder(Method.KL_COV).klCovRatio(20).build())
        .hasMessage("trainer.loss.klCovRatio must be a fraction in (0, 1], was 20.0");
  }

  @Test
  void methodDefaultsFollowTheScience() {
    assertThat(LossConfig.defaults(Method.GRPO).epsHigh()).isEqualTo(0.2);
    assertThat(LossConfig.defaults(Method.CLIP_HIGHER).epsHigh()).isEqualTo(0.28);
    LossConfig clipCov = LossConfig.defaults(Method.CLIP_COV);
    assertThat(new double[] {clipCov.epsLow(), clipCov.epsHigh(), clipCov.clipCovRatio(), clipCov.clipCovLb(), clipCov.clipCovUb()})
        .containsExactly(1, 1, 2e-4, 1, 5);
    LossConfig klCov = LossConfig.defaults(Method.KL_COV);
    assertThat(new double[] {klCov.klCovRatio(), klCov.klCoef()}).containsExactly(2e-3, 1);
    assertThat(LossConfig.defaults(Method.STEER).steerWMax()).isEqualTo(1.0);
    assertThat(LossConfig.builder(Method.STEER).steerMode(SteerMode.LINEAR).build().steerWMax()).isEqualTo(1.2);
    assertThat(LossConfig.defaults(Method.REF_KL).refKlCoef()).isEqualTo(1e-3);
  }

  @Test
  void exponentialSteerRejectsAnUpperWeightOtherThanOne() {
    assertThatThrownBy(() -> LossConfig.builder(Method.STEER).steerWMax(1.2).build()).hasMessageStartingWith("trainer.loss.steerWMax");
  }

  @Test
  void methodParamsReportOnlyTheMethodsOwnParameters() {
    assertThat(LossConfig.defaults(Method.KL_COV).methodParams()).containsOnlyKeys("klCovRatio", "klCoef");
    assertThat(LossConfig.defaults(Method.GRPO).methodParams()).containsOnlyKeys("epsLow", "epsHigh");
  }
}
