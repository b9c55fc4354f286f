package dev.entropysentinel.forecaster;

/** The conditions the monitor watches for (science.md sections 1 and 5). */
public enum DetectionType {
  /** Entropy fell below a fraction of its starting level: the run is trading away exploration. */
  ENTROPY_COLLAPSE,
  /** Entropy rose well above its lowest level and kept rising, e.g. after clip-higher or truncation. */
  ENTROPY_EXPLOSION,
  /** The forecast says the gain still to come is below the minimum, even at its upper bound. */
  PLATEAU,
  /** New validations keep missing the entropy law: the law does not hold for this run. */
  FIT_BROKEN,
  /** No record arrived for longer than the silence timeout. */
  SILENT_RUN
}
