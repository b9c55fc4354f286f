package dev.entropysentinel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code sentinel reference}: the configuration reference (every command, flag, default and
 * description) as Markdown, generated from the picocli model, so the document cannot drift from the
 * code ({@code docs/configuration.md} is this output; a test compares them).
 */
@Command(name = "reference", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = "Prints the configuration reference of every command as Markdown (what docs/configuration.md holds).")
public final class ReferenceCommand implements Callable<Integer> {
  @CommandLine.Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(markdown(Sentinel.commandLine()));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The reference of {@code root} and all its subcommands, depth first in declaration order. */
  static String markdown(CommandLine root) {
    StringBuilder md = new StringBuilder("# Configuration reference\n\n"
        + "Generated from the command-line model by `./sentinel reference > docs/configuration.md`; do not edit by hand.\n"
        + "Every flag of every command, with its default. Secrets are never flag values: they come from files or\n"
        + "environment variables named in the descriptions.\n");
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    for (CommandLine c : all) {
      section(md, c.getCommandSpec());
    }
    return md.toString();
  }

  private static void collect(CommandLine c, List<CommandLine> into) {
    if (c.getCommandSpec().userObject() instanceof CommandLine.HelpCommand || c.getCommandSpec().usageMessage().hidden()) {
      return;
    }
    into.add(c);
    for (Map.Entry<String, CommandLine> sub : c.getSubcommands().entrySet()) {
      if (sub.getKey().equals(sub.getValue().getCommandName())) { // aliases once
        collect(sub.getValue(), into);
      }
    }
  }

  private static void section(StringBuilder md, CommandSpec spec) {
    md.append("\n## `").append(spec.qualifiedName()).append("`\n\n");
    for (String line : spec.usageMessage().description()) {
      md.append(printf(line)).append("\n\n");
    }
    List<PositionalParamSpec> positionals = spec.positionalParameters();
    List<OptionSpec> options = spec.options().stream().filter(o -> !o.usageHelp() && !o.versionHelp() && !o.hidden())
        .toList();
    if (options.isEmpty() && positionals.isEmpty()) {
      return;
    }
    md.append("| flag | default | description |\n|---|---|---|\n");
    for (OptionSpec o : options) {
      String label = String.join(", ", o.names()) + (o.typeInfo().isBoolean() ? "" : " " + o.paramLabel());
      md.append("| `").append(label.strip()).append("` | ").append(defaultOf(o)).append(" | ")
          .append(cell(withoutDefault(o.description(), o.defaultValueString()))).append(o.required() ? " **(required)**" : "").append(" |\n");
    }
    for (PositionalParamSpec p : positionals) {
      md.append("| `").append(p.paramLabel()).append("` (positional) | ").append(defaultOf(p)).append(" | ")
          .append(cell(p.description())).append(" |\n");
    }
  }

  private static String defaultOf(CommandLine.Model.ArgSpec arg) {
    String value = arg.defaultValueString();
    return value == null || value.equals("null") ? "" : "`" + value + "`";
  }

  /** The description without its "(default: X)" when X is the default column's value already. */
  private static String[] withoutDefault(String[] description, String value) {
    if (value == null || description.length == 0) {
      return description;
    }
    String[] out = description.clone();
    int last = out.length - 1;
    for (String form : new String[] {" (default: " + value + ")", " (default " + value + ")"}) {
      out[last] = out[last].replace(form, "");
    }
    return out;
  }

  private static String cell(String[] description) {
    return printf(String.join(" ", description)).replace("|", "\\|").replace("\n", " ").strip();
  }

  /** Picocli formats help text with printf rules: {@code %%} is a percent sign, {@code %n} a line break. */
  private static String printf(String text) {
    return text.replace("%n", "\n").replace("%%", "%");
  }
}
