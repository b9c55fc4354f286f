package dev.entropysentinel.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The one page of the dashboard and the report ({@code sentinel.html}, {@code .js}, {@code .css} in
 * this package's resources) and the chart library, uPlot, from its webjar in the jar. The dashboard
 * serves the page with links to {@code /assets/...} and fetches its data; the report is the same page
 * with the library, the code and the data inlined, so it is one file that opens without a network.
 */
public final class ReportPage {
  /** Assets the dashboard serves under {@code /assets/}, with their content types. */
  public static final Map<String, String> ASSETS = Map.of(
      "uPlot.iife.min.js", "text/javascript; charset=utf-8",
      "uPlot.min.css", "text/css; charset=utf-8",
      "sentinel.js", "text/javascript; charset=utf-8",
      "sentinel.css", "text/css; charset=utf-8");

  static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String WEBJAR = "META-INF/resources/webjars/uplot/";

  private ReportPage() {}

  /** The live dashboard page: data from {@code dataUrl}, refreshed every {@code refreshMs}. */
  public static String live(String dataUrl, long refreshMs) {
    String config = "{\"mode\":\"live\",\"url\":" + json(dataUrl) + ",\"refreshMs\":" + refreshMs + "}";
    return template()
        .replace("<!--HEAD-->", "<link rel=\"stylesheet\" href=\"assets/uPlot.min.css\">\n"
            + "<link rel=\"stylesheet\" href=\"assets/sentinel.css\">\n<script src=\"assets/uPlot.iife.min.js\"></script>")
        .replace("<!--CONFIG-->", "<script>window.SENTINEL_CONFIG = " + config + ";</script>")
        .replace("<!--APP-->", "<script src=\"assets/sentinel.js\"></script>");
  }

  /** The self-contained report page showing {@code model}. */
  public static String standalone(ReportModel model) {
    String config = "{\"mode\":\"report\",\"data\":" + json(model) + "}";
    return template()
        .replace("<!--HEAD-->", "<style>\n" + text("uPlot.min.css") + "\n" + text("sentinel.css") + "\n</style>\n"
            + "<script>\n" + script(text("uPlot.iife.min.js")) + "\n</script>")
        .replace("<!--CONFIG-->", "<script>window.SENTINEL_CONFIG = " + config + ";</script>")
        .replace("<!--APP-->", "<script>\n" + script(text("sentinel.js")) + "\n</script>");
  }

  /**
   * Writes the report of {@code model} to {@code out}, creating its directory.
   *
   * @throws IOException when the file cannot be written
   */
  public static void write(ReportModel model, Path out) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, standalone(model), StandardCharsets.UTF_8);
  }

  /** An asset's bytes ({@link #ASSETS}). */
  public static byte[] asset(String name) {
    if (!ASSETS.containsKey(name)) {
      throw new IllegalArgumentException("no asset " + name + "; assets: " + ASSETS.keySet());
    }
    String path = name.startsWith("uPlot") ? WEBJAR + uplotVersion() + "/dist/" + name : "dev/entropysentinel/report/" + name;
    return resource(path);
  }

  /** The uPlot version on the class path, read from its webjar (the parent pom pins it). */
  static String uplotVersion() {
    Properties p = new Properties();
    try (InputStream in = ReportPage.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the uPlot webjar (org.webjars.npm:uplot) is not on the class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static String template() {
    return new String(resource("dev/entropysentinel/report/sentinel.html"), StandardCharsets.UTF_8);
  }

  private static String text(String asset) {
    return new String(asset(asset), StandardCharsets.UTF_8);
  }

  /** Code inlined in a script element must not close it early. */
  private static String script(String code) {
    if (code.contains("</script")) {
      throw new IllegalStateException("inlined script contains </script and would end the element early");
    }
    return code;
  }

  /** JSON safe inside a script element: "</" cannot end it, U+2028/9 cannot end a line. */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value).replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report data: " + e.getMessage(), e);
    }
  }

  private static byte[] resource(String path) {
    try (InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("resource " + path + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + path, e);
    }
  }
}
