package dev.entropysentinel.trainer.sidecar;

import java.io.IOException;
import java.time.Duration;

/** The handle on a job the {@link StopProcedure} needs: whether it runs, signalling its process group, waiting. */
public interface JobControl {
  boolean isAlive();

  /** Sends {@code signal} (TERM, KILL) to the job's process group. */
  void signal(String signal) throws IOException;

  /** Waits up to {@code timeout} for the job to end; whether it did. */
  boolean waitFor(Duration timeout) throws InterruptedException;
}
