package dev.entropysentinel.processor;

import dev.entropysentinel.forecaster.DriftShape;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.forecaster.cli.ReplayCommand;
import dev.entropysentinel.schemas.CommandSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sentinel process}: runs one instance of the stream processor until Ctrl-C. */
@Command(
    name = "process",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    defaultValueProvider = ProcessCommand.Defaults.class,
    description = {"Runs the Sentinel stream processor (Kafka Streams, exactly-once): merges the ranks of every step, "
        + "fits the entropy-performance law online, forecasts each run's final score, detects entropy collapse and "
        + "explosion, and sends signed INTERVENE / STOP commands, alerts and forecasts. Serves the live dashboard at /, "
        + "GET /runs, /runs/{id}, /report.json (the dashboard's data), /health and Prometheus /metrics. Start several with the same --application-id to share the runs.",
        "The control key comes from --secret-file or the environment variable " + CommandSigner.KEY_ENV + "."})
public final class ProcessCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, host:port[,host:port]")
  String bootstrap;

  @Option(names = "--http-host", defaultValue = "127.0.0.1", description = "address of the HTTP API, also advertised to the other instances (default: ${DEFAULT-VALUE})")
  String httpHost;

  @Option(names = "--http-port", defaultValue = "8080", description = "port of the HTTP API; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int httpPort;

  @Option(names = "--application-id", defaultValue = "sentinel-processor", description = "Kafka Streams application id shared by the instances of one deployment (default: ${DEFAULT-VALUE})")
  String applicationId;

  @Option(names = "--state-dir", description = "local state directory, kept across restarts for a fast restore (default: ~/.sentinel/streams/<application id>-<http port>)")
  Path stateDir;

  @Option(names = "--threads", defaultValue = "2", description = "stream threads (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--commit-interval-ms", defaultValue = "100", description = "exactly-once commit interval: forecasts, alerts and state are committed this often (default: ${DEFAULT-VALUE})")
  long commitIntervalMs;

  @Option(names = "--command-commit-ms", description = "a stream thread that sent an INTERVENE / STOP commits at once "
      + "instead of at the next commit interval (a trainer reads a command only once it is committed), at most one such "
      + "early commit this many ms after the thread's last commit ended, and not while it catches up on a backlog (a "
      + "record older than 100 ms); 0 lets commands wait for the commit interval (default: ${DEFAULT-VALUE})")
  long commandCommitMs;

  @Option(names = "--partitions", defaultValue = "3", description = "partitions of Sentinel topics created when missing (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(names = "--policy", defaultValue = "advise", description = "advise: every decision is advice; intervene: apply INTERVENE, advise STOP; stop: apply both (default: ${DEFAULT-VALUE})")
  Policy policy;

  @Option(names = "--secret-file", description = "file holding the control signing key (else the environment variable " + CommandSigner.KEY_ENV + ")")
  Path secretFile;

  @Option(names = "--smoothing-steps", description = "span of the entropy's moving average (default: ${DEFAULT-VALUE})")
  int smoothingSteps;

  @Option(names = "--collapse-fraction", description = "entropy collapse below this fraction of the starting entropy (default: ${DEFAULT-VALUE})")
  double collapseFraction;

  @Option(names = "--explosion-factor", description = "entropy explosion above this multiple of the lowest entropy ... (default: ${DEFAULT-VALUE})")
  double explosionFactor;

  @Option(names = "--sustain-steps", description = "... for this many steps (default: ${DEFAULT-VALUE})")
  int sustainSteps;

  @Option(names = "--hysteresis", description = "relative margin a condition must clear by before it can fire again (default: ${DEFAULT-VALUE})")
  double hysteresis;

  @Option(names = "--fit-tolerance", description = "a validation further than this from the law is a miss (default: ${DEFAULT-VALUE})")
  double fitTolerance;

  @Option(names = "--max-forgone", paramLabel = "ACCURACY", description = "final accuracy a STOP may give up for the compute it saves (+-1 rewards: twice this in their units); a plateau STOP needs the slow drift's upper bound over the horizon left and the forecast's gain below it (default: ${DEFAULT-VALUE})")
  double maxForgone;

  @Option(names = "--drift", paramLabel = "SHAPE", converter = ReplayCommand.DriftConverter.class, description = "the slow drift a plateau STOP must rule out: linear (the score may still creep up linearly in steps: safe for any drift that does not speed up) or log (at most like ln(step): stops plateaus earlier, but runs drifting linearly too early) (default: ${DEFAULT-VALUE})")
  DriftShape drift;

  @Option(names = "--min-stop-saving", paramLabel = "SHARE", description = "a plateau STOP only while it still saves at least this share of the planned steps; later the plateau is reported, not stopped (default: ${DEFAULT-VALUE})")
  double minStopSaving;

  @Option(names = "--early-fraction", description = "a collapse before this share of the planned steps is early (default: ${DEFAULT-VALUE})")
  double earlyFraction;

  @Option(names = "--target-score", description = "intervene on an early collapse only when the forecast's upper bound is below this (default: ${DEFAULT-VALUE})")
  double targetScore;

  @Option(names = "--intervention-changes", split = ",", paramLabel = "KEY=VALUE", description = "what an INTERVENE "
      + "asks the trainer to switch to: method=NAME and parameters spelled as the trainer's flags, e.g. "
      + "method=kl-cov,klCovRatio=0.1,klCoef=1 for the built-in tiny trainer (default: ${DEFAULT-VALUE})")
  Map<String, String> interventionChanges;

  @Option(names = "--silence-timeout-s", description = "a run with no record for this many seconds is silent (default: ${DEFAULT-VALUE})")
  long silenceTimeoutSeconds;

  @Option(names = "--grace-steps", defaultValue = "2", description = "a step missing ranks is merged without them once a rank is this many steps ahead (default: ${DEFAULT-VALUE})")
  int graceSteps;

  @Option(names = "--grace-ms", defaultValue = "30000", description = "... or this long after its first rank arrived (default: ${DEFAULT-VALUE})")
  long graceMs;

  @Option(names = "--dashboard", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "serve the live web dashboard at / (charts of every run, from a consumer of the Sentinel topics); "
          + "--no-dashboard serves the JSON API only (default: on)")
  boolean dashboard;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    ProcessorConfig config = config();
    ProcessorApp app = ProcessorApp.start(config, dashboard);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      stopped.countDown();
    }, "processor-shutdown"));
    String base = "http://" + config.httpHost() + ":" + app.httpPort();
    System.out.println("processor ready: " + base + "/runs (policy "
        + config.settings().policy().name().toLowerCase(Locale.ROOT) + (dashboard ? "; dashboard " + base + "/" : "")
        + "; Ctrl-C to stop)");
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** The validated configuration; a bad value becomes a usage error naming its flag. */
  ProcessorConfig config() {
    CommandSigner signer;
    try {
      signer = CommandSigner.fromFileOrEnv(secretFile, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--secret-file: " + e.getMessage(), e);
    }
    try {
      MonitorConfig monitor = new MonitorConfig(smoothingSteps, collapseFraction, explosionFactor, sustainSteps, hysteresis,
          fitTolerance, maxForgone, drift, minStopSaving, earlyFraction, targetScore, Duration.ofSeconds(silenceTimeoutSeconds),
          interventionChanges, false);
      ProcessorSettings settings = ProcessorSettings.ofDefaults(signer).withMonitor(monitor).withPolicy(policy)
          .withGrace(graceSteps, Duration.ofMillis(graceMs)).withCommandCommit(Duration.ofMillis(commandCommitMs));
      Path dir = stateDir != null ? stateDir
          : Path.of(System.getProperty("user.home"), ".sentinel", "streams", applicationId + "-" + httpPort);
      return new ProcessorConfig(bootstrap, applicationId, dir, httpHost, httpPort, threads,
          Duration.ofMillis(commitIntervalMs), partitions, settings);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), flagOf(e.getMessage()) + ": " + e.getMessage(), e);
    }
  }

  /** {@code monitor.collapseFraction must ...} → {@code --collapse-fraction}, the flag that sets it. */
  static String flagOf(String message) {
    String key = message.split(" ", 2)[0];
    String name = key.substring(key.indexOf('.') + 1);
    String flag = "--" + name.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    return switch (flag) {
      case "--silence-timeout" -> "--silence-timeout-s";
      case "--grace-time" -> "--grace-ms";
      case "--stream-threads" -> "--threads";
      case "--commit-interval" -> "--commit-interval-ms";
      case "--command-commit" -> "--command-commit-ms";
      case "--bootstrap-servers" -> "--bootstrap";
      default -> flag;
    };
  }

  /** Detector defaults come from {@link MonitorConfig#ofDefaults()}, the early command commit from {@link ProcessorSettings}: stated once there. */
  static final class Defaults implements CommandLine.IDefaultValueProvider {
    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
      if (!(arg instanceof CommandLine.Model.OptionSpec option)) {
        return null;
      }
      MonitorConfig d = MonitorConfig.ofDefaults();
      return switch (option.longestName()) {
        case "--smoothing-steps" -> Integer.toString(d.smoothingSteps());
        case "--collapse-fraction" -> Double.toString(d.collapseFraction());
        case "--explosion-factor" -> Double.toString(d.explosionFactor());
        case "--sustain-steps" -> Integer.toString(d.sustainSteps());
        case "--hysteresis" -> Double.toString(d.hysteresis());
        case "--fit-tolerance" -> Double.toString(d.fitTolerance());
        case "--max-forgone" -> Double.toString(d.maxForgone());
        case "--drift" -> d.drift().name().toLowerCase(Locale.ROOT);
        case "--min-stop-saving" -> Double.toString(d.minStopSaving());
        case "--early-fraction" -> Double.toString(d.earlyFraction());
        case "--target-score" -> Double.toString(d.targetScore());
        case "--silence-timeout-s" -> Long.toString(d.silenceTimeout().toSeconds());
        case "--command-commit-ms" -> Long.toString(ProcessorSettings.COMMAND_COMMIT.toMillis());
        case "--intervention-changes" -> new TreeMap<>(d.interventionChanges()).entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        default -> null;
      };
    }
  }
}
