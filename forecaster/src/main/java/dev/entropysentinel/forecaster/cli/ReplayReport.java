package dev.entropysentinel.forecaster.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code sentinel replay --json} prints: the fields the issue specifies, plus the baselines and
 * the ingestion account so a reader can judge the forecast. Numbers that do not exist (a law
 * with fewer than two points) are {@code null}, never NaN. {@code entropyKeys} and
 * {@code validationKeys} are the candidates the keys were chosen from, with the steps each appears
 * at; {@code scoreScale} is 0.5 for a run with negative scores (+-1 rewards, halved to the accuracy
 * scale when errors are compared across runs), else 1; {@code earlyPoints} are the validations
 * paired with an entropy that the forecast could see; {@code stop} is null without a STOP.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ReplayReport(
    String log,
    String format,
    String entropyKey,
    String validationKey,
    Map<String, Integer> entropyKeys,
    Map<String, Integer> validationKeys,
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
    double scoreScale,
    int earlyPoints,
    Map<String, Double> baselines,
    Double nowcastRmse,
    List<Nowcast> nowcast,
    List<Event> detections,
    List<Event> decisions,
    Stop stop,
    Ingestion ingestion) {

  public ReplayReport {
    entropyKeys = Collections.unmodifiableMap(new LinkedHashMap<>(entropyKeys));
    validationKeys = Collections.unmodifiableMap(new LinkedHashMap<>(validationKeys));
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

  /**
   * What the replay's STOP (there is at most one: nothing follows a STOP) would have traded
   * (science.md, judging a STOP): the steps left to the planned end, their share of the run, the
   * score at the stop (the mean of the last three validations up to it, in the run's units) and the
   * final score minus it, on the accuracy scale (+-1 rewards halved); the scores are null without
   * validations. {@code reason} is the decision's, naming the bound, the horizon and the evidence.
   */
  public record Stop(int step, int stepsSaved, double shareSaved, Double scoreAtStop, Double scoreForgone,
      String reason) {}

  /** What the reader made of the file. */
  public record Ingestion(long linesRead, int stepRows, long malformed, List<String> malformedExamples) {}
}
