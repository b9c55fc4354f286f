package dev.entropysentinel.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class GroupAdvantagesTest {
  @Test
  void normalisesWithinEachGroupUsingTheUnbiasedStd() {
    float[] a = GroupAdvantages.compute(new float[] {1, 0, 0, 0, 1, 1, 0, 0}, 4);
    // group 1: mean 0.25, unbiased std sqrt(0.75/3) = 0.5
    assertThat(a[0]).isCloseTo(1.5f, offset(1e-4f));
    assertThat(a[1]).isCloseTo(-0.5f, offset(1e-4f));
    // group 2: mean 0.5, std sqrt(1/3)
    assertThat(a[4]).isCloseTo((float) (0.5 / Math.sqrt(1.0 / 3)), offset(1e-4f));
    assertThat(a[6]).isCloseTo((float) (-0.5 / Math.sqrt(1.0 / 3)), offset(1e-4f));
  }

  @Test
  void aGroupWithEqualRewardsHasZeroAdvantage() {
    assertThat(GroupAdvantages.compute(new float[] {1, 1, 1}, 3)).containsOnly(0f);
  }

  @Test
  void rewardsThatDoNotSplitIntoGroupsAreRejected() {
    assertThatThrownBy(() -> GroupAdvantages.compute(new float[5], 2)).hasMessageContaining("groupSize");
  }

  @Test
  void inverseCdfPicksTheTokenWhoseCumulativeProbabilityPassesTheDraw() {
    float[] logits = {0, (float) Math.log(3), 0}; // probabilities 0.2, 0.6, 0.2
    assertThat(Sampler.inverseCdf(logits, 0, 3, 0.1)).isEqualTo(0);
    assertThat(Sampler.inverseCdf(logits, 0, 3, 0.5)).isEqualTo(1);
    assertThat(Sampler.inverseCdf(logits, 0, 3, 0.79)).isEqualTo(1);
    assertThat(Sampler.inverseCdf(logits, 0, 3, 0.81)).isEqualTo(2);
  }
}
