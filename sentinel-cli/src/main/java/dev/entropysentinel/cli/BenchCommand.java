package dev.entropysentinel.cli;

import dev.entropysentinel.alerting.cli.AlertingBenchCommand;
import dev.entropysentinel.forecaster.cli.FitBenchCommand;
import dev.entropysentinel.influx.cli.InfluxBenchCommand;
import dev.entropysentinel.trainer.cli.TrainerBenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Groups the benchmarks; each measures ratios side by side in one run, never absolute times alone. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print side-by-side ratios (see each subcommand).",
    subcommands = {BenchAllCommand.class, AlertingBenchCommand.class, FitBenchCommand.class, InfluxBenchCommand.class, StreamsBench.class,
      TrainerBenchCommand.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing benchmark: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
