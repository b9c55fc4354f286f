package dev.entropysentinel.trainer.sidecar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An external training job started by the sidecar in its own process group ({@code setsid}, so a
 * signal reaches the driver and every process it started, e.g. Ray workers and data loaders),
 * with its stdout and stderr passed through byte for byte (flushed as they come, so a user sees
 * exactly what they saw before) and cut into lines for the log ingest. stdin is the sidecar's.
 */
public final class WrappedJob implements JobControl {
  private static final List<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid");

  private final Process process;
  private final List<Thread> pumps = new ArrayList<>();

  private WrappedJob(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code command} in a new session and process group.
   *
   * @param lines receives every line of stdout and stderr (from two threads)
   * @param report receives notices about the stream (a skipped over-long line)
   * @throws IOException when setsid is missing or the command cannot be started, naming it
   */
  public static WrappedJob start(List<String> command, OutputStream out, OutputStream err, Consumer<String> lines,
      Consumer<String> report) throws IOException {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no command to wrap: give it after --, e.g. sentinel sidecar ... -- python3 -m verl.trainer.main_ppo ...");
    }
    String setsid = SETSID.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElseThrow(() -> new IOException(
        "setsid (util-linux) not found at " + SETSID + "; install util-linux: the job must run in its own process group"));
    List<String> argv = new ArrayList<>();
    argv.add(setsid);
    argv.addAll(command);
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      throw new IOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
    WrappedJob job = new WrappedJob(p);
    job.pump(p.getInputStream(), out, lines, report, "stdout");
    job.pump(p.getErrorStream(), err, lines, report, "stderr");
    return job;
  }

  private void pump(InputStream in, OutputStream out, Consumer<String> lines, Consumer<String> report, String name) {
    Thread t = new Thread(() -> {
      LineSplitter splitter = new LineSplitter(lines, l -> report.accept("job " + name + ": " + l));
      byte[] buf = new byte[8192];
      try (in) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          synchronized (out) {
            out.write(buf, 0, n);
            out.flush();
          }
          splitter.feed(buf, 0, n);
        }
      } catch (IOException e) {
        report.accept("job " + name + " could not be read: " + e.getMessage());
      } finally {
        splitter.finish();
      }
    }, "sidecar-" + name);
    t.setDaemon(true);
    t.start();
    pumps.add(t);
  }

  /** The process group id: the job's pid, since setsid made it the group leader. */
  public long pgid() {
    return process.pid();
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends {@code signal} (TERM, KILL, INT) to the job's whole process group. */
  @Override
  public void signal(String signal) throws IOException {
    Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid()).redirectErrorStream(true).start();
    try {
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits for the job and for its output to be passed on completely; its exit code. */
  public int waitForExit() throws InterruptedException {
    int code = process.waitFor();
    for (Thread t : pumps) {
      t.join();
    }
    return code;
  }
}
