package dev.entropysentinel.forecaster.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import dev.entropysentinel.forecaster.ValidationPoint;

/**
 * The two series the forecaster needs, entropy and validation score per step, with the metric keys
 * they came from and the alternatives. Trainers name them differently across versions
 * (science.md section 6), and one verl log can carry several candidates (a {@code val-core} key only
 * in the initial validation, {@code val-aux} keys at every later one), so the key used is part of
 * the result and is shown to the user with the others it was chosen from.
 *
 * @param entropyKey the entropy metric used, or {@code null} if the log has none
 * @param validationKey the validation metric used, or {@code null} if the log has none
 * @param entropyKeys every entropy candidate with the number of steps it appears at, best first
 * @param validationKeys every validation candidate with the number of steps it appears at, best first
 * @param entropy entropy per step
 * @param validation validation score per step
 */
public record RunSeries(
    String entropyKey,
    String validationKey,
    Map<String, Integer> entropyKeys,
    Map<String, Integer> validationKeys,
    NavigableMap<Integer, Double> entropy,
    NavigableMap<Integer, Double> validation) {

  /** Entropy keys the reader knows, for messages: verl's current name, its older name, TRL's. */
  public static final List<String> ENTROPY_KEYS = MetricKeys.ENTROPY.examples();

  public RunSeries {
    entropyKeys = Collections.unmodifiableMap(new LinkedHashMap<>(entropyKeys));
    validationKeys = Collections.unmodifiableMap(new LinkedHashMap<>(validationKeys));
    entropy = Collections.unmodifiableNavigableMap(new TreeMap<>(entropy));
    validation = Collections.unmodifiableNavigableMap(new TreeMap<>(validation));
  }

  /** Picks both keys by {@link MetricKeys#rank} and extracts both series. */
  public static RunSeries from(MetricLog log) {
    return from(log, null, null);
  }

  /**
   * Like {@link #from(MetricLog)}, with either key chosen by the user instead ({@code null}: choose).
   *
   * @throws IllegalArgumentException if a chosen key never appears in the log, naming the candidates
   */
  public static RunSeries from(MetricLog log, String entropyOverride, String validationOverride) {
    Map<String, Integer> entropyKeys = MetricKeys.ENTROPY.rank(log);
    Map<String, Integer> validationKeys = MetricKeys.VALIDATION.rank(log);
    String entropyKey = chosen(log, entropyOverride, entropyKeys, "entropy");
    String validationKey = chosen(log, validationOverride, validationKeys, "validation");
    return new RunSeries(entropyKey, validationKey, entropyKeys, validationKeys, column(log, entropyKey),
        column(log, validationKey));
  }

  /**
   * Validation points paired with an entropy: the entropy of the same step, or of the next step
   * for a validation made before that step's update (verl validates at step 0 before training, and
   * at the first step of a resumed run).
   */
  public List<ValidationPoint> validationPoints() {
    List<ValidationPoint> out = new ArrayList<>();
    validation.forEach((step, score) -> {
      Double h = entropy.getOrDefault(step, entropy.get(step + 1));
      if (h != null) {
        out.add(new ValidationPoint(step, score, h));
      }
    });
    return out;
  }

  private static String chosen(MetricLog log, String override, Map<String, Integer> ranked, String what) {
    if (override == null) {
      return ranked.isEmpty() ? null : ranked.keySet().iterator().next();
    }
    if (log.rows().values().stream().noneMatch(r -> r.containsKey(override))) {
      throw new IllegalArgumentException("the " + what + " key '" + override + "' is not in the log; "
          + (ranked.isEmpty() ? "it has no known " + what + " key" : "its " + what + " keys are " + ranked.keySet()));
    }
    return override;
  }

  private static NavigableMap<Integer, Double> column(MetricLog log, String key) {
    NavigableMap<Integer, Double> out = new TreeMap<>();
    if (key != null) {
      for (Map.Entry<Integer, Map<String, Double>> e : log.rows().entrySet()) {
        Double v = e.getValue().get(key);
        if (v != null) {
          out.put(e.getKey(), v);
        }
      }
    }
    return out;
  }
}
