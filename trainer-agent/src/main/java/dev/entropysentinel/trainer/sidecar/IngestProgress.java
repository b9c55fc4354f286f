package dev.entropysentinel.trainer.sidecar;

/**
 * The last step whose statistics and whose validation the sidecar sent, so rows read again (after a
 * truncated log, a restarted job re-printing steps, or the sidecar's own restart) are not sent twice.
 *
 * @param lastStatsStep the last step sent as step-stats, -1 before any
 * @param lastEvalStep the last step sent as an eval, -1 before any
 */
public record IngestProgress(long lastStatsStep, long lastEvalStep) {
  public static final IngestProgress START = new IngestProgress(-1, -1);

  public IngestProgress {
    if (lastStatsStep < -1 || lastEvalStep < -1) {
      throw new IllegalArgumentException("sidecar.progress steps must be >= -1, was " + lastStatsStep + ", " + lastEvalStep);
    }
  }

  IngestProgress sentStats(long step) {
    return new IngestProgress(Math.max(lastStatsStep, step), lastEvalStep);
  }

  IngestProgress sentEval(long step) {
    return new IngestProgress(lastStatsStep, Math.max(lastEvalStep, step));
  }
}
