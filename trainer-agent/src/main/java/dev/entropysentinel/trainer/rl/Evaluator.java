package dev.entropysentinel.trainer.rl;

import ai.djl.ndarray.NDManager;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.trainer.model.Policy;
import dev.entropysentinel.trainer.task.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Validation on the fixed split: k samples per problem at temperature 1. Score = mean@k (the
 * expected accuracy of one sample); metrics add pass@k (at least one of k correct), greedy
 * accuracy and mean@k per task family. The sampling seed depends only on the run seed and the
 * step, so methods compared with the same seed see the same draws.
 */
final class Evaluator {
  static final String BENCHMARK = "tasks-validation";

  private Evaluator() {}

  static EvalResult evaluate(NDManager root, Policy policy, List<Problem> validation, int k, long seed, String runId,
      long step, long timestampMs) {
    List<Problem> repeated = new ArrayList<>(validation.size() * k);
    for (Problem p : validation) {
      for (int s = 0; s < k; s++) {
        repeated.add(p);
      }
    }
    int[] sampled;
    int[] greedy;
    try (NDManager manager = root.newSubManager()) {
      sampled = Sequences.generate(manager, policy, repeated, new Random(seed * 31 + step), false);
      greedy = Sequences.generate(manager, policy, validation, new Random(0), true);
    }
    Map<String, int[]> byFamily = new LinkedHashMap<>();
    int correct = 0;
    int solved = 0;
    int greedyCorrect = 0;
    for (int i = 0; i < validation.size(); i++) {
      Problem p = validation.get(i);
      int c = 0;
      for (int s = 0; s < k; s++) {
        c += p.isCorrect(Sequences.responseText(sampled, i * k + s)) ? 1 : 0;
      }
      correct += c;
      solved += c > 0 ? 1 : 0;
      greedyCorrect += p.isCorrect(Sequences.responseText(greedy, i)) ? 1 : 0;
      int[] family = byFamily.computeIfAbsent(p.family(), f -> new int[2]);
      family[0] += c;
      family[1] += k;
    }
    double n = validation.size();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("mean@" + k, correct / (n * k));
    metrics.put("pass@" + k, solved / n);
    metrics.put("greedy", greedyCorrect / n);
    byFamily.forEach((family, counts) -> metrics.put("mean@" + k + "/" + family, (double) counts[0] / counts[1]));
    return new EvalResult(SchemaVersion.CURRENT, runId, step, timestampMs, BENCHMARK, correct / (n * k), validation.size(), metrics);
  }
}
