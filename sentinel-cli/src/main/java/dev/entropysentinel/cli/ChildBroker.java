package dev.entropysentinel.cli;

import dev.entropysentinel.cli.demo.ChildProcesses;
import dev.entropysentinel.processor.bench.StreamsBenchCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's Kafka broker in a child JVM ({@code sentinel broker}), as a deployment has it.
 * In the benchmark's own JVM the broker's garbage collection paused the processor's threads as well
 * (G1 young pauses of 25-65 ms every 1-3 s during a latency round), and a pause stops every hop of a
 * command's path: a cost no processor pays next to a real cluster.
 */
final class ChildBroker implements StreamsBenchCommand.Broker {
  private static final Pattern READY = Pattern.compile("bootstrap\\.servers=([^\\s(]+)");
  private static final long START_TIMEOUT_S = 120;

  private final Process process;
  private final String bootstrap;

  private ChildBroker(Process process, String bootstrap) {
    this.process = process;
    this.bootstrap = bootstrap;
  }

  /**
   * Starts {@code sentinel broker --port 0 --partitions N} and waits for its ready line.
   *
   * @throws IllegalStateException naming the broker's log when it does not become ready
   */
  static ChildBroker start(int partitions) {
    Path log;
    Process process;
    try {
      log = Files.createTempFile("sentinel-bench-broker", ".log");
      process = new ProcessBuilder(ChildProcesses.sentinel(List.of("broker", "--port", "0", "--partitions",
          Integer.toString(partitions)))).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the benchmark's Kafka broker (sentinel broker in a child JVM)", e);
    }
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readyLine(out));
    try {
      String bootstrap = ready.get(START_TIMEOUT_S, TimeUnit.SECONDS);
      Thread drain = new Thread(() -> out.lines().forEach(line -> { }), "bench-broker-stdout");
      drain.setDaemon(true);
      drain.start();
      return new ChildBroker(process, bootstrap);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while the benchmark's Kafka broker started", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("the benchmark's Kafka broker (sentinel broker in a child JVM) did not become ready"
          + " within " + START_TIMEOUT_S + " s; its log: " + log, e);
    }
  }

  private static String readyLine(BufferedReader out) {
    try {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher m = READY.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("the broker exited before it was ready");
  }

  @Override
  public String bootstrapServers() {
    return bootstrap;
  }

  /** SIGTERM (the broker's shutdown hook closes it and deletes its data), a kill after 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
