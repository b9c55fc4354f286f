package dev.entropysentinel.forecaster.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads verl console logs, verl JSONL logs and TRL {@code trainer_state.json} into a
 * {@link MetricLog}. Console logs are decoded leniently (bad bytes replaced) because real logs mix
 * in binary progress bars; Ray prefixes and ANSI colour codes before {@code step:} are ignored.
 */
public final class MetricLogReader {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
  private static final Pattern STEP_LINE = Pattern.compile("(?:^|[\\s)\\]])step:(\\d+) - (.*)$");
  private static final Pattern NUMPY = Pattern.compile("^np\\.float\\d*\\((.*)\\)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private MetricLogReader() {}

  /**
   * Reads {@code file} in {@code format}.
   *
   * @throws UnreadableLogException with a one-line message naming the file when it is not a
   *     readable text log (missing, a directory, no permission, binary or compressed)
   */
  public static MetricLog read(Path file, LogFormat format) throws IOException {
    LogFiles.requireTextFile(file);
    try (Reader reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE))) {
      return read(reader, format);
    } catch (UnreadableLogException e) {
      throw e;
    } catch (IOException e) {
      throw new UnreadableLogException(file, "cannot be read (" + e.getMessage() + ")");
    }
  }

  /** Reads a log from {@code reader} in {@code format}. */
  public static MetricLog read(Reader reader, LogFormat format) throws IOException {
    Collector out = new Collector(format);
    BufferedReader lines = new BufferedReader(reader);
    switch (format) {
      case VERL -> {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          out.line();
          consoleLine(line, out);
        }
      }
      case VERL_JSONL -> {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          out.line();
          if (!line.isBlank()) {
            jsonLine(line, out);
          }
        }
      }
      case TRL -> trainerState(lines, out);
    }
    return out.build();
  }

  private static void consoleLine(String raw, Collector out) {
    String line = ANSI.matcher(raw).replaceAll("");
    Matcher m = STEP_LINE.matcher(line);
    if (!m.find()) {
      return;
    }
    int step = Integer.parseInt(m.group(1));
    Map<String, Double> row = new LinkedHashMap<>();
    boolean bad = false;
    for (String pair : m.group(2).split(" - ")) {
      int colon = pair.lastIndexOf(':');
      if (colon <= 0) {
        bad = true;
        continue;
      }
      String value = pair.substring(colon + 1).trim();
      Matcher numpy = NUMPY.matcher(value);
      Double parsed = number(numpy.matches() ? numpy.group(1) : value);
      if (parsed != null) {
        row.put(pair.substring(0, colon).trim(), parsed);
      }
    }
    if (bad || row.isEmpty()) {
      out.malformed(raw);
    }
    out.put(step, row);
  }

  private static void jsonLine(String line, Collector out) {
    try {
      JsonNode node = JSON.readTree(line);
      JsonNode data = node.path("data");
      if (!node.path("step").canConvertToInt() || !data.isObject()) {
        out.malformed(line);
        return;
      }
      out.put(node.get("step").asInt(), numbers(data.fields()));
    } catch (IOException e) {
      out.malformed(line);
    }
  }

  private static void trainerState(BufferedReader reader, Collector out) throws IOException {
    JsonNode history;
    try {
      history = JSON.readTree(reader).path("log_history");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IOException("not valid JSON" + (at == null ? "" : " at line " + at.getLineNr()) + ": "
          + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    }
    for (JsonNode entry : history) {
      out.line();
      if (!entry.path("step").canConvertToInt()) {
        out.malformed(entry.toString());
        continue;
      }
      out.put(entry.get("step").asInt(), numbers(entry.fields()));
    }
  }

  private static Map<String, Double> numbers(Iterator<Map.Entry<String, JsonNode>> fields) {
    Map<String, Double> row = new LinkedHashMap<>();
    fields.forEachRemaining(f -> {
      if (f.getValue().isNumber()) {
        row.put(f.getKey(), f.getValue().asDouble());
      }
    });
    return row;
  }

  private static Double number(String text) {
    try {
      double v = Double.parseDouble(text);
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Accumulates rows (later values of a key at a step win) and the malformed-line account. */
  private static final class Collector {
    private final LogFormat format;
    private final TreeMap<Integer, Map<String, Double>> rows = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private long lines;
    private long malformed;

    Collector(LogFormat format) {
      this.format = format;
    }

    void line() {
      lines++;
    }

    void put(int step, Map<String, Double> row) {
      rows.computeIfAbsent(step, s -> new LinkedHashMap<>()).putAll(row);
    }

    void malformed(String text) {
      malformed++;
      if (examples.size() < MetricLog.MAX_EXAMPLES) {
        String shortened = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        examples.add("line " + lines + ": " + shortened);
      }
    }

    MetricLog build() {
      return new MetricLog(format, rows, lines, malformed, examples);
    }
  }
}
