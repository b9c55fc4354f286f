package dev.entropysentinel.trainer.cli;

import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.Method;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Ties {@code sentinel train}'s options to the configuration records by name, so the defaults and
 * the key-to-flag mapping exist once, in the records: an option whose field is named like a
 * component of {@link TrainerConfig}, its {@code ModelConfig} or {@link LossConfig} (GRPO's
 * defaults) shows that component's default as {@code ${DEFAULT-VALUE}}, is set through the
 * builder method of that name, and is the flag a validation error on that key names.
 */
public final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
  /** Components whose default the command line computes itself (run id from method and seed) or that are not options. */
  private static final Set<String> NOT_DEFAULTED = Set.of("runId", "method", "loss", "model");

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option)) {
      return null;
    }
    String name = fieldName(option);
    if (name == null || NOT_DEFAULTED.contains(name)) {
      return null;
    }
    TrainerConfig defaults = TrainerConfig.builder().build();
    return component(defaults, name)
        .or(() -> component(defaults.model(), name))
        .or(() -> component(LossConfig.defaults(Method.GRPO), name))
        .map(String::valueOf)
        .orElse(null);
  }

  /**
   * Passes a given option's value to the builder method named like its field: {@link
   * LossConfig.Builder} first, then {@link TrainerConfig.Builder}. Options without such a method
   * (threads, output, Kafka settings) are left to the command.
   */
  static void apply(OptionSpec option, LossConfig.Builder loss, TrainerConfig.Builder trainer) {
    String name = fieldName(option);
    Object value = option.getValue();
    if (name == null || value == null || NOT_DEFAULTED.contains(name)) {
      return;
    }
    if (!invoke(loss, name, value)) {
      invoke(trainer, name, value);
    }
  }

  /**
   * The flag that sets the key a validation message starts with ({@code trainer.loss.klCovRatio must
   * be ...} → {@code --kl-cov-ratio}), or {@code --method} when no option sets it.
   */
  static String flagOf(CommandSpec spec, String message) {
    String key = message.split(" ", 2)[0];
    String component = key.substring(key.lastIndexOf('.') + 1);
    return spec.options().stream()
        .filter(o -> component.equals(fieldName(o)))
        .map(OptionSpec::longestName)
        .findFirst()
        .orElse("--method");
  }

  private static String fieldName(OptionSpec option) {
    return option.userObject() instanceof Field f ? f.getName() : null;
  }

  private static Optional<Object> component(Record record, String name) {
    return Arrays.stream(record.getClass().getRecordComponents())
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .map(c -> read(c, record));
  }

  private static Object read(RecordComponent c, Record record) {
    try {
      return c.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getSimpleName(), e);
    }
  }

  private static boolean invoke(Object builder, String name, Object value) {
    for (var m : builder.getClass().getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == 1 && m.getDeclaringClass() == builder.getClass()) {
        try {
          m.invoke(builder, value);
          return true;
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot call " + name + " on " + builder.getClass().getSimpleName(), e);
        } catch (InvocationTargetException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    }
    return false;
  }
}
