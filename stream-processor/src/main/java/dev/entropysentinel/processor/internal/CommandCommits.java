package dev.entropysentinel.processor.internal;

/**
 * When a stream thread should commit early so that a control command it emitted becomes readable
 * now rather than at the next commit interval: under exactly-once a trainer reads a command only
 * once its transaction commits, and the commit interval (100 ms by default) was most of the step to
 * command latency. Forecasts and alerts still wait for the commit interval.
 *
 * <p>Early commits are spaced: one only when this thread's last commit ended at least the spacing
 * ago, and only for commands made by fresh records (see {@link #shouldCommit}). Requesting one
 * right after every command made a thread that decides for many runs in the
 * same second commit back to back (a commit blocks it for several milliseconds: producer flush,
 * offsets, transaction end) and fall seconds behind its input. Kept per stream thread because
 * under exactly_once_v2 one commit commits all of a thread's tasks in one transaction; used by the
 * stream thread only.
 */
final class CommandCommits {
  /** A record older than this when processed means the thread is behind its input (the default commit interval). */
  static final long CAUGHT_UP_MS = 100;

  private static final ThreadLocal<CommandCommits> BY_THREAD = ThreadLocal.withInitial(CommandCommits::new);

  /** When the last commit ended, as seen by the first record processed after it; none yet: long ago. */
  private long lastCommitEndMs = Long.MIN_VALUE / 2;
  private boolean committing;
  private boolean waiting;

  CommandCommits() {}

  /** The state of the calling stream thread. */
  static CommandCommits ofThisThread() {
    return BY_THREAD.get();
  }

  /**
   * Streams is committing this thread's tasks (called from the write-back just before the commit):
   * every command emitted so far is in this transaction.
   */
  void committing() {
    committing = true;
    waiting = false;
  }

  /**
   * Called after each record the thread's monitor processed: whether to ask Streams to commit now.
   * A command made by a record that waited more than {@link #CAUGHT_UP_MS} before it was processed
   * does not count: the thread is catching up on a backlog, where early commits would slow it down
   * (the benchmark's backlog, a command per run, took twice as many commits) and the command is late
   * anyway. The record's time is its producer's clock: a trainer whose clock runs behind just gets
   * its commands at the commit interval, as without early commits.
   *
   * @param nowMs the stream thread's wall clock
   * @param emitted whether that record emitted a control command
   * @param recordMs the timestamp of that record
   * @param spacingMs least time between the end of the thread's last commit and an early one
   */
  boolean shouldCommit(long nowMs, boolean emitted, long recordMs, long spacingMs) {
    if (committing) {
      committing = false;
      lastCommitEndMs = nowMs;
    }
    waiting |= emitted && nowMs - recordMs <= CAUGHT_UP_MS;
    return waiting && nowMs - lastCommitEndMs >= spacingMs;
  }
}
