package dev.entropysentinel.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sentinel report --from DIR}: rebuilds the self-contained HTML report from recorded JSONL. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {"Writes the HTML report (one self-contained file: the dashboard's charts as they stood at the end, "
        + "the forecast at --fit-fraction of each run, alerts and decisions with their reasons, steps and GPU-hours "
        + "saved by each STOP) from a directory of recorded records: one JSONL file per topic, as the demo records "
        + "them (runs.jsonl, step-stats.jsonl, evals.jsonl, forecasts.jsonl, alerts.jsonl, control.jsonl, "
        + "control-acks.jsonl; missing files are empty topics)."})
public final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "the recorded directory")
  Path from;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = "sentinel-report/index.html",
      description = "the report file (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--fit-fraction", defaultValue = "0.15",
      description = "show each run's forecast as it stood at this share of its planned steps (default: ${DEFAULT-VALUE})")
  double fitFraction;

  @Option(names = "--gpu-hours-per-step", paramLabel = "RATE",
      description = "GPU-hours one step costs, for the savings of a STOP (default: each run's mean step time x its world size)")
  Double gpuHoursPerStep;

  @Override
  public Integer call() throws IOException {
    ReportModel.Options options;
    try {
      options = new ReportModel.Options(fitFraction, ReportModel.Options.ofDefaults().maxChartPoints(), run -> true,
          gpuHoursPerStep);
    } catch (IllegalArgumentException e) {
      String flag = e.getMessage().contains("gpuHours") ? "--gpu-hours-per-step" : "--fit-fraction";
      throw new CommandLine.ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
    RunRecords records;
    try {
      records = RunRecords.read(from);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--from: " + e.getMessage());
    }
    ReportModel model = ReportModel.of(records, "report", Clock.systemUTC().millis(), options);
    ReportPage.write(model, out);
    var o = spec.commandLine().getOut();
    o.println("report: " + out.toAbsolutePath() + " (" + model.runs().size() + " run(s)"
        + (model.unreadableRecords() > 0 ? ", " + model.unreadableRecords() + " unreadable record(s) skipped" : "") + ")");
    model.unreadableExamples().forEach(e -> o.println("  skipped " + e));
    o.flush();
    return 0;
  }
}
