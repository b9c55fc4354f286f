package dev.entropysentinel.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.trainer.model.Engines;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default model and tasks under GRPO for a few dozen steps: entropy falls, accuracy rises. */
class GrpoTrainingIT {
  @Test
  void grpoCollapsesEntropyWhileValidationAccuracyRises() throws Exception {
    Engines.pytorch(2);
    TrainerConfig config = TrainerConfig.builder().runId("it-grpo").steps(30).evalEvery(30).evalSize(128).build();
    RecordingSink sink = new RecordingSink();
    Training.run(config, Device.cpu(), sink, Clock.systemUTC(), null);
    List<StepStats> steps = sink.steps;
    List<EvalResult> evals = sink.evals;

    assertThat(steps).hasSize(30);
    double first = steps.get(0).entropyMean();
    double last = steps.subList(25, 30).stream().mapToDouble(StepStats::entropyMean).average().orElseThrow();
    assertThat(last).as("entropy of the last 5 steps vs step 0 (%s)", first).isLessThan(0.6 * first);
    assertThat(evals).hasSize(2);
    assertThat(evals.get(1).score()).as("validation mean@4 after vs before").isGreaterThan(evals.get(0).score() + 0.1);
    assertThat(steps).allSatisfy(s -> assertThat(s.entropyChangePredicted()).isFinite());
  }
}
