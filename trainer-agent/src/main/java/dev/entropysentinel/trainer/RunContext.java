package dev.entropysentinel.trainer;

import dev.entropysentinel.trainer.rl.TrainingSession;
import java.io.IOException;

/** What a {@link StepListener} may do to the run it listens to. */
public interface RunContext {
  TrainerConfig config();

  java.time.Clock clock();

  /** The session: its current method ({@code loss()}), {@code switchLoss}, the resumed checkpoint's entries. */
  TrainingSession session();

  /** Ends the run at the next step boundary, with a final validation; idempotent. */
  void stop(String reason);

  /**
   * Saves a checkpoint with every listener's {@link StepListener#checkpointEntries()}.
   *
   * @throws IllegalStateException when the run has no checkpoint directory
   */
  void checkpoint() throws IOException;
}
