package dev.entropysentinel.forecaster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The state a processor stores per run, and so a changelog record, does not grow with the run.
 * An integration test only for its length: 1 000 forecasts at 30-100 ms each.
 */
class MonitorStateSizeIT {
  private final MonitorTransition transition =
      new MonitorTransition(MonitorConfig.ofDefaults(), ForecastConfig.ofDefaults());

  @Test
  void stateBytesAtStep10000AreAtMostOneAndAHalfTimesThoseAtStep100AndUnderTwoKilobytesWhateverFired() {
    MonitorState state = MonitorState.initial(30_000);
    int at100 = 0;
    int largest = 0;
    for (int t = 1; t <= 10_000; t++) {
      // entropy falls to 55% of its start (no collapse), the score keeps rising (no plateau)
      state = apply(state, new MonitorEvent.Entropy(t, 0.3 + 0.25 * Math.exp(-t / 3000.0) + 0.01 * Math.sin(t), 1_000L * t));
      if (t % 10 == 0) {
        state = apply(state, new MonitorEvent.Validation(t, 0.3 + 0.00004 * t + 0.01 * Math.cos(t), 1_000L * t));
      }
      int bytes = MonitorStateCodec.toBytes(state).length;
      largest = Math.max(largest, bytes);
      at100 = t == 100 ? bytes : at100;
    }
    int at10000 = MonitorStateCodec.toBytes(state).length;
    assertThat(state.activeDetections()).isEmpty();
    // then the entropy collapses: an active detection and a decision, with their reasons, join the state
    for (int t = 10_001; t <= 10_100; t++) {
      state = apply(state, new MonitorEvent.Entropy(t, 0.01, 1_000L * t));
      largest = Math.max(largest, MonitorStateCodec.toBytes(state).length);
    }
    int collapsed = MonitorStateCodec.toBytes(state).length;
    System.out.printf("state bytes: step 100 %d, step 10000 %d (ratio %.2f), after a collapse and its decision %d, "
        + "largest %d; %d entropy and %d validation points kept%n", at100, at10000, (double) at10000 / at100, collapsed,
        largest, state.entropyTrajectory().size(), state.validations().size());
    assertThat(state.active(DetectionType.ENTROPY_COLLAPSE)).isPresent();
    assertThat(state.decisions()).hasSize(1);
    assertThat((double) at10000 / at100).isLessThanOrEqualTo(1.5);
    assertThat(largest).isLessThan(2_048);
    assertThat(state.entropyTrajectory().size()).isLessThanOrEqualTo(MonitorState.ENTROPY_SHAPE.maxPoints());
    assertThat(state.validations().size()).isLessThanOrEqualTo(MonitorState.VALIDATION_SHAPE.maxPoints());
  }

  private MonitorState apply(MonitorState state, MonitorEvent event) {
    return transition.apply(state, event).state();
  }
}
