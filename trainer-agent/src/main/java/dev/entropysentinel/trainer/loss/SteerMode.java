package dev.entropysentinel.trainer.loss;

/** How STEER maps the entropy-change influence |Ω| to a token weight (science.md §3). */
public enum SteerMode {
  LINEAR,
  EXPONENTIAL
}
