package dev.entropysentinel.forecaster.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import dev.entropysentinel.forecaster.ValidationPoint;

/**
 * The two series the forecaster needs, entropy and validation score per step, with the metric keys
 * they came from. Trainers name them differently across versions (science.md section 6), so the
 * key used is part of the result and is shown to the user.
 *
 * @param entropyKey the entropy metric used, or {@code null} if the log has none
 * @param validationKey the validation metric used, or {@code null} if the log has none
 * @param entropy entropy per step
 * @param validation validation score per step
 */
public record RunSeries(
    String entropyKey,
    String validationKey,
    NavigableMap<Integer, Double> entropy,
    NavigableMap<Integer, Double> validation) {

  /** Entropy keys, preferred first: verl's current name, its older name, TRL's. */
  public static final List<String> ENTROPY_KEYS = List.of("actor/entropy", "actor/entropy_loss", "entropy");

  private static final List<Predicate<String>> VALIDATION_KEYS = List.of(
      k -> k.startsWith("val-core/") || k.startsWith("val/test_score/"),
      Pattern.compile("^val-aux/[^/]+/(score|reward)/mean@\\d+$").asPredicate(),
      k -> k.equals("eval_reward"),
      Pattern.compile("^eval_rewards/[^/]+/mean$").asPredicate(),
      k -> k.equals("eval_accuracy"));

  public RunSeries {
    entropy = Collections.unmodifiableNavigableMap(new TreeMap<>(entropy));
    validation = Collections.unmodifiableNavigableMap(new TreeMap<>(validation));
  }

  /** Picks the keys (the first preferred key seen, in step and print order) and extracts both series. */
  public static RunSeries from(MetricLog log) {
    String entropyKey = ENTROPY_KEYS.stream()
        .filter(k -> log.rows().values().stream().anyMatch(r -> r.containsKey(k)))
        .findFirst().orElse(null);
    String validationKey = VALIDATION_KEYS.stream()
        .map(p -> firstKey(log, p))
        .flatMap(Optional::stream)
        .findFirst().orElse(null);
    return new RunSeries(entropyKey, validationKey, column(log, entropyKey), column(log, validationKey));
  }

  /**
   * Validation points paired with an entropy: the entropy of the same step, or of the next step
   * for a validation made before that step's update (verl validates at step 0 before training).
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

  private static Optional<String> firstKey(MetricLog log, Predicate<String> matches) {
    return log.rows().values().stream()
        .flatMap(r -> r.keySet().stream())
        .filter(matches)
        .findFirst();
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
