package dev.entropysentinel.cli.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the demo runs: two built-in trainer agents on the same task and seed — GRPO, whose entropy
 * collapses, and KL-Cov with the parameters scaled to this trainer ({@code --preset tiny}), which keeps
 * it — and a sidecar following a stand-in verl job that writes a real verl log (so both ways to attach
 * show), sized so a default demo takes a few minutes on 2 cores and {@code --quick} about one.
 *
 * @param steps RL steps of each built-in run
 * @param agents the agents, in the order the progress lines show them
 * @param standInJob the {@code sentinel} arguments of the stand-in verl job (started before the agents)
 */
record DemoPlan(int steps, List<DemoAgent> agents, List<String> standInJob) {
  /** The sidecar's run: the shipped verl run. */
  static final String VERL_RUN = "demo-verl";

  DemoPlan {
    agents = List.copyOf(agents);
    standInJob = List.copyOf(standInJob);
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
    Path job = dir.resolve("verl-job");
    Path log = job.resolve("train.log");
    Path pid = job.resolve("pid");
    List<String> standIn = List.of("demo", "verl-stand-in", "--to", log.toString(), "--step-ms", quick ? "400" : "1500",
        "--checkpoint-dir", job.resolve("checkpoints").toString(), "--pid-file", pid.toString());
    agents.add(new DemoAgent(VERL_RUN, "sidecar following a verl job", VerlStandIn.STEPS, List.of("sidecar",
        "--follow", log.toString(), "--format", "verl", "--run-id", VERL_RUN, "--total-steps",
        Integer.toString(VerlStandIn.STEPS), "--checkpoint-dir", job.resolve("checkpoints").toString(), "--stop-grace",
        "60", "--stop-hook", "kill -TERM $(cat '" + pid + "')", "--idle-exit", "15", "--bootstrap", bootstrap,
        "--secret-file", key.toString(), "--spool-dir", dir.resolve("spool").resolve(VERL_RUN).toString(), "--out",
        dir.resolve("runs").resolve(VERL_RUN + ".jsonl").toString())));
    return new DemoPlan(steps, agents, standIn);
  }
}
