package dev.entropysentinel.forecaster;

import java.util.Optional;

/**
 * What the forecaster can say at a point in time: a forecast, or why it has none yet. Never both
 * absent, so a caller can always show the user something.
 *
 * @param forecast the forecast, or {@code null} while the evidence is too thin
 * @param reason why there is no forecast, or how it was made
 * @param fit the entropy law fitted on the validation points after the burn-in
 * @param burnInPoints leading validation points excluded as burn-in
 */
public record ForecastResult(Forecast forecast, String reason, EntropyLawFit fit, int burnInPoints) {

  public ForecastResult {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("forecast result needs a reason");
    }
  }

  /** The forecast if there is one. */
  public Optional<Forecast> asOptional() {
    return Optional.ofNullable(forecast);
  }
}
