package dev.entropysentinel.forecaster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import dev.entropysentinel.forecaster.DriftShape;
import dev.entropysentinel.forecaster.ForecastConfig;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.forecaster.ingest.LogFiles;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLog;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import dev.entropysentinel.forecaster.ingest.UnreadableLogException;
import dev.entropysentinel.forecaster.ingest.RunSeries;
import dev.entropysentinel.forecaster.prior.CoefficientRegistry;
import dev.entropysentinel.report.ReportModel;
import dev.entropysentinel.report.ReportPage;
import dev.entropysentinel.report.RunRecords;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel replay}: runs the forecaster over finished logs as if they were live; with
 * {@code --summary}, a backtest over many logs scored as {@code score-forecast} scores it.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    defaultValueProvider = ReplayCommand.Defaults.class,
    description = {"Replays training logs as if live: fits the entropy law and forecasts the final validation score "
        + "from the first --fit-fraction of the steps, then scores it against the rest of the log.",
        "With several --log (or a directory, read recursively, one run per file) and --summary: a backtest, one row "
        + "per log (final, forecast, interval, errors next to the naive baselines, model, what a STOP would have "
        + "saved and forgone) and the aggregate figures of the project's forecast scorer, then the STOPs' totals "
        + "(steps saved overall, stopped runs, worst and mean score forgone, runs forgoing more than --max-forgone)."})
public final class ReplayCommand implements Callable<Integer> {
  /** Exit code when some logs could not be read (the others were still replayed). */
  static final int SOME_LOGS_FAILED = 1;
  /** Exit code of a usage error, as picocli's. */
  static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--log", required = true, paramLabel = "FILE|DIR",
      description = "a log file (verl console, verl JSONL, TRL trainer_state.json) or a directory of them "
          + "(*.log, *.jsonl, *.out, *.txt, trainer_state.json, recursively); repeat for several")
  List<Path> logs;

  @Option(names = "--summary", description = "one row per log and the aggregate figures (a backtest)")
  boolean summary;

  @Option(names = "--format", description = "verl, verl-jsonl, trl (trainer_state.json) or trl-stdout (default: "
      + "detected in each file: .json is trainer_state.json, else the first metric line's format)",
      converter = FormatConverter.class)
  LogFormat format;

  @Option(names = "--logging-steps", defaultValue = "1", paramLabel = "N", description = "TRL stdout only: training's "
      + "logging_steps, which numbers the log calls (a printed dict carries no step; default ${DEFAULT-VALUE})")
  int loggingSteps;

  @Option(names = "--fit-fraction", defaultValue = "0.15", description = "share of the steps the forecast may see (default ${DEFAULT-VALUE})")
  double fitFraction;

  @Option(names = "--total-steps", defaultValue = "0", description = "the run's planned last step (default: the log's last step)")
  int totalSteps;

  @Option(names = "--validation-key", paramLabel = "KEY", description = "the validation metric to forecast (default: "
      + "the candidate logged at the most validation steps; --json lists them as validationKeys)")
  String validationKey;

  @Option(names = "--entropy-key", paramLabel = "KEY", description = "the entropy metric (default: the candidate "
      + "logged at the most steps; --json lists them as entropyKeys)")
  String entropyKey;

  @Option(names = "--max-forgone", paramLabel = "ACCURACY", description = "final accuracy a STOP may give up for "
      + "the compute it saves (+-1 rewards: twice this in their units); a plateau STOP needs the slow drift's upper "
      + "bound over the horizon left and the forecast's gain below it (default: ${DEFAULT-VALUE})")
  double maxForgone;

  @Option(names = "--drift", paramLabel = "SHAPE", converter = DriftConverter.class, description = "the slow drift "
      + "a plateau STOP must rule out: linear (the score may still creep up linearly in steps: safe for any drift "
      + "that does not speed up) or log (at most like ln(step): stops plateaus earlier, but runs drifting linearly "
      + "too early) (default: ${DEFAULT-VALUE})")
  DriftShape drift;

  @Option(names = "--min-stop-saving", paramLabel = "SHARE", description = "a plateau STOP only while it still saves "
      + "at least this share of the planned steps; later the plateau is reported, not stopped (default: ${DEFAULT-VALUE})")
  double minStopSaving;

  @Option(names = "--json", description = "print JSON on stdout: one object for one log, else one array")
  boolean json;

  @Option(names = "--prior-registry", paramLabel = "FILE", description = "coefficients (a, b) of earlier runs by model size, "
      + "JSON {\"runs\": [{\"model\", \"params\", \"a\", \"b\"}]}: predicts this run's slope a (log-linear in size); needs --model-size")
  Path priorRegistry;

  @Option(names = "--model-size", paramLabel = "PARAMS", defaultValue = "0",
      description = "non-embedding parameters of this run's model, e.g. 6.5e9 (with --prior-registry)")
  double modelSize;

  @Option(names = "--html", paramLabel = "FILE", description = "also write the replayed logs as the HTML report (one "
      + "self-contained file, the dashboard's charts per log: entropy and reward, validation with the forecast band, "
      + "R vs e^H with the fitted law, alerts and decisions with their reasons, steps a STOP would have saved)")
  Path html;

  /** The replayed runs' records, for --html. */
  private final RunRecords htmlRecords = new RunRecords();

  @Override
  public Integer call() throws IOException {
    if (!(fitFraction > 0 && fitFraction <= 1)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--fit-fraction must be in (0, 1], was " + fitFraction);
    }
    if (loggingSteps < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--logging-steps must be >= 1, was " + loggingSteps);
    }
    if (totalSteps < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--total-steps must be >= 0, was " + totalSteps);
    }
    Replay replay = new Replay(new ReplayOptions(fitFraction, totalSteps, forecastConfig(), monitorConfig(),
        entropyKey, validationKey));
    List<Path> files = new ArrayList<>();
    List<Backtest.Outcome> outcomes = new ArrayList<>();
    for (Path given : logs) {
      try {
        files.addAll(LogFiles.expand(given));
      } catch (UnreadableLogException e) {
        outcomes.add(Backtest.Outcome.failed(name(given), "--log " + e.getMessage()));
      }
    }
    boolean single = logs.size() == 1 && files.size() <= 1 && !summary;
    for (Path file : files) {
      outcomes.add(replay(replay, file));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (html != null) {
      ReportModel model = ReportModel.of(htmlRecords, "report", System.currentTimeMillis(),
          ReportModel.Options.ofDefaults().withFitFraction(fitFraction));
      ReportPage.write(model, html);
      err.println("sentinel replay: report of " + model.runs().size() + " log(s) written to " + html.toAbsolutePath());
    }
    List<Backtest.Outcome> failed = outcomes.stream().filter(o -> o.report() == null).toList();
    if (single && !failed.isEmpty()) {
      err.println("sentinel replay: " + failed.get(0).error());
      err.flush();
      return USAGE;
    }
    List<ReplayReport> reports = outcomes.stream().map(Backtest.Outcome::report).filter(Objects::nonNull).toList();
    ObjectMapper mapper = new ObjectMapper();
    if (summary) {
      Backtest backtest = Backtest.of(outcomes, maxForgone);
      out.print(json ? mapper.writeValueAsString(backtest.asArray()) + "\n" : backtest.render());
    } else if (json) {
      out.println(mapper.writeValueAsString(single ? reports.get(0) : reports));
    } else {
      out.print(reports.stream().map(ReplaySummary::render).collect(Collectors.joining("\n")));
    }
    out.flush();
    if (!summary) {
      failed.forEach(o -> err.println("sentinel replay: " + o.error()));
    }
    err.flush();
    return failed.isEmpty() ? 0 : SOME_LOGS_FAILED;
  }

  /** Reads and replays one file; what goes wrong becomes the outcome's one-line error, never a trace. */
  private Backtest.Outcome replay(Replay replay, Path file) {
    try {
      MetricLog metrics = MetricLogReader.read(file, format != null ? format : LogFormat.detect(file), loggingSteps);
      return Backtest.Outcome.of(html == null ? replay.run(name(file), metrics)
          : replay.run(name(file), metrics, (series, steps) -> recorder(name(file), metrics, steps, series)));
    } catch (UnreadableLogException e) {
      return Backtest.Outcome.failed(name(file), "--log " + e.getMessage());
    } catch (IOException e) {
      return Backtest.Outcome.failed(name(file), "--log " + file + ": cannot be read (" + e.getMessage() + ")");
    } catch (IllegalArgumentException e) {
      String flag = e.getMessage().startsWith("the validation") ? "--validation-key" : "--entropy-key";
      return Backtest.Outcome.failed(name(file), flag + ": " + file + ": " + e.getMessage());
    }
  }

  /** Records the replay of one log for --html; its records are added to the report once the replay finished. */
  private MonitorReplay.Observer recorder(String name, MetricLog metrics, int steps, RunSeries series) {
    String runId = name;
    for (int n = 2; taken(runId); n++) {
      runId = name + "#" + n;
    }
    return new ReplayRecords(runId, metrics, steps, series.validationKey(), htmlRecords::add);
  }

  private boolean taken(String runId) {
    return htmlRecords.read(runs -> runs.containsKey(runId));
  }

  private static String name(Path file) {
    return file.getFileName() == null ? file.toString() : file.getFileName().toString();
  }

  /** The default policy with this command's STOP settings; a bad value is a usage error naming the flag. */
  private MonitorConfig monitorConfig() {
    try {
      return MonitorConfig.ofDefaults().withMaxForgone(maxForgone).withDrift(drift).withMinStopSaving(minStopSaving);
    } catch (IllegalArgumentException e) {
      String flag = e.getMessage().startsWith("monitor.minStopSaving") ? "--min-stop-saving" : "--max-forgone";
      throw new CommandLine.ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
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

  /** The policy's defaults come from {@link MonitorConfig#ofDefaults()}, stated once there (as for {@code sentinel process}). */
  static final class Defaults implements CommandLine.IDefaultValueProvider {
    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
      if (!(arg instanceof CommandLine.Model.OptionSpec o)) {
        return null;
      }
      return switch (o.longestName()) {
        case "--max-forgone" -> Double.toString(MonitorConfig.ofDefaults().maxForgone());
        case "--drift" -> MonitorConfig.ofDefaults().drift().name().toLowerCase(Locale.ROOT);
        case "--min-stop-saving" -> Double.toString(MonitorConfig.ofDefaults().minStopSaving());
        default -> null;
      };
    }
  }

  /** linear or log, any case (also for {@code sentinel process}). */
  public static final class DriftConverter implements CommandLine.ITypeConverter<DriftShape> {
    @Override
    public DriftShape convert(String value) {
      try {
        return DriftShape.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected linear or log but was '" + value + "'");
      }
    }
  }

  /** Accepts the documented spellings (verl-jsonl, trl-stdout) as well as the enum names; the sidecar's --format too. */
  public static final class FormatConverter implements CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      try {
        return LogFormat.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected verl, verl-jsonl, trl or trl-stdout but was '" + value + "'");
      }
    }
  }
}
