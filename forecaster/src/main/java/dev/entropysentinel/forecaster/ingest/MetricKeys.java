package dev.entropysentinel.forecaster.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which metric keys can carry a series, and how to choose among those a log has.
 *
 * <p>The rule: the key present at the most steps wins, because a series is only as useful as its
 * points (some verl versions print the {@code val-core} key only in the initial validation at step 0
 * and {@code val-aux} keys at every later one; choosing by name alone leaves one point). Among keys
 * present equally often the better-defined name wins (the tiers below, in order), then the larger
 * sample count N of {@code mean@N} (verl's core metric is the one at its largest N), then the key
 * printed first.
 */
enum MetricKeys {
  /** verl's current name, its older name, TRL's, OpenRLHF's (logged when {@code --actor.entropy_coef} is set). */
  ENTROPY(List.of("actor/entropy", "actor/entropy_loss", "entropy", "train/entropy_loss"),
      k -> k.equals("actor/entropy"),
      k -> k.equals("actor/entropy_loss"),
      k -> k.equals("entropy"),
      k -> k.equals("train/entropy_loss")),
  /**
   * verl's core metric (and its older name), other core aggregates, the auxiliary reward, score
   * and accuracy means, then TRL's eval keys, then OpenRLHF's pass@1.
   */
  VALIDATION(List.of("val-core/<source>/<acc|reward>/mean@N", "val/test_score/<source>",
      "val-aux/<source>/<reward|score|acc>/mean@N", "eval_reward", "eval_rewards/<fn>/mean", "eval_accuracy",
      "eval/eval_<dataset>_pass1", "eval_<dataset>_pass1"),
      Pattern.compile("^val-core/.+/mean@\\d+$").asPredicate().or(k -> k.startsWith("val/test_score/")),
      k -> k.startsWith("val-core/") && !k.endsWith("/std"),
      Pattern.compile("^val-aux/.+/reward/mean@\\d+$").asPredicate(),
      Pattern.compile("^val-aux/.+/score/mean@\\d+$").asPredicate(),
      Pattern.compile("^val-aux/.+/acc/mean@\\d+$").asPredicate(),
      k -> k.equals("eval_reward"),
      Pattern.compile("^eval_rewards/[^/]+/mean$").asPredicate(),
      k -> k.equals("eval_accuracy"),
      Pattern.compile("^(?:eval/)?eval_.+_pass1$").asPredicate());

  private static final Pattern SAMPLES = Pattern.compile("@(\\d{1,6})(?!\\d)");

  private final List<String> examples;
  private final List<Predicate<String>> tiers;

  @SafeVarargs
  MetricKeys(List<String> examples, Predicate<String>... tiers) {
    this.examples = examples;
    this.tiers = List.of(tiers);
  }

  /** The key shapes looked for, for messages. */
  List<String> examples() {
    return examples;
  }

  /** Every candidate key of {@code log} with the number of steps it appears at, best first. */
  Map<String, Integer> rank(MetricLog log) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    log.rows().values().forEach(row -> row.keySet().stream().filter(k -> tier(k) >= 0)
        .forEach(k -> counts.merge(k, 1, Integer::sum)));
    List<String> order = new ArrayList<>(counts.keySet());
    List<String> ranked = new ArrayList<>(order);
    ranked.sort(Comparator.<String>comparingInt(counts::get).reversed()
        .thenComparingInt(this::tier)
        .thenComparing(Comparator.comparingInt(MetricKeys::samples).reversed())
        .thenComparingInt(order::indexOf));
    Map<String, Integer> out = new LinkedHashMap<>();
    ranked.forEach(k -> out.put(k, counts.get(k)));
    return out;
  }

  /**
   * The best candidate among the keys of one row: the tier order and sample counts of {@link #rank},
   * without the count of steps a live log cannot know yet; null when the row has none.
   */
  String best(Map<String, Double> row) {
    String best = null;
    for (String k : row.keySet()) {
      int t = tier(k);
      if (t >= 0 && (best == null || t < tier(best) || t == tier(best) && samples(k) > samples(best))) {
        best = k;
      }
    }
    return best;
  }

  private int tier(String key) {
    for (int i = 0; i < tiers.size(); i++) {
      if (tiers.get(i).test(key)) {
        return i;
      }
    }
    return -1;
  }

  /** N of a {@code mean@N} key, 0 without one. */
  private static int samples(String key) {
    Matcher m = SAMPLES.matcher(key);
    int n = 0;
    while (m.find()) {
      n = Integer.parseInt(m.group(1));
    }
    return n;
  }
}
