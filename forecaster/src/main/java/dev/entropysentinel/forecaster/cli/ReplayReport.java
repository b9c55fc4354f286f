package dev.entropysentinel.forecaster.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What {@code sentinel replay --json} prints: the fields the issue specifies, plus the baselines and
 * the ingestion account so a reader can judge the forecast. Numbers that do not exist (a law
 * with fewer than two points) are {@code null}, never NaN.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ReplayReport(
    String log,
    String format,
    String entropyKey,
    String validationKey,
    int steps,
    int fitSteps,
    Double a,
    Double b,
    Double r2,
    Double ceiling,
    FinalForecast finalForecast,
    String reason,
    int burnInPoints,
    Double actualFinal,
    Map<String, Double> baselines,
    Double nowcastRmse,
    List<Nowcast> nowcast,
    List<Event> detections,
    List<Event> decisions,
    Ingestion ingestion) {

  public ReplayReport {
    baselines = Map.copyOf(baselines);
    nowcast = List.copyOf(nowcast);
    detections = List.copyOf(detections);
    decisions = List.copyOf(decisions);
  }

  /** The forecast of the last step's score made with the first fraction of the run only. */
  public record FinalForecast(double value, double lo, double hi, String model, Map<String, Double> weights,
      Map<String, Double> candidates) {}

  /** A later validation predicted from its step's entropy with the early coefficients. */
  public record Nowcast(int step, double entropy, Double predicted, double actual) {}

  /** A detection or a decision during the replay. */
  public record Event(int step, String type, String action, String reason) {}

  /** What the reader made of the file. */
  public record Ingestion(long linesRead, int stepRows, long malformed, List<String> malformedExamples) {}
}
