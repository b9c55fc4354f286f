package dev.entropysentinel.forecaster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import dev.entropysentinel.forecaster.ForecastConfig;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLog;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import dev.entropysentinel.forecaster.prior.CoefficientRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sentinel replay}: runs the forecaster over a finished log as if it were live. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = "Replays a training log as if live: fits the entropy law and forecasts the final validation score "
        + "from the first --fit-fraction of the steps, then scores it against the rest of the log.")
public final class ReplayCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--log", required = true, description = "the log file (verl console, verl JSONL, TRL trainer_state.json)")
  Path log;

  @Option(names = "--format", description = "verl, verl-jsonl or trl (default: from the file name)",
      converter = FormatConverter.class)
  LogFormat format;

  @Option(names = "--fit-fraction", defaultValue = "0.15", description = "share of the steps the forecast may see (default ${DEFAULT-VALUE})")
  double fitFraction;

  @Option(names = "--total-steps", defaultValue = "0", description = "the run's planned last step (default: the log's last step)")
  int totalSteps;

  @Option(names = "--json", description = "print exactly one JSON object on stdout")
  boolean json;

  @Option(names = "--prior-registry", paramLabel = "FILE", description = "coefficients (a, b) of earlier runs by model size, "
      + "JSON {\"runs\": [{\"model\", \"params\", \"a\", \"b\"}]}: predicts this run's slope a (log-linear in size); needs --model-size")
  Path priorRegistry;

  @Option(names = "--model-size", paramLabel = "PARAMS", defaultValue = "0",
      description = "non-embedding parameters of this run's model, e.g. 6.5e9 (with --prior-registry)")
  double modelSize;

  @Override
  public Integer call() throws IOException {
    if (!(fitFraction > 0 && fitFraction <= 1)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--fit-fraction must be in (0, 1], was " + fitFraction);
    }
    if (totalSteps < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--total-steps must be >= 0, was " + totalSteps);
    }
    if (!Files.isReadable(log)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--log: cannot read " + log);
    }
    LogFormat chosen = format != null ? format : LogFormat.guess(log);
    MetricLog metrics = MetricLogReader.read(log, chosen);
    ReplayOptions options = new ReplayOptions(fitFraction, totalSteps, forecastConfig(), MonitorConfig.ofDefaults());
    ReplayReport report = new Replay(options).run(log.getFileName().toString(), metrics);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(report));
    } else {
      out.print(ReplaySummary.render(report));
    }
    out.flush();
    return 0;
  }

  private ForecastConfig forecastConfig() {
    if ((priorRegistry == null) != !(modelSize > 0)) {
      throw new CommandLine.ParameterException(spec.commandLine(), priorRegistry == null
          ? "--model-size needs --prior-registry FILE (the earlier runs to predict from)"
          : "--prior-registry needs --model-size PARAMS > 0 (this run's non-embedding parameters), was " + modelSize);
    }
    if (priorRegistry == null) {
      return ForecastConfig.ofDefaults();
    }
    try {
      return ForecastConfig.ofDefaults().withSlopePrior(CoefficientRegistry.load(priorRegistry).slopePrior(modelSize));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--prior-registry: " + e.getMessage());
    }
  }

  /** Accepts the documented spellings (verl-jsonl) as well as the enum names. */
  static final class FormatConverter implements CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      try {
        return LogFormat.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected verl, verl-jsonl or trl but was '" + value + "'");
      }
    }
  }
}
