package dev.entropysentinel.cli;

import dev.entropysentinel.influx.cli.InfluxSinkCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Groups the sinks that copy Sentinel's topics into other systems. */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = "Copies Sentinel's topics into other systems (see each subcommand).",
    subcommands = {InfluxSinkCommand.class})
final class SinkCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing sink: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
