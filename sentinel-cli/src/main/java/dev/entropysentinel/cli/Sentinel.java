package dev.entropysentinel.cli;

import dev.entropysentinel.alerting.cli.AlertingCommand;
import dev.entropysentinel.cli.demo.DemoCommand;
import dev.entropysentinel.forecaster.cli.ReplayCommand;
import dev.entropysentinel.kafka.embedded.BrokerCommand;
import dev.entropysentinel.processor.ProcessCommand;
import dev.entropysentinel.trainer.cli.SidecarCommand;
import dev.entropysentinel.trainer.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sentinel} command: one entry point whose subcommands live next to the code they run
 * (each module owns its picocli command class); this class only wires them together.
 */
@Command(
    name = "sentinel",
    mixinStandardHelpOptions = true,
    versionProvider = Sentinel.Version.class,
    usageHelpAutoWidth = true,
    description = "Entropy Sentinel: watches the policy entropy of RL runs of language models, fits the "
        + "entropy-performance law R = -a*exp(H) + b online, forecasts the ceiling and stops runs that will plateau.",
    subcommands = {
      AlertingCommand.class,
      BrokerCommand.class,
      BenchCommand.class,
      DemoCommand.class,
      ProcessCommand.class,
      ReferenceCommand.class,
      ReplayCommand.class,
      SidecarCommand.class,
      SinkCommand.class,
      TopicCommand.class,
      TrainCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Sentinel implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: choose one of "
        + String.join(", ", spec.subcommands().keySet()) + " (see sentinel --help)");
  }

  /** Builds the command line with our error conventions: usage errors exit 2 and name the flag. */
  public static CommandLine commandLine() {
    return new CommandLine(new Sentinel()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Sentinel.class.getPackage().getImplementationVersion();
      return new String[] {"sentinel " + (v == null ? "(development build)" : v)};
    }
  }
}
