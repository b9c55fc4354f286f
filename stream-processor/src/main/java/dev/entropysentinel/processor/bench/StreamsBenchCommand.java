package dev.entropysentinel.processor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.entropysentinel.processor.ProcessorSettings;
import dev.entropysentinel.schemas.CommandSigner;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel bench streams}: the real processor against plain Kafka clients, side by side in
 * one run, with many concurrent runs: throughput, step→command latency, and changelog bytes per
 * record early and late in a long run. Progress goes to stderr, the report to stdout.
 *
 * <p>This module does not carry a Kafka broker: without {@code --bootstrap} the command needs a
 * broker of its own from its constructor (the CLI starts {@code sentinel broker} in a child JVM).
 */
@Command(name = "streams", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"The stream processor (real topology, exactly_once_v2) vs plain Kafka clients, side by side in one run:",
        "  1. throughput vs a plain KafkaConsumer parsing the same backlog (goal ratio >= 0.7);",
        "  2. step record -> signed INTERVENE latency p99 vs the plain produce->consume round trip p99 of the same "
            + "step records (goal ratio <= 5), at each --commit-interval-ms and --command-commit-ms;",
        "  3. changelog bytes per record at step 100 vs the last step of a long run (goal ratio <= 1.5).",
        "Runs collapse early (INTERVENE policy, collapse below 60%% of the starting entropy) so every run gets a command.",
        "Without --bootstrap a throwaway broker runs in a child JVM, as deployed (in the benchmark's JVM its garbage "
            + "collection paused the processor too); with --bootstrap use a scratch cluster: the benchmark "
            + "writes synthetic runs (ids bench-...) to the Sentinel topics and deletes only its own changelog topics."})
public class StreamsBenchCommand implements Callable<Integer> {
  /** A broker the benchmark starts itself and closes at the end. */
  public interface Broker extends AutoCloseable {
    String bootstrapServers();

    @Override
    void close();
  }

  /** Partitions per topic on the benchmark's own broker: tasks split evenly over the default 1 and 2 stream threads. */
  static final int OWN_BROKER_PARTITIONS = 4;

  private final IntFunction<Broker> ownBroker;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--bootstrap", description = "Kafka bootstrap servers of a scratch cluster (default: a throwaway broker of its own in a child JVM)")
  String bootstrap;

  @Option(names = "--partitions", description = "partitions of each Sentinel topic on the benchmark's own broker (default: "
      + OWN_BROKER_PARTITIONS + ", so 1 and 2 stream threads get equal shares of the tasks; a --bootstrap cluster keeps its own)")
  Integer partitions;

  @Option(names = "--runs", defaultValue = "1000", description = "concurrent runs (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--ranks", defaultValue = "2", description = "ranks per run, merged by the processor (default: ${DEFAULT-VALUE})")
  int ranks;

  @Option(names = "--throughput-steps", defaultValue = "30", description = "steps per run in the throughput backlog (default: ${DEFAULT-VALUE})")
  int throughputSteps;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "processor stream threads for throughput, "
      + "comma-separated; latency and the other commit intervals use the last (default: ${DEFAULT-VALUE})")
  List<Integer> threads;

  @Option(names = "--latency-steps", defaultValue = "18", description = "steps per run in a latency measurement; each run "
      + "is told to INTERVENE at step 16 (default: ${DEFAULT-VALUE})")
  int latencySteps;

  @Option(names = "--step-interval-ms", defaultValue = "1000", description = "each run sends one step this often in the "
      + "latency measurement, runs evenly staggered (default: ${DEFAULT-VALUE})")
  long stepIntervalMs;

  @Option(names = "--commit-interval-ms", split = ",", defaultValue = "100,20", description = "exactly-once commit "
      + "intervals, comma-separated: latency at each, throughput at each with the last --threads, and with every "
      + "--threads at the first (default: ${DEFAULT-VALUE}; the processor's default is 100)")
  List<Long> commitIntervalsMs;

  @Option(names = "--command-commit-ms", split = ",", description = "the processor's early commit after a command, "
      + "comma-separated, 0 for none: latency at each with every --commit-interval-ms, throughput at each with the first "
      + "--commit-interval-ms and the last --threads; the other measures use the first (default: the processor's, "
      + "--command-commit-ms of sentinel process)")
  List<Long> commandCommitsMs;

  @Option(names = "--changelog-steps", defaultValue = "10000", description = "length of the two long runs (one steady, "
      + "one intervened) whose changelog bytes per record at step 100 and at their last step are compared "
      + "(default: ${DEFAULT-VALUE})")
  int changelogSteps;

  @Option(names = "--rounds", defaultValue = "2", description = "rounds of throughput and latency (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--max-rounds", defaultValue = "3", description = "more rounds, up to this many, while a ratio's "
      + "spread (max - min) / mean exceeds 20%% (default: ${DEFAULT-VALUE})")
  int maxRounds;

  @Option(names = "--warmup", negatable = true, defaultValue = "true", fallbackValue = "true", description = "first an "
      + "unreported warm-up (the backlog through a plain consumer, one as large of other runs through a processor) so the JIT "
      + "has compiled both sides, and before the latency rounds one unreported latency round at the first setting: a "
      + "processor deciding live runs its own code paths, and a cold first round had the worst p99 in 9 of 10 runs "
      + "(default: on; --no-warmup skips both)")
  boolean warmup;

  @Option(names = "--json", description = "print the report as JSON on stdout")
  boolean json;

  public StreamsBenchCommand() {
    this(null);
  }

  /**
   * @param ownBroker starts a broker with the given partitions per topic when no {@code --bootstrap}
   *     is given; {@code null} makes {@code --bootstrap} required
   */
  protected StreamsBenchCommand(IntFunction<Broker> ownBroker) {
    this.ownBroker = ownBroker;
  }

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter err = spec.commandLine().getErr();
    Broker broker = null;
    if (bootstrap == null) {
      err.println("starting the benchmark's own Kafka broker (give --bootstrap for an external one) ...");
      err.flush();
      broker = ownBroker.apply(partitions == null ? OWN_BROKER_PARTITIONS : partitions);
    }
    String servers = broker == null ? bootstrap : broker.bootstrapServers();
    try (BenchKafka kafka = new BenchKafka(servers)) {
      StreamsBenchReport report = measure(kafka, err, broker == null ? servers
          : "its own (" + (partitions == null ? OWN_BROKER_PARTITIONS : partitions) + " partitions per topic)");
      PrintWriter out = spec.commandLine().getOut();
      out.print(json ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n"
          : report.render());
      out.flush();
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
    return 0;
  }

  private StreamsBenchReport measure(BenchKafka kafka, PrintWriter err, String brokerLabel) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    ProcessorSettings settings = BenchProcessor.intervening(new CommandSigner(key));
    String prefix = "bench-" + HexFormat.of().formatHex(key, 0, 3);
    int latencyThreads = threads.get(threads.size() - 1);
    List<Long> commandCommits = commandCommitsMs != null ? commandCommitsMs
        : List.of(ProcessorSettings.COMMAND_COMMIT.toMillis());
    CommitSetting first = new CommitSetting(commitIntervalsMs.get(0), commandCommits.get(0));
    ThroughputBench throughput = new ThroughputBench(kafka, settings, prefix, err);

    Backlog backlog = Backlog.write(kafka, prefix + "-tp", runs, ranks, throughputSteps);
    // written after the measured backlog even without a warm-up, so the backlog never ends the log (ThroughputBench)
    Backlog after = Backlog.write(kafka, prefix + "-warm", runs, ranks, throughputSteps);
    if (warmup) {
      err.printf("warming up (the backlog through a plain consumer, one as large of other runs through a processor) ...%n");
      err.flush();
      throughput.plain(backlog);
      throughput.streams(after, latencyThreads, first, prefix + "-warm");
    }
    err.printf("throughput: %,d records (%d runs x %d steps x %d ranks, validations, run records) ...%n", backlog.records(),
        runs, throughputSteps, ranks);
    err.flush();
    List<ThroughputBench.Round> tp = new ArrayList<>();
    for (int round = 0; round < maxRounds && (round < rounds || swinging(tp, ThroughputBench.Round::setting,
        ThroughputBench.Round::ratio)); round++) {
      for (int t : threads) {
        tp.add(throughput.round(backlog, t, first, round));
      }
      for (long c : commandCommits.subList(1, commandCommits.size())) {
        tp.add(throughput.round(backlog, latencyThreads, new CommitSetting(first.commitMs(), c), round));
      }
      for (long c : commitIntervalsMs.subList(1, commitIntervalsMs.size())) {
        tp.add(throughput.round(backlog, latencyThreads, new CommitSetting(c, first.commandCommitMs()), round));
      }
    }

    LatencyBench latency = new LatencyBench(kafka, settings, latencyThreads, err);
    err.printf("latency: %d runs x %d ranks, one step per run every %d ms, %d steps ...%n", runs, ranks, stepIntervalMs,
        latencySteps);
    err.flush();
    List<LatencyBench.Round> lat = new ArrayList<>();
    int phase = 0;
    if (warmup) {
      err.printf("  warm-up round (not reported):%n");
      err.flush();
      latency.run(prefix + "-latwarm", runs, ranks, latencySteps, Duration.ofMillis(stepIntervalMs), first);
    }
    for (int round = 0; round < maxRounds && (round < rounds || swinging(lat, LatencyBench.Round::commit,
        LatencyBench.Round::ratioP99)); round++) {
      for (long commitMs : commitIntervalsMs) {
        for (long commandCommitMs : commandCommits) {
          lat.add(latency.run(prefix + "-lat" + (++phase), runs, ranks, latencySteps, Duration.ofMillis(stepIntervalMs),
              new CommitSetting(commitMs, commandCommitMs)));
        }
      }
    }

    err.printf("changelog: two runs of %,d steps ...%n", changelogSteps);
    err.flush();
    ChangelogBench.Result changelog = new ChangelogBench(kafka, settings, err).run(prefix + "-cl", changelogSteps,
        Duration.ofMillis(commitIntervalsMs.get(0)));
    return StreamsBenchReport.of(brokerLabel, runs, ranks, throughputSteps, backlog.records(), tp, latencyThreads,
        stepIntervalMs, latencySteps, lat, changelog);
  }

  /** Whether the ratio of some setting still swings by more than 20% between rounds. */
  private static <R> boolean swinging(List<R> rounds, Function<R, Object> setting, ToDoubleFunction<R> ratio) {
    return rounds.stream().collect(Collectors.groupingBy(setting)).values().stream()
        .anyMatch(mine -> Samples.of(mine.stream().mapToDouble(ratio).toArray()).spread() > 0.2);
  }

  private void validate() {
    require(runs >= 1, "--runs must be >= 1, was " + runs);
    require(ranks >= 1 && ranks <= 64, "--ranks must be in [1, 64], was " + ranks);
    require(throughputSteps >= 1, "--throughput-steps must be >= 1, was " + throughputSteps);
    require(threads.stream().allMatch(t -> t >= 1 && t <= 16), "--threads must each be in [1, 16], was " + threads);
    require(latencySteps >= 17, "--latency-steps must be >= 17 (the runs are told to INTERVENE at step 16), was "
        + latencySteps);
    require(stepIntervalMs >= 1, "--step-interval-ms must be >= 1, was " + stepIntervalMs);
    require(commitIntervalsMs.stream().allMatch(c -> c >= 1), "--commit-interval-ms must each be >= 1, was "
        + commitIntervalsMs);
    require(commandCommitsMs == null || !commandCommitsMs.isEmpty() && commandCommitsMs.stream().allMatch(c -> c >= 0),
        "--command-commit-ms must each be >= 0 (0: no early commit), was " + commandCommitsMs);
    require(changelogSteps >= 2 * ChangelogBench.EARLY_STEP, "--changelog-steps must be >= "
        + 2 * ChangelogBench.EARLY_STEP + " (compared with step " + ChangelogBench.EARLY_STEP + "), was " + changelogSteps);
    require(rounds >= 1, "--rounds must be >= 1, was " + rounds);
    require(maxRounds >= rounds, "--max-rounds must be >= --rounds (" + rounds + "), was " + maxRounds);
    require(bootstrap != null || ownBroker != null, "--bootstrap is required here (no broker of its own in this build): "
        + "give host:port of a scratch Kafka cluster");
    require(bootstrap == null || !bootstrap.isBlank(), "--bootstrap must be host:port[,host:port], was empty");
    require(partitions == null || bootstrap == null, "--partitions applies to the benchmark's own broker only: the topics of a "
        + "--bootstrap cluster keep their partitions; drop one of the two");
    require(partitions == null || partitions >= 1 && partitions <= 64, "--partitions must be in [1, 64], was " + partitions);
  }

  private void require(boolean ok, String message) {
    if (!ok) {
      throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }
}
