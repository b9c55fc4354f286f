package dev.entropysentinel.influx;

import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;

/** {@link TestTelemetry} for tests in other packages. */
public final class TestTelemetryAccess {
  private TestTelemetryAccess() {}

  public static StepStats stats(String run, long step) {
    return TestTelemetry.stats(run, step, 0, 1, "grpo");
  }

  public static Forecast forecast(String run, long step, double a, double b) {
    return new Forecast(SchemaVersion.CURRENT, run, step, 1000 + step, a, b, 0.9, b - a, step, 100, b - a, b - a - 0.1,
        b - a + 0.05, "entropy-law", null, Forecast.Phase.LEARNING, null);
  }
}
