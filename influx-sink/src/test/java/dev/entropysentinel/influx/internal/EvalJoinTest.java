package dev.entropysentinel.influx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.influx.TestTelemetryAccess;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.SchemaVersion;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class EvalJoinTest {
  private static final TopicPartition TP = new TopicPartition("sentinel.evals", 1);
  private final EvalJoin join = new EvalJoin(1000, 10);

  @Test
  void anEvalWaitsForItsStepsEntropyAndTheFirstFitAtOrAfterItWhateverTheOrder() {
    assertThat(join.eval(eval(10), TP, 42, 0)).isEmpty();
    assertThat(join.firstOpenOffset(TP)).isEqualTo(42);
    assertThat(join.forecast(TestTelemetryAccess.forecast("r", 12, 0.4, 1.0), 1)).isEmpty();
    assertThat(join.forecast(TestTelemetryAccess.forecast("r", 11, 0.5, 1.0), 1)).isEmpty();
    var ready = join.step(MergedStep.of(TestTelemetryAccess.stats("r", 10)), 2);
    assertThat(ready).hasSize(1);
    assertThat(ready.get(0).a()).isEqualTo(0.5);
    assertThat(ready.get(0).entropy()).isEqualTo(MergedStep.of(TestTelemetryAccess.stats("r", 10)).entropyMean());
    assertThat(join.firstOpenOffset(TP)).isNull();
  }

  @Test
  void anEvalThatNeverGetsAFitIsReleasedAfterTheWait() {
    join.eval(eval(10), TP, 1, 0);
    join.step(MergedStep.of(TestTelemetryAccess.stats("r", 10)), 10);
    assertThat(join.expire(999)).isEmpty();
    var ready = join.expire(1000);
    assertThat(ready).hasSize(1);
    assertThat(ready.get(0).a()).isNull();
    assertThat(ready.get(0).entropy()).isNotNull();
  }

  private static EvalResult eval(long step) {
    return new EvalResult(SchemaVersion.CURRENT, "r", step, 1000, "gsm8k", 0.5, 10, Map.of());
  }
}
