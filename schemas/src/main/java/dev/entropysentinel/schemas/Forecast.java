package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.finiteOrNull;
import static dev.entropysentinel.schemas.internal.Require.id;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;
import static dev.entropysentinel.schemas.internal.Require.optionalText;
import static dev.entropysentinel.schemas.internal.Require.present;
import static dev.entropysentinel.schemas.internal.Require.text;
import static dev.entropysentinel.schemas.internal.Require.version;

/**
 * A run's forecast after an update: the fit of R = −a·e^H + b (null while there are too few
 * points), the ceiling b − a, the predicted score at {@code finalStep} with a 90% interval and the
 * model that drives it, or a {@code reason} why there is no prediction yet.
 */
public record Forecast(
    String schemaVersion,
    String runId,
    long step,
    long timestampMs,
    Double a,
    Double b,
    Double r2,
    Double ceiling,
    long pointsUsed,
    long finalStep,
    Double predictedFinal,
    Double predictedLo,
    Double predictedHi,
    String model,
    Long stepsToCollapse,
    Phase phase,
    String reason) implements WireRecord {

  /** Where a run stands on its entropy curve. */
  public enum Phase { BURN_IN, LEARNING, COLLAPSING, PLATEAU, EXPLODING, UNKNOWN }

  public Forecast {
    version(schemaVersion);
    id("runId", runId);
    nonNegative("step", step);
    nonNegative("timestampMs", timestampMs);
    finiteOrNull("a", a);
    finiteOrNull("b", b);
    finiteOrNull("r2", r2);
    finiteOrNull("ceiling", ceiling);
    nonNegative("pointsUsed", pointsUsed);
    nonNegative("finalStep", finalStep);
    finiteOrNull("predictedFinal", predictedFinal);
    finiteOrNull("predictedLo", predictedLo);
    finiteOrNull("predictedHi", predictedHi);
    if (predictedFinal != null && (predictedLo == null || predictedHi == null)) {
      throw new InvalidRecordException("predictedLo", "an interval is required with predictedFinal");
    }
    if (predictedLo != null && predictedHi != null && predictedLo > predictedHi) {
      throw new InvalidRecordException("predictedLo", "must be <= predictedHi, was " + predictedLo + " > " + predictedHi);
    }
    optionalText("model", model);
    if (stepsToCollapse != null) {
      nonNegative("stepsToCollapse", stepsToCollapse);
    }
    present("phase", phase);
    if (predictedFinal == null) {
      text("reason", present("reason", reason));
    } else {
      optionalText("reason", reason);
    }
  }
}
