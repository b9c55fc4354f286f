package dev.entropysentinel.forecaster.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the lines of a line-oriented metric log into rows, one line at a time, so a finished log
 * ({@link MetricLogReader}, {@code sentinel replay}) and a live one (the sidecar's wrap and follow
 * modes) are read by the same code. Formats (integrations.md): verl console lines, verl's JSONL file
 * logger, and the Python dict repr transformers' {@code ProgressCallback.on_log} prints for TRL.
 * Lines that carry no metrics are skipped; lines that look like metrics but cannot be read are
 * counted as malformed (a few kept as examples), never fatal.
 */
public final class MetricLineParser {
  /** Longest line looked at; a longer one is counted as malformed unread (a runaway progress bar). */
  public static final int MAX_LINE_CHARS = 1 << 20;

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
  private static final Pattern STEP_LINE = Pattern.compile("(?:^|[\\s)\\]])step:(\\d+) - (.*)$");
  private static final Pattern NUMPY = Pattern.compile("^(?:np\\.float\\d*|np\\.int\\d*|tensor)\\(([^,)]*)(?:,.*)?\\)$");
  /** Ray's actor prefix, e.g. {@code (TaskRunner pid=123) }, possibly with a node address. */
  private static final Pattern RAY_PREFIX = Pattern.compile("^\\s*\\([^()]*pid=\\d+[^()]*\\)\\s*");
  /** One {@code 'key': value} pair of a Python dict repr; values end at the next top-level comma. */
  private static final Pattern PY_PAIR = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'\\s*:\\s*(\\[[^\\]]*\\]|'[^']*'|\"[^\"]*\"|"
      + "[A-Za-z_.0-9]+\\([^)]*\\)|[^,}]+)\\s*(?:,|})");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The metrics of one step read from one line (or log call).
   *
   * @param step the training step
   * @param metrics numeric metrics in the order the trainer printed them
   * @param evaluation whether the row is an evaluation log call (TRL {@code eval_} keys)
   */
  public record Row(int step, Map<String, Double> metrics, boolean evaluation) {
    public Row {
      metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
  }

  private final LogFormat format;
  private final int loggingSteps;
  private final List<String> examples = new ArrayList<>();
  private long lines;
  private long malformed;
  private int trlStep;

  /**
   * @param format a line format: {@link LogFormat#VERL}, {@link LogFormat#VERL_JSONL} or {@link LogFormat#TRL_STDOUT}
   * @param loggingSteps TRL's {@code logging_steps}: a stdout dict carries no step, so the n-th training
   *     log call is step {@code n * loggingSteps}; an evaluation call belongs to the step of the last one
   */
  public MetricLineParser(LogFormat format, int loggingSteps) {
    if (!format.lineOriented()) {
      throw new IllegalArgumentException("ingest.format " + format + " is not read line by line");
    }
    if (loggingSteps < 1) {
      throw new IllegalArgumentException("ingest.loggingSteps must be >= 1, was " + loggingSteps);
    }
    this.format = format;
    this.loggingSteps = loggingSteps;
  }

  public LogFormat format() {
    return format;
  }

  /** Reads one line; the row it carries, if any. */
  public Optional<Row> accept(String line) {
    lines++;
    if (line.length() > MAX_LINE_CHARS) {
      malformed("a line of " + line.length() + " characters, longer than " + MAX_LINE_CHARS + ", not read");
      return Optional.empty();
    }
    return switch (format) {
      case VERL -> console(line);
      case VERL_JSONL -> line.isBlank() ? Optional.empty() : jsonLine(line);
      case TRL_STDOUT -> dictRepr(line);
      case TRL -> throw new IllegalStateException("not line-oriented");
    };
  }

  /** Lines read so far. */
  public long lines() {
    return lines;
  }

  /** Lines that looked like metrics and could not be read. */
  public long malformed() {
    return malformed;
  }

  /** Up to {@link MetricLog#MAX_EXAMPLES} malformed lines with their numbers. */
  public List<String> malformedExamples() {
    return List.copyOf(examples);
  }

  /**
   * Whether {@code line} carries metrics in {@code format}: what format detection asks of the
   * first lines of a log.
   */
  static boolean carriesMetrics(LogFormat format, String line) {
    MetricLineParser p = new MetricLineParser(format, 1);
    return p.accept(line).isPresent() && p.malformed() == 0;
  }

  private Optional<Row> console(String raw) {
    String line = ANSI.matcher(raw).replaceAll("");
    Matcher m = STEP_LINE.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    int step;
    try {
      step = Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      malformed(raw);
      return Optional.empty();
    }
    Map<String, Double> row = new LinkedHashMap<>();
    boolean bad = false;
    for (String pair : m.group(2).split(" - ")) {
      int colon = pair.lastIndexOf(':');
      if (colon <= 0) {
        bad = true;
        continue;
      }
      Double parsed = value(pair.substring(colon + 1));
      if (parsed != null) {
        row.put(pair.substring(0, colon).trim(), parsed);
      }
    }
    if (bad || row.isEmpty()) {
      malformed(raw);
    }
    return Optional.of(new Row(step, row, false));
  }

  private Optional<Row> jsonLine(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      JsonNode data = node == null ? null : node.path("data");
      if (node == null || !node.path("step").canConvertToInt() || !data.isObject()) {
        malformed(line);
        return Optional.empty();
      }
      return Optional.of(new Row(node.get("step").asInt(), numbers(data.fields()), false));
    } catch (IOException e) {
      malformed(line);
      return Optional.empty();
    }
  }

  /**
   * A TRL/transformers log call, {@code {'loss': 0.01, 'entropy': 0.43, ...}}. The end-of-training
   * summary ({@code train_runtime}, ...) is no step and is skipped.
   */
  private Optional<Row> dictRepr(String raw) {
    String line = RAY_PREFIX.matcher(ANSI.matcher(raw).replaceAll("")).replaceFirst("").strip();
    if (!line.startsWith("{'") || !line.endsWith("}")) {
      return Optional.empty();
    }
    Map<String, Double> row = new LinkedHashMap<>();
    Matcher m = PY_PAIR.matcher(line);
    int pairs = 0;
    while (m.find()) {
      pairs++;
      Double v = value(m.group(2));
      if (v != null) {
        row.put(m.group(1), v);
      }
    }
    if (pairs == 0 || row.isEmpty()) {
      malformed(raw);
      return Optional.empty();
    }
    if (row.containsKey("train_runtime")) {
      return Optional.empty();
    }
    boolean evaluation = row.keySet().stream().anyMatch(k -> k.startsWith("eval_"));
    Double given = row.get("step");
    if (given != null && given >= 0 && given == Math.rint(given) && given <= Integer.MAX_VALUE) {
      trlStep = given.intValue();
    } else if (!evaluation) {
      trlStep += loggingSteps;
    }
    return Optional.of(new Row(trlStep, row, evaluation));
  }

  /** A number as trainers print it: plain, quoted, {@code np.float64(x)}, {@code tensor(x)}; else null. */
  private static Double value(String text) {
    String v = text.strip();
    if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
      v = v.substring(1, v.length() - 1).strip();
    }
    Matcher numpy = NUMPY.matcher(v);
    if (numpy.matches()) {
      v = numpy.group(1).strip();
    }
    try {
      double d = Double.parseDouble(v);
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Map<String, Double> numbers(Iterator<Map.Entry<String, JsonNode>> fields) {
    Map<String, Double> row = new LinkedHashMap<>();
    fields.forEachRemaining(f -> {
      if (f.getValue().isNumber()) {
        row.put(f.getKey(), f.getValue().asDouble());
      }
    });
    return row;
  }

  private void malformed(String text) {
    malformed++;
    if (examples.size() < MetricLog.MAX_EXAMPLES) {
      String shortened = text.length() > 120 ? text.substring(0, 120) + "..." : text;
      examples.add("line " + lines + ": " + shortened);
    }
  }
}
