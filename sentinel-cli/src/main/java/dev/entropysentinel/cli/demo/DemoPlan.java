package dev.entropysentinel.cli.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the demo runs: two built-in trainer agents on the same task and seed — GRPO, whose entropy
 * collapses, and KL-Cov with the parameters scaled to this trainer ({@code --preset tiny}), which keeps
 * it — sized so a default demo takes a few minutes on 2 cores and {@code --quick} about one.
 *
 * @param steps RL steps of each built-in run
 * @param agents the agents, in the order the progress lines show them
 */
record DemoPlan(int steps, List<DemoAgent> agents) {
  DemoPlan {
    agents = List.copyOf(agents);
  }

  /**
   * @param bootstrap Kafka the agents send to
   * @param key the control key file the processor signs with and the agents verify with
   * @param dir the demo's output directory (records, logs, spools)
   */
  static DemoPlan of(boolean quick, long seed, String bootstrap, Path key, Path dir) {
    int steps = quick ? 60 : 150;
    List<String> size = quick
        ? List.of("--warm-start-steps", "400", "--eval-size", "64", "--eval-every", "5", "--prompts", "8")
        : List.of("--eval-size", "128", "--eval-every", "10");
    List<DemoAgent> agents = new ArrayList<>();
    for (String method : List.of("grpo", "kl-cov")) {
      String runId = "demo-" + method;
      List<String> args = new ArrayList<>(List.of("train", "--method", method, "--preset", "tiny", "--run-id", runId,
          "--seed", Long.toString(seed), "--steps", Integer.toString(steps), "--threads", "1", "--bootstrap", bootstrap,
          "--secret-file", key.toString(), "--spool-dir", dir.resolve("spool").resolve(runId).toString(), "--out",
          dir.resolve("runs").resolve(runId + ".jsonl").toString()));
      args.addAll(size);
      agents.add(new DemoAgent(runId, "built-in " + method.toUpperCase(java.util.Locale.ROOT), steps, args));
    }
    return new DemoPlan(steps, agents);
  }
}
