package dev.entropysentinel.cli.demo;

import dev.entropysentinel.processor.Policy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sentinel demo}: the whole product on one machine, with nothing to install. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    subcommands = VerlStandIn.class,
    description = {
      "Runs the whole pipeline on this machine: an embedded Kafka broker (or --bootstrap), the processor with its "
          + "dashboard, the alerting service with a local webhook receiver that prints every signed alert, and "
          + "trainer agents on the built-in task (GRPO, which collapses, and KL-Cov, which keeps its entropy).",
      "Prints one line per run as it goes; Ctrl-C stops everything cleanly. Records every topic as JSON lines in "
          + "--out and writes the report there."})
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--quick", description = "a shorter run (about one minute on 2 cores) instead of a few minutes")
  boolean quick;

  @Option(names = "--policy", defaultValue = "stop", description = "advise: decisions are only advice; intervene: "
      + "INTERVENE is applied; stop: STOP too (default: ${DEFAULT-VALUE})")
  Policy policy;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "use this Kafka instead of starting an embedded broker")
  String bootstrap;

  @Option(names = "--influx", paramLabel = "URL", description = "also write the time series to this running InfluxDB 1.x, e.g. http://127.0.0.1:8086")
  String influx;

  @Option(names = "--influx-database", defaultValue = "sentinel", description = "database for --influx (default: ${DEFAULT-VALUE})")
  String influxDatabase;

  @Option(names = "--out", defaultValue = "sentinel-report", description = "directory of the recorded topics, the agents' logs and the report (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--http-port", defaultValue = "8080", description = "port of the dashboard and HTTP API; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int httpPort;

  @Option(names = "--collapse-fraction", defaultValue = "0.6", description = "collapse below this fraction of the "
      + "starting entropy; the built-in tiny model starts far less spread out than an LLM, so the demo's threshold "
      + "is higher than the processor's default (default: ${DEFAULT-VALUE})")
  double collapseFraction;

  @Option(names = "--seed", defaultValue = "7", description = "seed of the built-in runs (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--refresh-s", defaultValue = "5", description = "seconds between progress updates (default: ${DEFAULT-VALUE})")
  int refreshSeconds;

  @Override
  public Integer call() throws Exception {
    if (httpPort < 0 || httpPort > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--http-port must be in [0, 65535], was " + httpPort);
    }
    if (!(collapseFraction > 0 && collapseFraction < 1)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--collapse-fraction must be in (0, 1), e.g. 0.6, was " + collapseFraction);
    }
    if (refreshSeconds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--refresh-s must be >= 1, was " + refreshSeconds);
    }
    Path dir = out.toAbsolutePath();
    java.nio.file.Files.createDirectories(dir.resolve("logs"));
    // the services' own logs go to a file: the terminal shows the progress lines and the alerts
    System.setProperty("org.slf4j.simpleLogger.logFile", dir.resolve("logs").resolve("sentinel.log").toString());
    DemoSettings settings = new DemoSettings(quick, policy, bootstrap, influx, influxDatabase, dir,
        httpPort, collapseFraction, seed, refreshSeconds);
    return DemoSession.run(settings, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
