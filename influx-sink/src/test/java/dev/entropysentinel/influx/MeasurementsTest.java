package dev.entropysentinel.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entropysentinel.influx.internal.MergedStep;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MeasurementsTest {
  @Test
  void topGroupFieldsNameThePercentOfTokens() {
    assertThat(Measurements.topGroupField(0.0002)).isEqualTo("covTop_0_02");
    assertThat(Measurements.topGroupField(0.2)).isEqualTo("covTop_20");
    assertThat(Measurements.topGroupField(1.0)).isEqualTo("covTop_100");
  }

  @Test
  void aStepIsOneLineWithTagsDoublesAndMillisecondTime() {
    String line = Measurements.step(MergedStep.of(TestTelemetry.stats("run a", 3, 0, 1, "kl-cov"))).lineProtocol(
        java.util.concurrent.TimeUnit.MILLISECONDS);
    assertThat(line).startsWith("step,host=gpu-0,method=kl-cov,run=run\\ a ").contains("ranks=1.0", "step=3.0", "covTop_0_02=5.0")
        .endsWith(" " + (TestTelemetry.T0 + 3000));
  }

  @Test
  void replaysOfARecordGiveTheSamePoint() {
    assertThat(Measurements.forecast(TestTelemetry.forecast("r", 7)).lineProtocol())
        .isEqualTo(Measurements.forecast(TestTelemetry.forecast("r", 7)).lineProtocol());
  }

  @Test
  void configNamesTheBadKey() {
    assertThatThrownBy(() -> InfluxSinkConfig.of("localhost:8086", "db")).hasMessageStartingWith("influx.url must be");
    assertThatThrownBy(() -> InfluxSinkConfig.of("http://x", "db").withBatchSize(10).withBufferCapacity(5))
        .hasMessage("influx.bufferCapacity must be >= batchSize (10), was 5");
    assertThatThrownBy(() -> InfluxSinkConfig.of("http://x", "db").withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("influx.maxBackoff must be >= initialBackoff (2000 ms), was 1000 ms");
  }

  @Test
  void fieldsTheSourceDidNotMeasureAreLeftOutNotWrittenAsZero() {
    dev.entropysentinel.schemas.StepStats s = TestTelemetry.stats("run a", 3, 0, 1, "kl-cov");
    dev.entropysentinel.schemas.StepStats fromALog = new dev.entropysentinel.schemas.StepStats(s.schemaVersion(), s.runId(), s.host(),
        s.rank(), s.worldSize(), s.step(), s.timestampMs(), s.method(), s.methodParams(), 1, 0.4, 1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0,
        dev.entropysentinel.schemas.Covariance.empty(), 0, 0, 0, 0, 0,
        java.util.List.of("correctCount", "covariance", "responseLengthSum", "entropyChangeMeasured"));
    String line = Measurements.step(MergedStep.of(fromALog)).lineProtocol(java.util.concurrent.TimeUnit.MILLISECONDS);
    assertThat(line).contains("entropy=0.4", "reward=0.5", "kl=0.0")
        .doesNotContain("accuracy=", "covMean=", "covTop_", "responseLength=", "dhMeasured=");
  }
}
