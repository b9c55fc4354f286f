package dev.entropysentinel.cli.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code sentinel} subcommands as child JVMs with this JVM's class path, each writing its
 * output to its own log file, and ends them politely (SIGTERM, then a kill after a grace).
 */
public final class ChildProcesses implements AutoCloseable {
  private final List<Process> started = new ArrayList<>();

  /** The command line of {@code sentinel args...} in a child JVM: this JVM's java and class path, 1 GiB heap. */
  public static List<String> sentinel(List<String> args) {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString());
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true", "-cp",
        System.getProperty("java.class.path"), "dev.entropysentinel.cli.Sentinel"));
    command.addAll(args);
    return command;
  }

  /** Starts {@code sentinel args...} with its stdout and stderr appended to {@code log}. */
  synchronized Process start(List<String> args, Path log) throws IOException {
    Process p = new ProcessBuilder(sentinel(args)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    started.add(p);
    return p;
  }

  /** Asks every child still running to stop, waits up to {@code graceSeconds}, then kills the rest. */
  @Override
  public synchronized void close() {
    started.stream().filter(Process::isAlive).forEach(Process::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (Process p : started) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
