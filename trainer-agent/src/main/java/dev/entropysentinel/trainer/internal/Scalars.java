package dev.entropysentinel.trainer.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Scalars for differentiable ops. DJL's {@code NDArray.mul(Number)} (likewise {@code add}, {@code
 * sub}, {@code div}) wraps the number in a tensor over a Java direct buffer, runs the op and closes
 * that wrapper at once; autograd keeps the tensor for the backward pass, so a garbage collection
 * between forward and backward frees its memory and the backward multiplies by whatever lies there
 * then. That was the trainer's "gradient norm is Infinity / NaN" (skipped updates), and, when the
 * garbage happened to be finite, silently wrong gradients that made same-seed runs differ with GC
 * timing. A scalar from here belongs to {@code manager} (the step's), which outlives the backward.
 */
public final class Scalars {
  private Scalars() {}

  /** {@code value} as a 0-d array owned by {@code manager}; use it instead of a {@code Number} argument. */
  public static NDArray of(NDManager manager, float value) {
    return manager.create(value);
  }
}
