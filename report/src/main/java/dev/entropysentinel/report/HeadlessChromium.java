package dev.entropysentinel.report;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Opens a page in headless Chromium (the Debian {@code chromium} package) from plain process calls:
 * the DOM after the page's scripts ran ({@code --dump-dom}) and a PNG screenshot. The browser tests
 * of the dashboard and the report and the README's screenshot script use it. Each call gets a fresh
 * profile directory, removed afterwards, and is killed when it outlives its timeout.
 */
public final class HeadlessChromium {
  /** Binaries tried on the PATH, in order; {@code SENTINEL_CHROMIUM} names another. */
  static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
  private static final long TIMEOUT_SECONDS = 120;

  private final Path binary;

  private HeadlessChromium(Path binary) {
    this.binary = binary;
  }

  /** The browser found on this machine, if any. */
  public static Optional<HeadlessChromium> find() {
    String configured = System.getenv("SENTINEL_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(new HeadlessChromium(Path.of(configured)));
    }
    String path = System.getenv("PATH");
    for (String name : NAMES) {
      for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (!dir.isEmpty() && Files.isExecutable(candidate)) {
          return Optional.of(new HeadlessChromium(candidate));
        }
      }
    }
    return Optional.empty();
  }

  /** What to install when {@link #find()} finds nothing. */
  public static String missingMessage() {
    return "headless Chromium is not on PATH (looked for " + NAMES + " and $SENTINEL_CHROMIUM): "
        + "apt-get install chromium (./run-tests does)";
  }

  /**
   * The DOM of {@code url} after its scripts ran for {@code virtualTimeMs} of virtual time (timers
   * and fetches included), as HTML.
   *
   * @throws IllegalStateException when the browser fails or times out, with its exit code and error output
   */
  public String dumpDom(String url, long virtualTimeMs) {
    return new String(run(List.of("--dump-dom", "--virtual-time-budget=" + virtualTimeMs, url)),
        StandardCharsets.UTF_8);
  }

  /** Saves a PNG of {@code url} at {@code width}x{@code height} after {@code virtualTimeMs} of virtual time. */
  public void screenshot(String url, Path png, int width, int height, long virtualTimeMs) {
    try {
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
        "--hide-scrollbars", "--virtual-time-budget=" + virtualTimeMs, url));
    if (!Files.isRegularFile(png)) {
      throw new IllegalStateException("chromium wrote no screenshot to " + png);
    }
  }

  private byte[] run(List<String> args) {
    Path profile = null;
    Path err = null;
    Process p = null;
    try {
      profile = Files.createTempDirectory("sentinel-chromium-");
      err = Files.createTempFile("sentinel-chromium-", ".err");
      List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
      command.addAll(args);
      p = new ProcessBuilder(command).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("chromium exited with " + p.exitValue() + " for " + args + ": "
            + tail(Files.readString(err, StandardCharsets.UTF_8)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while chromium ran", e);
    } finally {
      if (p != null && p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      delete(profile);
      delete(err);
    }
  }

  private static String tail(String text) {
    return text.length() <= 2000 ? text : "…" + text.substring(text.length() - 2000);
  }

  private static void delete(Path path) {
    if (path == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
