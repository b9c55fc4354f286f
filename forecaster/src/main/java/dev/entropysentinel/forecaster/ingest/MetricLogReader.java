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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads verl console logs, verl JSONL logs, TRL stdout and TRL {@code trainer_state.json} into a
 * {@link MetricLog}. Console logs are decoded leniently (bad bytes replaced) because real logs mix
 * in binary progress bars; Ray prefixes and ANSI colour codes before {@code step:} are ignored.
 */
public final class MetricLogReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MetricLogReader() {}

  /**
   * Reads {@code file} in {@code format}.
   *
   * @throws UnreadableLogException with a one-line message naming the file when it is not a
   *     readable text log (missing, a directory, no permission, binary or compressed)
   */
  public static MetricLog read(Path file, LogFormat format) throws IOException {
    return read(file, format, 1);
  }

  /** Like {@link #read(Path, LogFormat)}, numbering TRL stdout's log calls by {@code loggingSteps}. */
  public static MetricLog read(Path file, LogFormat format, int loggingSteps) throws IOException {
    LogFiles.requireTextFile(file);
    try (Reader reader = lenient(Files.newInputStream(file))) {
      return read(reader, format, loggingSteps);
    } catch (UnreadableLogException e) {
      throw e;
    } catch (IOException e) {
      throw new UnreadableLogException(file, "cannot be read (" + e.getMessage() + ")");
    }
  }

  /** UTF-8 with bad bytes replaced: real console logs mix in binary progress bars. */
  public static Reader lenient(java.io.InputStream in) {
    return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
  }

  /** Reads a log from {@code reader} in {@code format}, TRL stdout with a {@code logging_steps} of 1. */
  public static MetricLog read(Reader reader, LogFormat format) throws IOException {
    return read(reader, format, 1);
  }

  /**
   * Reads a log from {@code reader} in {@code format}; line formats through the same
   * {@link MetricLineParser} the sidecar reads live logs with.
   *
   * @param loggingSteps TRL's {@code logging_steps}, numbering the steps of TRL stdout
   */
  public static MetricLog read(Reader reader, LogFormat format, int loggingSteps) throws IOException {
    Collector out = new Collector(format);
    BufferedReader lines = new BufferedReader(reader);
    if (!format.lineOriented()) {
      trainerState(lines, out);
      return out.build();
    }
    MetricLineParser parser = new MetricLineParser(format, loggingSteps);
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      parser.accept(line).ifPresent(row -> out.put(row.step(), row.metrics()));
    }
    return new MetricLog(format, out.rows, parser.lines(), parser.malformed(), parser.malformedExamples());
  }

  /** The entries of a TRL {@code trainer_state.json}'s {@code log_history}, in order. */
  public static List<MetricLineParser.Row> trainerState(Reader reader) throws IOException {
    Collector out = new Collector(LogFormat.TRL);
    trainerState(new BufferedReader(reader), out);
    return out.entries;
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
      Map<String, Double> row = MetricLineParser.numbers(entry.fields());
      row.remove("step");
      boolean evaluation = row.keySet().stream().anyMatch(k -> k.startsWith("eval_"));
      out.entries.add(new MetricLineParser.Row(entry.get("step").asInt(), row, evaluation));
      out.put(entry.get("step").asInt(), row);
    }
  }

  /** Accumulates rows (later values of a key at a step win) and the malformed-line account. */
  private static final class Collector {
    private final LogFormat format;
    private final TreeMap<Integer, Map<String, Double>> rows = new TreeMap<>();
    private final List<MetricLineParser.Row> entries = new ArrayList<>();
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
      rows.computeIfAbsent(step, s -> new java.util.LinkedHashMap<>()).putAll(row);
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
