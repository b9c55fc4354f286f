package dev.entropysentinel.trainer;

import ai.djl.Device;
import dev.entropysentinel.trainer.rl.TrainingSession;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A whole run: validation before the first step, {@code steps} RL steps, validation every {@code
 * evalEvery} steps and after the last, checkpoints as configured. Every record goes to {@code sink}.
 */
public final class Training {
  private Training() {}

  /**
   * @param resumeFrom a checkpoint directory to continue from, or null for a fresh run
   * @throws IOException when a checkpoint cannot be read or written
   */
  public static void run(TrainerConfig config, Device device, StatsSink sink, Clock clock, Path resumeFrom) throws IOException {
    try (TrainingSession session = resumeFrom == null
        ? TrainingSession.start(config, clock, device)
        : TrainingSession.resume(config, clock, device, resumeFrom)) {
      if (session.nextStep() == 0) {
        sink.accept(session.evaluate());
      }
      for (long step = session.nextStep(); step < config.steps(); step++) {
        session.step().forEach(sink::accept);
        boolean last = step == config.steps() - 1;
        if ((step + 1) % config.evalEvery() == 0 || last) {
          sink.accept(session.evaluate());
        }
        boolean periodic = config.checkpointEvery() > 0 && (step + 1) % config.checkpointEvery() == 0;
        if (config.checkpointDir() != null && (last || periodic)) {
          session.checkpoint();
        }
      }
    }
  }
}
