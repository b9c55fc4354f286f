package dev.entropysentinel.trainer.sidecar;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the sidecar knows about an external job, read from its command line where it says (verl's
 * Hydra overrides {@code key=value}, TRL's {@code --flag value} or {@code --flag=value}) and from the
 * sidecar's own flags otherwise.
 *
 * @param trainer whose conventions apply (checkpoint marker, stop signal, INTERVENE overrides)
 * @param plannedSteps the run's planned last step, null when neither the command nor a flag says
 * @param checkpointDir verl's {@code trainer.default_local_dir}, where {@code latest_checkpointed_iteration.txt} lands; may be null
 * @param loggingSteps TRL's {@code logging_steps} (numbers TRL stdout's log calls)
 * @param method the loss the job runs, in {@code ControlParameters} wire names where known, else {@code external}
 * @param modelName the model path or name, else {@code unknown}
 */
public record JobSpec(Trainer trainer, Long plannedSteps, Path checkpointDir, int loggingSteps, String method,
    String modelName) {

  /** TRL's GRPOConfig default {@code logging_steps}, used when neither the command nor a flag gives it. */
  public static final int TRL_DEFAULT_LOGGING_STEPS = 10;

  /** The external trainers the sidecar knows how to stop and advise. */
  public enum Trainer {
    VERL, TRL;

    /** The trainer a command line runs: verl's entry points or Hydra keys, else TRL (transformers' conventions). */
    static Trainer of(List<String> command) {
      return command.stream().anyMatch(a -> a.contains("verl") || a.startsWith("trainer.") || a.startsWith("actor_rollout_ref."))
          ? VERL : TRL;
    }
  }

  public JobSpec {
    if (plannedSteps != null && plannedSteps < 1) {
      throw new IllegalArgumentException("sidecar.plannedSteps must be >= 1, was " + plannedSteps);
    }
    if (loggingSteps < 1) {
      throw new IllegalArgumentException("sidecar.loggingSteps must be >= 1, was " + loggingSteps);
    }
  }

  /**
   * Reads a wrapped command line; a flag given to the sidecar wins over the command's value.
   *
   * @throws IllegalArgumentException naming the setting when the command's value is not a positive number
   */
  public static JobSpec of(List<String> command, Trainer trainer, Long totalSteps, Path checkpointDir, Integer loggingSteps) {
    Map<String, String> settings = settings(command);
    Trainer t = trainer != null ? trainer : Trainer.of(command);
    Long planned = totalSteps != null ? totalSteps
        : number(settings, "trainer.total_training_steps").or(() -> number(settings, "max_steps")).orElse(null);
    Path dir = checkpointDir != null ? checkpointDir
        : Optional.ofNullable(settings.get("trainer.default_local_dir")).map(Path::of).orElse(null);
    int logging = loggingSteps != null ? loggingSteps
        : number(settings, "logging_steps").map(Long::intValue).orElse(TRL_DEFAULT_LOGGING_STEPS);
    String lossMode = settings.get("actor_rollout_ref.actor.policy_loss.loss_mode");
    String method = lossMode == null ? "external" : switch (lossMode) {
      case "vanilla" -> "grpo";
      case "clip_cov" -> "clip-cov";
      case "kl_cov" -> "kl-cov";
      default -> lossMode.replace('_', '-');
    };
    String model = settings.getOrDefault("actor_rollout_ref.model.path", settings.getOrDefault("model_name_or_path", "unknown"));
    return new JobSpec(t, planned, dir, logging, method, model.isBlank() ? "unknown" : model);
  }

  /** Hydra overrides {@code a.b=v} and {@code --flag v} / {@code --flag=v} (dashes in flags as underscores). */
  static Map<String, String> settings(List<String> command) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < command.size(); i++) {
      String arg = command.get(i);
      if (arg.startsWith("--")) {
        String flag = arg.substring(2);
        int eq = flag.indexOf('=');
        if (eq > 0) {
          out.put(flag.substring(0, eq).replace('-', '_'), flag.substring(eq + 1));
        } else if (i + 1 < command.size() && !command.get(i + 1).startsWith("--")) {
          out.put(flag.replace('-', '_'), command.get(i + 1));
        }
      } else {
        int eq = arg.indexOf('=');
        if (eq > 0 && !arg.startsWith("-")) {
          out.put(arg.substring(0, eq).replaceFirst("^\\+{1,2}", ""), arg.substring(eq + 1));
        }
      }
    }
    return out;
  }

  private static Optional<Long> number(Map<String, String> settings, String key) {
    String v = settings.get(key);
    if (v == null || v.equalsIgnoreCase("null") || v.equals("-1")) {
      return Optional.empty();
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return Optional.of(n);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the wrapped command's " + key + " must be a positive whole number, was \"" + v
          + "\"; fix it or give the sidecar's flag instead");
    }
  }

  @Override
  public String toString() {
    return trainer.name().toLowerCase(Locale.ROOT) + " job, planned steps " + (plannedSteps == null ? "unknown" : plannedSteps)
        + (checkpointDir == null ? "" : ", checkpoints in " + checkpointDir);
  }
}
