package dev.entropysentinel.cli.demo;

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
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel demo verl-stand-in}: stands in for a verl job in the demo. It writes a real verl
 * console log shipped in the project (Qwen2-7B GRPO on GSM8K+MATH, 105 steps; see
 * {@code ../shared/data/verl-logs/README.md} for its source) to a file as the job would, one step
 * every {@code --step-ms}, and, like verl, has no graceful stop: SIGTERM ends it where it is.
 */
@Command(name = "verl-stand-in", hidden = true, mixinStandardHelpOptions = true,
    description = "Writes the shipped verl log to --to at the pace of a training job (the demo's stand-in verl job).")
final class VerlStandIn implements Callable<Integer> {
  static final String LOG = "/demo/qwen2-7b-gsm8k-math-grpo-megatron.log";
  /** The shipped run's planned length: the sidecar's --total-steps. */
  static final int STEPS = 105;
  private static final Pattern STEP_LINE = Pattern.compile("(^|[\\s)\\]])step:\\d+ - ");

  @Option(names = "--to", required = true, paramLabel = "FILE", description = "the log file to write (appended)")
  Path to;

  @Option(names = "--step-ms", defaultValue = "1500", description = "pause after each step line (default: ${DEFAULT-VALUE})")
  long stepMs;

  @Override
  public Integer call() throws IOException, InterruptedException {
    try (InputStream in = Objects.requireNonNull(VerlStandIn.class.getResourceAsStream(LOG), LOG);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
        OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
        if (STEP_LINE.matcher(line).find()) {
          out.flush();
          Thread.sleep(stepMs);
        }
      }
    }
    return 0;
  }
}
