package dev.entropysentinel.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.entropysentinel.trainer.LearningRateSchedule.Shape;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  @Test
  void warmupRisesLinearlyToThePeak() {
    LearningRateSchedule s = new LearningRateSchedule(Shape.COSINE, 1e-3, 4, 0.1, 100);
    assertThat(s.at(0)).isCloseTo(2.5e-4, within(1e-12));
    assertThat(s.at(3)).isCloseTo(1e-3, within(1e-12));
    assertThat(s.at(4)).isCloseTo(1e-3, within(1e-12));
  }

  @Test
  void cosineAndLinearEndAtTheFloorOnTheLastStepAndStayThere() {
    for (Shape shape : new Shape[] {Shape.COSINE, Shape.LINEAR}) {
      LearningRateSchedule s = new LearningRateSchedule(shape, 1e-3, 5, 0.1, 106);
      assertThat(s.at(105)).isCloseTo(1e-4, within(1e-12));
      assertThat(s.at(500)).isCloseTo(1e-4, within(1e-12));
    }
    assertThat(new LearningRateSchedule(Shape.COSINE, 1e-3, 5, 0.1, 106).at(55)).isCloseTo(5.5e-4, within(1e-12));
    assertThat(new LearningRateSchedule(Shape.LINEAR, 1e-3, 5, 0.1, 106).at(55)).isCloseTo(5.5e-4, within(1e-12));
    assertThat(new LearningRateSchedule(Shape.COSINE, 1e-3, 5, 0.1, 106).at(30)).isGreaterThan(new LearningRateSchedule(Shape.LINEAR, 1e-3, 5, 0.1, 106).at(30));
  }

  @Test
  void constantKeepsThePeakAfterTheWarmup() {
    LearningRateSchedule s = new LearningRateSchedule(Shape.CONSTANT, 5e-4, 0, 0.1, 10);
    assertThat(s.at(0)).isEqualTo(5e-4);
    assertThat(s.at(9)).isEqualTo(5e-4);
  }

  @Test
  void aFloorAboveOneIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> TrainerConfig.builder().lrFloor(1.5).build())
        .hasMessage("trainer.lrFloor must be a fraction in (0, 1], was 1.5");
  }
}
