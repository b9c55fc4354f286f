package dev.entropysentinel.alerting;

import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code prometheus-alertmanager} (Debian package) on 127.0.0.1 with a temporary storage
 * path and one route to a webhook, grouping fast (group_wait 0 s, group_interval 1 s) so a test
 * sees the firing and the resolved notification within seconds. Under {@code CI=true} a missing
 * binary fails the test; elsewhere the test is skipped.
 */
final class LocalAlertmanager implements AutoCloseable {
  static final String BINARY = "prometheus-alertmanager";

  private final Process process;
  private final Path dir;
  private final URI url;

  private LocalAlertmanager(Process process, Path dir, URI url) {
    this.process = process;
    this.dir = dir;
    this.url = url;
  }

  static LocalAlertmanager start(URI webhook) throws IOException, InterruptedException {
    String binary = requireBinary(BINARY);
    Path dir = Files.createTempDirectory("sentinel-alertmanager-");
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(config, """
        route:
          receiver: test
          group_by: [alertname, run]
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: test
            webhook_configs:
              - url: %s
                send_resolved: true
        """.formatted(webhook));
    int port = freePort();
    Process p = new ProcessBuilder(binary, "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
    LocalAlertmanager am = new LocalAlertmanager(p, dir, URI.create("http://127.0.0.1:" + port));
    am.awaitReady();
    return am;
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        close();
        throw new IllegalStateException("alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
      }
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(50);
    }
    close();
    throw new IllegalStateException("alertmanager not ready within 20 s");
  }

  URI url() {
    return url;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // a leftover temp dir is harmless
    }
  }

  /** The binary's path; fails under CI=true when it is missing, skips otherwise. */
  static String requireBinary(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    String why = name + " is not on PATH: install it with apt-get install " + name + " (./run-tests does)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why);
    }
    Assumptions.abort(why);
    return null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
