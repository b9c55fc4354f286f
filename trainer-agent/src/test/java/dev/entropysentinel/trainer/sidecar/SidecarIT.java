package dev.entropysentinel.trainer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entropysentinel.forecaster.ForecastConfig;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.forecaster.cli.Replay;
import dev.entropysentinel.forecaster.cli.ReplayOptions;
import dev.entropysentinel.forecaster.cli.ReplayReport;
import dev.entropysentinel.forecaster.ingest.LogFormat;
import dev.entropysentinel.forecaster.ingest.MetricLog;
import dev.entropysentinel.forecaster.ingest.MetricLogReader;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.schemas.WireSerde;
import dev.entropysentinel.trainer.cli.SidecarCommand;
import dev.entropysentinel.trainer.emit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sentinel sidecar} wrapping a stand-in verl job (a script printing a real verl log line by
 * line with delays, checkpointing and dying on signals as verl does) against a real broker: the
 * records it sends give the same forecast as {@code sentinel replay} on the file; a signed STOP
 * waits for the next checkpoint and then ends the job's whole process group; forged and replayed
 * commands are refused; INTERVENE becomes verl overrides and an alert; bad input leaves the job running.
 */
class SidecarIT {
  private static final CommandSigner SIGNER = new CommandSigner("sidecar-it-key-0123456789abcdef!!".getBytes(StandardCharsets.UTF_8));
  private static EmbeddedKafkaBroker broker;

  @TempDir Path tmp;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  static Path standin() throws Exception {
    return Path.of(SidecarIT.class.getResource("/standin/verl_standin.py").toURI());
  }

  private int sidecar(String... args) {
    return new CommandLine(new SidecarCommand()).execute(args);
  }

  private List<String> wrapArgs(String run, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--run-id", run, "--bootstrap", broker.bootstrapServers(), "--spool-dir",
        tmp.resolve("spool").toString(), "--poll-ms", "50"));
    args.addAll(List.of(extra));
    return args;
  }

  private static List<String> job(String... overrides) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("--", "python3", standin().toString(), Captured.log().toString()));
    cmd.addAll(List.of(overrides));
    return cmd;
  }

  @Test
  void theWrappedJobsRecordsGiveTheSameForecastAsReplayOnTheFile() throws Exception {
    String run = "wrap-" + UUID.randomUUID();
    List<String> args = wrapArgs(run);
    args.addAll(job("trainer.total_training_steps=105", "--delay-ms=3"));
    assertThat(sidecar(args.toArray(String[]::new))).isZero();

    List<StepStats> stats = TopicReader.consume(broker.bootstrapServers(), Topics.STEP_STATS, WireSerde.of(StepStats.class), run, 105);
    List<EvalResult> evals = TopicReader.consume(broker.bootstrapServers(), Topics.EVALS, WireSerde.of(EvalResult.class), run, 22);
    List<RunInfo> runs = TopicReader.consume(broker.bootstrapServers(), Topics.RUNS, WireSerde.of(RunInfo.class), run, 1);
    assertThat(runs).first().satisfies(r -> {
      assertThat(r.plannedSteps()).as("from trainer.total_training_steps=").isEqualTo(105L);
      assertThat(r.source()).isEqualTo("sidecar:verl");
    });
    assertThat(stats).extracting(StepStats::step).as("every step once, in order").containsExactlyElementsOf(
        Captured.replayed().entropy().keySet().stream().map(Integer::longValue).toList());
    assertThat(stats).allSatisfy(s -> assertThat(s.absentFields()).contains("tokenCount", "covariance"));

    // What the records say, as a log, against the file itself: the replay forecaster's whole report must agree.
    TreeMap<Integer, Map<String, Double>> rows = new TreeMap<>();
    stats.forEach(s -> rows.computeIfAbsent((int) s.step(), k -> new LinkedHashMap<>()).put("actor/entropy", s.entropyMean()));
    evals.forEach(e -> rows.computeIfAbsent((int) e.step(), k -> new LinkedHashMap<>()).put(e.benchmark(), e.score()));
    MetricLog fromKafka = new MetricLog(LogFormat.VERL, rows, rows.size(), 0, List.of());
    Replay replay = new Replay(new ReplayOptions(0.15, runs.get(0).plannedSteps().intValue(), ForecastConfig.ofDefaults(),
        MonitorConfig.ofDefaults()));
    ReplayReport live = replay.run("kafka", fromKafka);
    ReplayReport file = replay.run("file", MetricLogReader.read(Captured.log(), LogFormat.VERL));
    assertThat(live.finalForecast()).isNotNull().isEqualTo(file.finalForecast());
    assertThat(live.a()).isEqualTo(file.a());
    assertThat(live.b()).isEqualTo(file.b());
    assertThat(live.nowcast()).isEqualTo(file.nowcast());
    assertThat(live.detections()).isEqualTo(file.detections());
    assertThat(live.decisions()).isEqualTo(file.decisions());
  }

  @Test
  void aSignedStopWaitsForTheNextCheckpointThenEndsTheProcessGroupAndForgedOrReplayedOnesAreRefused() throws Exception {
    String run = "stop-" + UUID.randomUUID();
    Path ckpt = tmp.resolve("ckpt");
    Path childPid = tmp.resolve("child.pid");
    Path key = Files.write(tmp.resolve("control.key"), "sidecar-it-key-0123456789abcdef!!".getBytes(StandardCharsets.UTF_8));
    List<String> args = wrapArgs(run, "--secret-file", key.toString(), "--stop-grace", "60", "--kill-grace", "10");
    args.addAll(job("trainer.total_training_steps=105", "trainer.save_freq=10", "trainer.default_local_dir=" + ckpt,
        "--delay-ms=150", "--child-pid-file=" + childPid));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> sidecar(args.toArray(String[]::new)));
    Path marker = ckpt.resolve(StopProcedure.VERL_MARKER);
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker) && Files.readString(marker).equals("10"));
    long child = Long.parseLong(Files.readString(childPid).strip());
    assertThat(ProcessHandle.of(child)).get().matches(ProcessHandle::isAlive);

    try (KafkaProducer<String, byte[]> producer = producer()) {
      ControlCommand stop = command(run, 2, ControlAction.STOP, Map.of());
      send(producer, run, WireJson.write(new CommandSigner("some-other-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8)).sign(stop)));
      send(producer, run, WireJson.write(SIGNER.sign(command(run, 1, ControlAction.INTERVENE, ControlParameters.klCov(0.002, 1.0)))));
      send(producer, run, WireJson.write(SIGNER.sign(stop)));
      send(producer, run, WireJson.write(SIGNER.sign(stop)));
    }
    int code = exit.get(90, TimeUnit.SECONDS);

    assertThat(code).as("stopped after a checkpoint").isZero();
    assertThat(Files.readString(marker)).as("the checkpoint after the STOP landed first").isEqualTo("20");
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    List<StepStats> stats = TopicReader.consume(broker.bootstrapServers(), Topics.STEP_STATS, WireSerde.of(StepStats.class), run, 20);
    // The marker is looked at once a second and the stand-in makes a step every 150 ms: SIGTERM lands within ~7 steps of 20.
    assertThat(stats).extracting(StepStats::step).as("the job ended soon after step 20, not at 105").allMatch(s -> s < 35);
    List<ControlAck> acks = TopicReader.consume(broker.bootstrapServers(), Topics.CONTROL_ACKS, WireSerde.of(ControlAck.class), run, 4);
    assertThat(acks).extracting(ControlAck::seq, ControlAck::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(2L, ControlAck.Status.REFUSED), org.assertj.core.groups.Tuple.tuple(1L, ControlAck.Status.APPLIED),
        org.assertj.core.groups.Tuple.tuple(2L, ControlAck.Status.APPLIED), org.assertj.core.groups.Tuple.tuple(2L, ControlAck.Status.REFUSED));
    assertThat(acks.get(0).reason()).startsWith("forged");
    assertThat(acks.get(3).reason()).startsWith("replayed");
    List<Alert> alerts = TopicReader.consume(broker.bootstrapServers(), Topics.ALERTS, WireSerde.of(Alert.class), run, 1);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.type()).isEqualTo(Alert.Type.INTERVENTION);
      assertThat(a.summary()).contains("actor_rollout_ref.actor.policy_loss.loss_mode=kl_cov");
    });
  }

  @Test
  void aJobIgnoringSigtermIsKilledAfterTheKillGraceAndTheExitCodeSaysSo() throws Exception {
    String run = "kill-" + UUID.randomUUID();
    Path key = Files.write(tmp.resolve("control.key"), "sidecar-it-key-0123456789abcdef!!".getBytes(StandardCharsets.UTF_8));
    Path started = tmp.resolve("times");
    List<String> args = wrapArgs(run, "--secret-file", key.toString(), "--stop-grace", "0", "--kill-grace", "1", "--trainer", "verl");
    args.addAll(job("--delay-ms=200", "--ignore-term", "--times-file=" + started));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> sidecar(args.toArray(String[]::new)));
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started) && Files.readAllLines(started).size() > 2);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      send(producer, run, WireJson.write(SIGNER.sign(command(run, 1, ControlAction.STOP, Map.of()))));
    }
    assertThat(exit.get(60, TimeUnit.SECONDS)).isEqualTo(Sidecar.STOPPED_BY_KILL);
  }

  @Test
  void anUnreadableFollowedLogGetsAClearMessageAndTheJobRunsOn() throws Exception {
    String run = "bad-" + UUID.randomUUID();
    List<String> args = wrapArgs(run, "--follow", tmp.toString(), "--format", "verl-jsonl", "--out", tmp.resolve("out.jsonl").toString());
    args.addAll(job("trainer.total_training_steps=20"));
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cl = new CommandLine(new SidecarCommand());
    cl.setErr(new java.io.PrintWriter(err, true));
    assertThat(cl.execute(args.toArray(String[]::new))).as("the job's own exit code").isZero();
    assertThat(err.toString()).contains("is a directory; give the log file").contains("job exited with 0 by itself");
    java.io.StringWriter usage = new java.io.StringWriter();
    CommandLine nothing = new CommandLine(new SidecarCommand());
    nothing.setErr(new java.io.PrintWriter(usage, true));
    assertThat(nothing.execute("--run-id", "x", "--out", tmp.resolve("o").toString())).isEqualTo(2);
    assertThat(usage.toString()).contains("nothing to watch: give the job after -- (wrap) or --follow FILE");
  }

  @Test
  void aFollowingSidecarRestartedOnTheSameStateSendsEveryStepOnce() throws Exception {
    List<String> lines = Files.readAllLines(Captured.log(), StandardCharsets.UTF_8);
    Path log = tmp.resolve("job.log");
    Path state = tmp.resolve("state.json");
    int cut = 0;
    while (!lines.get(cut).contains("step:50 - ")) {
      cut++;
    }
    Files.write(log, lines.subList(0, cut));
    List<String> common = List.of("--run-id", "follow", "--follow", log.toString(), "--state-file", state.toString(),
        "--idle-exit", "1", "--poll-ms", "50");
    List<String> first = new ArrayList<>(common);
    first.addAll(List.of("--out", tmp.resolve("first.jsonl").toString()));
    assertThat(sidecar(first.toArray(String[]::new))).isZero();
    Files.write(log, lines.subList(cut, lines.size()), java.nio.file.StandardOpenOption.APPEND);
    List<String> second = new ArrayList<>(common);
    second.addAll(List.of("--out", tmp.resolve("second.jsonl").toString()));
    assertThat(sidecar(second.toArray(String[]::new))).isZero();

    List<Long> steps = new ArrayList<>();
    for (String f : List.of("first.jsonl", "second.jsonl")) {
      for (String l : Files.readAllLines(tmp.resolve(f))) {
        com.fasterxml.jackson.databind.JsonNode n = WireJson.mapper().readTree(l);
        if (n.path("type").asText().equals("step-stats")) {
          steps.add(n.path("record").path("step").asLong());
        }
      }
    }
    assertThat(steps).as("no step lost or repeated across the restart").containsExactlyElementsOf(
        Captured.replayed().entropy().keySet().stream().map(Integer::longValue).toList());
    assertThat(Files.readAllLines(tmp.resolve("first.jsonl"))).isNotEmpty();
    assertThat(Files.readAllLines(tmp.resolve("second.jsonl"))).isNotEmpty();
  }

  private static ControlCommand command(String run, long seq, ControlAction action, Map<String, String> parameters) {
    return new ControlCommand(SchemaVersion.CURRENT, run, seq, System.currentTimeMillis(), action, "PLATEAU: test", parameters, 10,
        false, "unsigned");
  }

  private static KafkaProducer<String, byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static void send(KafkaProducer<String, byte[]> producer, String run, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(Topics.CONTROL, run, value)).get();
  }
}
