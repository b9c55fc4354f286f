package dev.entropysentinel.schemas;

/** What the monitor tells a trainer to do. */
public enum ControlAction {
  /** Change the method or its parameters (e.g. switch to KL-Cov, raise kl_coef) and go on. */
  INTERVENE,
  /** Save a checkpoint and stop: the run is not expected to gain enough to be worth its cost. */
  STOP
}
