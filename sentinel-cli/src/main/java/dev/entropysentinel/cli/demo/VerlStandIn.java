package dev.entropysentinel.cli.demo;

import dev.entropysentinel.trainer.sidecar.StopProcedure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel demo verl-stand-in}: stands in for a verl job in the demo. It writes a real verl
 * console log shipped in the project (Qwen2-7B GRPO on GSM8K+MATH, 105 steps; see
 * {@code ../shared/data/verl-logs/README.md} for its source) to a file as the job would, one step
 * every {@code --step-ms}, saves a "checkpoint" every {@code --save-freq} steps the way verl marks one
 * ({@code latest_checkpointed_iteration.txt}), and, like verl, has no graceful stop: SIGTERM ends it
 * where it is. It writes its pid to {@code --pid-file} so a sidecar's stop hook can end it.
 */
@Command(name = "verl-stand-in", hidden = true, mixinStandardHelpOptions = true,
    description = "Writes the shipped verl log to --to at the pace of a training job (the demo's stand-in verl job).")
final class VerlStandIn implements Callable<Integer> {
  static final String LOG = "/demo/qwen2-7b-gsm8k-math-grpo-megatron.log";
  /** The shipped run's planned length: the sidecar's --total-steps. */
  static final int STEPS = 105;
  private static final Pattern STEP_LINE = Pattern.compile("(^|[\\s)\\]])step:(\\d+) - ");

  @Option(names = "--to", required = true, paramLabel = "FILE", description = "the log file to write (appended)")
  Path to;

  @Option(names = "--step-ms", defaultValue = "1500", description = "pause after each step line (default: ${DEFAULT-VALUE})")
  long stepMs;

  @Option(names = "--checkpoint-dir", required = true, paramLabel = "DIR", description = "where the checkpoint marker is written")
  Path checkpointDir;

  @Option(names = "--save-freq", defaultValue = "10", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
  int saveFreq;

  @Option(names = "--pid-file", required = true, paramLabel = "FILE", description = "where this job writes its pid")
  Path pidFile;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Files.createDirectories(checkpointDir);
    Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
    try (InputStream in = Objects.requireNonNull(VerlStandIn.class.getResourceAsStream(LOG), LOG);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
        OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
        Matcher step = STEP_LINE.matcher(line);
        if (step.find()) {
          out.flush();
          Thread.sleep(stepMs);
          int n = Integer.parseInt(step.group(2));
          if (n % saveFreq == 0) {
            Files.writeString(checkpointDir.resolve(StopProcedure.VERL_MARKER), n + "\n");
          }
        }
      }
    }
    return 0;
  }
}
