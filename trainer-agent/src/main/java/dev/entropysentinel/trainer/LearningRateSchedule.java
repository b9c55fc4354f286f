package dev.entropysentinel.trainer;

import static dev.entropysentinel.trainer.internal.Check.atLeast;
import static dev.entropysentinel.trainer.internal.Check.fraction;
import static dev.entropysentinel.trainer.internal.Check.positive;
import static dev.entropysentinel.trainer.internal.Check.present;

/**
 * The RL learning rate per step: linear warmup from {@code peak / warmupSteps} to {@code peak}
 * over the first {@code warmupSteps} steps, then a decay to {@code floor · peak} at the last step
 * ({@code totalSteps - 1}). A constant rate late in a run keeps pushing a policy whose entropy has
 * collapsed, and validation swings; decaying it lets accuracy saturate, as the entropy–performance
 * law describes.
 *
 * @param shape how the rate falls after the warmup
 * @param peak the largest rate ({@code --lr})
 * @param warmupSteps steps of linear warmup (0: start at the peak)
 * @param floor the last step's rate as a fraction of the peak (1 = no decay)
 * @param totalSteps the run's steps; the decay ends at the last one
 */
public record LearningRateSchedule(Shape shape, double peak, int warmupSteps, double floor, int totalSteps) {

  /** How the rate falls after the warmup. */
  public enum Shape {
    /** {@code floor + (1 - floor)·(1 + cos(π·t))/2}, t the decay progress in [0, 1]. */
    COSINE,
    /** {@code 1 - (1 - floor)·t}. */
    LINEAR,
    /** The peak throughout (after the warmup); {@code floor} is ignored. */
    CONSTANT
  }

  public LearningRateSchedule {
    present("trainer.lrSchedule", shape);
    positive("trainer.learningRate", peak);
    atLeast("trainer.lrWarmupSteps", warmupSteps, 0);
    fraction("trainer.lrFloor", floor);
    atLeast("trainer.steps", totalSteps, 0);
  }

  /** The rate at {@code step} (0-based); steps past the end keep the last step's rate. */
  public double at(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    int decaySteps = totalSteps - 1 - warmupSteps;
    double t = decaySteps <= 0 ? 1 : Math.min(1, (double) (step - warmupSteps) / decaySteps);
    double factor = switch (shape) {
      case COSINE -> floor + (1 - floor) * (1 + Math.cos(Math.PI * t)) / 2;
      case LINEAR -> 1 - (1 - floor) * t;
      case CONSTANT -> 1;
    };
    return peak * factor;
  }
}
