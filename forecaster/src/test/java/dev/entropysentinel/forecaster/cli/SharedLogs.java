package dev.entropysentinel.forecaster.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The shared verl logs on the test classpath, and copies of them cut short to stand for runs planned shorter. */
final class SharedLogs {
  static final String SMALL = "qwen2-7b-gsm8k-math-grpo-megatron.log";
  static final String LARGE = "qwen2.5-0.5b-gsm8k-ppo.log";
  private static final Pattern STEP = Pattern.compile("(?:^|[\\s)\\]])step:(\\d+) - ");

  private SharedLogs() {
  }

  static Path resource(String name) throws Exception {
    return Path.of(Objects.requireNonNull(SharedLogs.class.getResource("/verl-logs/" + name), name).toURI());
  }

  /** A copy of {@code log} without the step lines after {@code last} (bytes kept as they are). */
  static Path truncated(Path log, int last, Path dir) throws Exception {
    String text = Files.readString(log, StandardCharsets.ISO_8859_1);
    String kept = text.lines().filter(line -> {
      Matcher m = STEP.matcher(line);
      return !m.find() || Integer.parseInt(m.group(1)) <= last;
    }).collect(Collectors.joining("\n"));
    Path copy = dir.resolve(log.getFileName().toString().replace(".log", "-to" + last + ".log"));
    Files.writeString(copy, kept, StandardCharsets.ISO_8859_1);
    return copy;
  }
}
