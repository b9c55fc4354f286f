package dev.entropysentinel.influx;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code influxd} (Debian package {@code influxdb}, 1.x) on 127.0.0.1 with its data in a
 * temporary directory, for tests and benchmarks; it can be stopped and started again on the same
 * port and data, to play an outage. Both its ports (HTTP and the RPC bind address) are free ones,
 * so several can run side by side.
 */
public final class InfluxdProcess implements AutoCloseable {
  private final Path dir;
  private final String binary;
  private final int port;
  private Process process;

  private InfluxdProcess(String binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  public static InfluxdProcess start() throws IOException, InterruptedException {
    String binary = binary().orElseThrow(() -> new IllegalStateException(
        "influxd is not on PATH: install the Debian package influxdb (apt-get install influxdb)"));
    Path dir = Files.createTempDirectory("sentinel-influxd-");
    int port = freePort();
    Files.writeString(dir.resolve("influxd.conf"), """
        reporting-disabled = true
        bind-address = "127.0.0.1:%d"
        [meta]
          dir = "%s/meta"
        [data]
          dir = "%s/data"
          wal-dir = "%s/wal"
          query-log-enabled = false
        [http]
          bind-address = "127.0.0.1:%d"
          log-enabled = false
        [monitor]
          store-enabled = false
        """.formatted(freePort(), dir, dir, dir, port));
    InfluxdProcess influxd = new InfluxdProcess(binary, dir, port);
    influxd.resume();
    return influxd;
  }

  /** Starts (again) on the same port and data; returns when {@code /ping} answers 204. */
  public void resume() throws IOException, InterruptedException {
    process = new ProcessBuilder(binary, "run", "-config", dir.resolve("influxd.conf").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("influxd.log").toFile())).start();
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("influxd exited: " + Files.readString(dir.resolve("influxd.log")));
      }
      try {
        if (client.send(HttpRequest.newBuilder(URI.create(url() + "/ping")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 204) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("influxd did not answer /ping within 20 s");
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s); data stays for {@link #resume()}. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    stop();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // a leftover temp dir is harmless
    }
  }

  /** The {@code influxd} on PATH, if any. */
  public static java.util.Optional<String> binary() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(d, "influxd");
      if (Files.isExecutable(candidate)) {
        return java.util.Optional.of(candidate.toString());
      }
    }
    return java.util.Optional.empty();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
