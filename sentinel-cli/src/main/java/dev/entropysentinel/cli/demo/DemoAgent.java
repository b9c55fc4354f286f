package dev.entropysentinel.cli.demo;

import java.util.List;

/**
 * One agent the demo runs as its own process, the way a user runs one per GPU host: its run id,
 * what it is (shown in the progress lines) and the {@code sentinel} arguments it is started with.
 *
 * @param runId the run the agent reports as
 * @param role e.g. "built-in GRPO" or "sidecar following a verl log"
 * @param plannedSteps the run's planned total, for the progress lines
 * @param args the {@code sentinel} subcommand and its arguments
 */
public record DemoAgent(String runId, String role, int plannedSteps, List<String> args) {
  public DemoAgent {
    args = List.copyOf(args);
  }
}
