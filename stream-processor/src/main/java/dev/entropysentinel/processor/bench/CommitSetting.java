package dev.entropysentinel.processor.bench;

import dev.entropysentinel.processor.ProcessorSettings;
import java.time.Duration;
import java.util.Locale;

/**
 * How a measured processor commits: its exactly-once commit interval and its early commit after a
 * control command ({@link ProcessorSettings#commandCommit()}, zero: none).
 */
record CommitSetting(long commitMs, long commandCommitMs) {
  Duration interval() {
    return Duration.ofMillis(commitMs);
  }

  ProcessorSettings applyTo(ProcessorSettings settings) {
    return settings.withCommandCommit(Duration.ofMillis(commandCommitMs));
  }

  /** {@code commit 100 ms, command commit 10 ms}, as the progress lines and figures name it. */
  String label() {
    return String.format(Locale.ROOT, "commit %d ms, %s", commitMs,
        commandCommitMs == 0 ? "no early command commit" : "command commit " + commandCommitMs + " ms");
  }
}
