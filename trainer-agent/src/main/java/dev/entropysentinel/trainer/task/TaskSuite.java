package dev.entropysentinel.trainer.task;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The task mixture with a fixed-seed split: a validation set drawn first from {@code seed}, and a
 * training stream that never yields a validation prompt. Families are drawn uniformly.
 */
public final class TaskSuite {
  private final List<TaskFamily> families;
  private final List<Problem> validation;
  private final Set<String> validationPrompts = new HashSet<>();
  private final Random trainRandom;

  public TaskSuite(List<TaskFamily> families, long seed, int validationSize) {
    this(families, seed, validationSize, new Random(seed));
  }

  /**
   * A suite whose training prompts come from {@code training} (a resumed run passes the stream's
   * saved state); the validation split depends on {@code seed} only.
   */
  public TaskSuite(List<TaskFamily> families, long seed, int validationSize, Random training) {
    if (families.isEmpty()) {
      throw new IllegalArgumentException("tasks must name at least one family");
    }
    this.families = List.copyOf(families);
    Random validationRandom = new Random(seed ^ 0x5EEDL);
    List<Problem> problems = new ArrayList<>(validationSize);
    while (problems.size() < validationSize) {
      Problem p = draw(validationRandom);
      if (validationPrompts.add(p.prompt())) {
        problems.add(p);
      }
    }
    this.validation = List.copyOf(problems);
    this.trainRandom = training;
  }

  /** Addition and sorting, the default mixture. */
  public static TaskSuite standard(long seed, int validationSize) {
    return standard(seed, validationSize, new Random(seed));
  }

  /** The default mixture with training prompts drawn from {@code training}. */
  public static TaskSuite standard(long seed, int validationSize, Random training) {
    return new TaskSuite(List.of(new Addition(), new Sorting()), seed, validationSize, training);
  }

  public List<Problem> validation() {
    return validation;
  }

  /** The next {@code n} training problems (never a validation prompt). */
  public List<Problem> nextTraining(int n) {
    List<Problem> batch = new ArrayList<>(n);
    while (batch.size() < n) {
      Problem p = draw(trainRandom);
      if (!validationPrompts.contains(p.prompt())) {
        batch.add(p);
      }
    }
    return batch;
  }

  private Problem draw(Random random) {
    return families.get(random.nextInt(families.size())).generate(random);
  }
}
