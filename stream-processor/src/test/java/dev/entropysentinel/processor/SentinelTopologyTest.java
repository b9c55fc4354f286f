package dev.entropysentinel.processor;

import static dev.entropysentinel.processor.TestRecords.collapsing;
import static dev.entropysentinel.processor.TestRecords.eval;
import static dev.entropysentinel.processor.TestRecords.run;
import static dev.entropysentinel.processor.TestRecords.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.processor.internal.RankMerge;
import dev.entropysentinel.processor.internal.RunState;
import dev.entropysentinel.processor.internal.StateSerdes;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.DeadLetter;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SentinelTopologyTest {
  private static final CommandSigner SIGNER = new CommandSigner("test-control-key-of-32-bytes-ok!".getBytes(StandardCharsets.UTF_8));

  private TopologyTestDriver driver;
  private TestInputTopic<String, StepStats> steps;
  private TestInputTopic<String, EvalResult> evals;
  private TestInputTopic<String, RunInfo> runs;
  private TestInputTopic<String, ControlAck> acks;
  private TestInputTopic<String, byte[]> rawSteps;
  private TestOutputTopic<String, ControlCommand> control;
  private TestOutputTopic<String, Alert> alerts;
  private TestOutputTopic<String, Forecast> forecasts;
  private TestOutputTopic<String, DeadLetter> dlq;

  private void start(ProcessorSettings settings) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/sentinel-ttd-" + System.nanoTime());
    ProcessorConfig config = new ProcessorConfig("unused:9092", "topology-test", java.nio.file.Path.of("unused"), "127.0.0.1", 0,
        1, Duration.ofMillis(100), 1, settings);
    Properties all = ProcessorApp.properties(config);
    all.putAll(p);
    driver = new TopologyTestDriver(SentinelTopology.build(settings), all, Instant.ofEpochMilli(TestRecords.T0));
    StringSerializer keys = new StringSerializer();
    steps = driver.createInputTopic(Topics.STEP_STATS, keys, WireSerde.stepStats());
    evals = driver.createInputTopic(Topics.EVALS, keys, WireSerde.evals());
    runs = driver.createInputTopic(Topics.RUNS, keys, WireSerde.runs());
    acks = driver.createInputTopic(Topics.CONTROL_ACKS, keys, WireSerde.controlAcks());
    rawSteps = driver.createInputTopic(Topics.STEP_STATS, keys, new ByteArraySerializer());
    StringDeserializer keysIn = new StringDeserializer();
    control = driver.createOutputTopic(Topics.CONTROL, keysIn, WireSerde.control());
    alerts = driver.createOutputTopic(Topics.ALERTS, keysIn, WireSerde.alerts());
    forecasts = driver.createOutputTopic(Topics.FORECASTS, keysIn, WireSerde.forecasts());
    dlq = driver.createOutputTopic(Topics.DLQ, keysIn, WireSerde.deadLetters());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private static ProcessorSettings settings(Policy policy, double collapseFraction) {
    ProcessorSettings defaults = ProcessorSettings.ofDefaults(SIGNER);
    return defaults.withMonitor(defaults.monitor().withCollapseFraction(collapseFraction)).withPolicy(policy);
  }

  private RunState state(String run) {
    KeyValueStore<String, RunState> store = driver.getKeyValueStore(SentinelTopology.RUN_STATE_STORE);
    return store.get(run);
  }

  /** Feeds both ranks of steps [from, to) of a collapsing run, with a validation every 10 steps. */
  private void feed(String run, long from, long to) {
    for (long s = from; s < to; s++) {
      steps.pipeInput(run, step(run, 0, 2, s, collapsing(s), 100));
      steps.pipeInput(run, step(run, 1, 2, s, collapsing(s) + 0.02, 300));
      if (s % 10 == 0) {
        evals.pipeInput(run, eval(run, s, 0.3 + 0.4 * (1 - collapsing(s) / 1.2)));
      }
    }
  }

  @Test
  void theRanksOfAStepMergeExactlyIntoTokenMeans() {
    start(settings(Policy.ADVISE, 0.25));
    steps.pipeInput("r", step("r", 0, 2, 3, 0.8, 100));
    steps.pipeInput("r", step("r", 1, 2, 3, 0.4, 300));
    var merged = state("r").meta().lastStep();
    assertThat(merged.step()).isEqualTo(3);
    assertThat(merged.ranks()).containsExactly(0, 1);
    assertThat(merged.missingRanks()).isEmpty();
    assertThat(merged.tokenCount()).isEqualTo(400);
    assertThat(merged.entropyMean()).isCloseTo((0.8 * 100 + 0.4 * 300) / 400, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(merged.rewardSum()).isEqualTo(8 + 9);
    assertThat(merged.correctCount()).isEqualTo(4 + 4);
    assertThat(merged.covariance().count()).isEqualTo(400);
    assertThat(merged.covariance().topGroups()).hasSize(2);
    assertThat(merged.covariance().topGroups().get(0).sum()).isCloseTo(0.5 + 1.5, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void aFieldOneRankDidNotMeasureStaysAbsentInTheMergeAndAnAbsentEntropyNeverReachesTheMonitor() {
    start(settings(Policy.ADVISE, 0.25));
    steps.pipeInput("r", step("r", 0, 1, 1, 0.8, 100));
    StepStats s = step("r", 0, 1, 2, 0.5, 100);
    // as the sidecar sends a log line without an entropy: placeholders, named absent (step-stats 1.1)
    steps.pipeInput("r", new StepStats(s.schemaVersion(), s.runId(), s.host(), s.rank(), s.worldSize(), s.step(), s.timestampMs(),
        s.method(), s.methodParams(), 0, 0, 1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, dev.entropysentinel.schemas.Covariance.empty(), 0, 0, 0,
        0, 0, List.of("entropySum", "tokenCount", "covariance")));
    var merged = state("r").meta().lastStep();
    assertThat(merged.step()).isEqualTo(2);
    assertThat(merged.measured("entropySum")).isFalse();
    assertThat(merged.measured("rewardSum")).isTrue();
    assertThat(state("r").monitor().lastStep()).as("the entropy of step 2 is unknown, not 0").isEqualTo(1);
    var summary = dev.entropysentinel.processor.internal.RunViews.summary(state("r"));
    assertThat(summary.entropy()).isNull();
  }

  @Test
  void aCertainCollapseGetsOneSignedInterveneInTheControlVocabulary() {
    start(settings(Policy.INTERVENE, 0.6));
    runs.pipeInput("r", run("r", 60, 2));
    feed("r", 0, 60);
    List<ControlCommand> commands = control.readValuesToList();
    assertThat(commands).hasSize(1);
    ControlCommand c = commands.get(0);
    assertThat(c.action()).isEqualTo(ControlAction.INTERVENE);
    assertThat(c.dryRun()).isFalse();
    assertThat(c.seq()).isEqualTo(1);
    assertThat(c.parameters()).containsEntry("method", "kl-cov").containsKeys("klCovRatio", "klCoef");
    assertThat(SIGNER.verify(c)).isTrue();
    List<Alert> fired = alerts.readValuesToList();
    assertThat(fired).extracting(Alert::type).contains(Alert.Type.ENTROPY_COLLAPSE, Alert.Type.INTERVENTION);
    assertThat(state("r").meta().decisions()).singleElement().satisfies(d -> assertThat(d.seq()).isEqualTo(1));
  }

  @Test
  void underTheAdvisePolicyTheCommandIsADryRun() {
    start(settings(Policy.ADVISE, 0.6));
    runs.pipeInput("r", run("r", 60, 2));
    feed("r", 0, 60);
    assertThat(control.readValuesToList()).singleElement().satisfies(c -> assertThat(c.dryRun()).isTrue());
  }

  @Test
  void redeliveredRanksChangeNothingAndDecideNothingTwice() {
    start(settings(Policy.INTERVENE, 0.6));
    runs.pipeInput("r", run("r", 60, 2));
    feed("r", 0, 60);
    RunState before = state("r");
    control.readValuesToList();
    alerts.readValuesToList();
    feed("r", 30, 60);
    assertThat(control.readValuesToList()).isEmpty();
    assertThat(alerts.readValuesToList()).isEmpty();
    assertThat(state("r").monitor()).isEqualTo(before.monitor());
  }

  @Test
  void forecastsCarryTheTargetTheIntervalAndThePhase() {
    start(settings(Policy.ADVISE, 0.25));
    runs.pipeInput("r", run("r", 60, 2));
    feed("r", 0, 45);
    Forecast last = forecasts.readValuesToList().stream().reduce((a, b) -> b).orElseThrow();
    assertThat(last.finalStep()).isEqualTo(60);
    assertThat(last.predictedFinal()).isNotNull();
    assertThat(last.predictedLo()).isLessThanOrEqualTo(last.predictedFinal());
    assertThat(last.predictedHi()).isGreaterThanOrEqualTo(last.predictedFinal());
    assertThat(last.model()).isNotBlank();
    assertThat(last.phase()).isNotEqualTo(Forecast.Phase.UNKNOWN);
  }

  @Test
  void withoutARunRecordTheForecastSaysItLacksATarget() {
    start(settings(Policy.ADVISE, 0.25));
    feed("r", 0, 25);
    assertThat(forecasts.readValuesToList()).allSatisfy(f -> {
      assertThat(f.predictedFinal()).isNull();
      assertThat(f.reason()).isNotBlank();
    });
  }

  @Test
  void aMissingRankIsMergedWithoutItAfterTheGraceAndALateOneIsFlagged() {
    start(settings(Policy.ADVISE, 0.25));
    steps.pipeInput("r", step("r", 0, 2, 1, 0.9, 100));
    for (long s = 2; s <= 3; s++) {
      steps.pipeInput("r", step("r", 0, 2, s, 0.9, 100));
      steps.pipeInput("r", step("r", 1, 2, s, 0.9, 100));
    }
    List<Alert> fired = alerts.readValuesToList();
    assertThat(fired).filteredOn(a -> a.type() == Alert.Type.INCOMPLETE_STEP)
        .extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
    assertThat(state("r").meta().incompleteSteps()).isEqualTo(1);
    steps.pipeInput("r", step("r", 1, 2, 1, 0.9, 100));
    assertThat(alerts.readValuesToList()).singleElement().satisfies(a -> {
      assertThat(a.type()).isEqualTo(Alert.Type.INCOMPLETE_STEP);
      assertThat(a.summary()).contains("rank 1 of step 1 arrived after");
    });
    assertThat(state("r").meta().lateRanks()).isEqualTo(1);
  }

  @Test
  void aStepStillMissingARankIsMergedWhenItsGraceTimeEnds() {
    start(settings(Policy.ADVISE, 0.25).withGrace(5, Duration.ofSeconds(30)));
    steps.pipeInput("r", step("r", 0, 2, 1, 0.9, 100));
    assertThat(state("r")).isNull();
    driver.advanceWallClockTime(Duration.ofSeconds(31));
    assertThat(state("r").meta().lastStep().missingRanks()).containsExactly(1);
  }

  @Test
  void unreadableRecordsGoToTheDeadLetterTopicWithTheirReasonAndProcessingGoesOn() {
    start(settings(Policy.ADVISE, 0.25));
    rawSteps.pipeInput("r", "not json at all".getBytes(StandardCharsets.UTF_8));
    rawSteps.pipeInput("r", "{\"schemaVersion\":\"2.0\"}".getBytes(StandardCharsets.UTF_8));
    steps.pipeInput("someone-else", step("r", 0, 1, 1, 0.9, 100));
    steps.pipeInput("r", step("r", 0, 1, 2, 0.9, 100));
    List<DeadLetter> letters = dlq.readValuesToList();
    assertThat(letters).extracting(DeadLetter::reason).satisfiesExactly(
        r -> assertThat(r).startsWith("$: not valid JSON"),
        r -> assertThat(r).startsWith("schemaVersion: major version 2"),
        r -> assertThat(r).startsWith("key: must be the record's run id \"r\""));
    assertThat(letters.get(0).sourceTopic()).isEqualTo(Topics.STEP_STATS);
    assertThat(new String(Base64.getDecoder().decode(letters.get(0).valueBase64()), StandardCharsets.UTF_8))
        .isEqualTo("not json at all");
    assertThat(state("r").meta().lastStep().step()).isEqualTo(2);
  }

  @Test
  void aSilentRunIsAlertedByThePunctuator() {
    start(settings(Policy.ADVISE, 0.25));
    feed("r", 0, 3);
    alerts.readValuesToList();
    driver.advanceWallClockTime(MonitorConfig.ofDefaults().silenceTimeout().plusMinutes(1));
    assertThat(alerts.readValuesToList()).extracting(Alert::type).contains(Alert.Type.SILENT_RUN);
  }

  @Test
  void anAcknowledgementIsRecordedWithItsDecision() {
    start(settings(Policy.INTERVENE, 0.6));
    runs.pipeInput("r", run("r", 60, 2));
    feed("r", 0, 60);
    acks.pipeInput("r", new ControlAck(SchemaVersion.CURRENT, "r", 1, "host-0", 0, 41, TestRecords.T0 + 41_000,
        ControlAck.Status.APPLIED, "switched to kl-cov"));
    assertThat(state("r").meta().decisions()).singleElement().satisfies(d -> {
      assertThat(d.ack()).isEqualTo(ControlAck.Status.APPLIED);
      assertThat(d.ackStep()).isEqualTo(41);
    });
  }

  @Test
  void storedStatesReadBackExactlyWithoutRepeatingTheMonitorsDecision() {
    start(settings(Policy.INTERVENE, 0.6));
    runs.pipeInput("r", run("r", 60, 2));
    feed("r", 0, 60);
    acks.pipeInput("r", new ControlAck(SchemaVersion.CURRENT, "r", 1, "host-0", 0, 41, TestRecords.T0 + 41_000,
        ControlAck.Status.APPLIED, "switched to kl-cov"));
    steps.pipeInput("r", step("r", 0, 2, 60, 0.1, 100));
    RunState run = state("r");
    RankMerge merge = driver.<String, RankMerge>getKeyValueStore(SentinelTopology.RANK_MERGE_STORE).get("r");
    assertThat(merge.pending()).hasSize(1);
    assertThat(roundTrip(StateSerdes.rankMerge(), merge)).isEqualTo(merge);
    assertThat(roundTrip(StateSerdes.runState(), run)).isEqualTo(run);
    assertThat(run.meta().decisions()).singleElement().satisfies(d -> assertThat(d.reason()).contains("ENTROPY_COLLAPSE: "));
    byte[] bytes = StateSerdes.runState().serializer().serialize("", run);
    String meta = new String(bytes, bytes.length - StateSerdes.metaBytes(bytes), StateSerdes.metaBytes(bytes),
        StandardCharsets.ISO_8859_1);
    assertThat(meta).as("the processor's part refers to the monitor's decision").doesNotContain("ENTROPY_COLLAPSE")
        .doesNotContain("INTERVENE").doesNotContain("klCovRatio").doesNotContain("smoothed entropy");
  }

  @Test
  void aStateOfAnotherLayoutIsRefusedSayingWhatToDo() {
    var runState = StateSerdes.runState().deserializer();
    assertThatThrownBy(() -> runState.deserialize("", new byte[] {9, 0, 0}))
        .isInstanceOf(SerializationException.class).hasMessageContaining("run-state state is layout version 9")
        .hasMessageContaining("--application-id");
    assertThatThrownBy(() -> StateSerdes.rankMerge().deserializer().deserialize("", "{\"version\":1}".getBytes(
        StandardCharsets.UTF_8))).isInstanceOf(SerializationException.class).hasMessageContaining("JSON of an older Sentinel");
    assertThatThrownBy(() -> runState.deserialize("", new byte[] {(byte) RunState.Meta.VERSION, 5, 1}))
        .isInstanceOf(SerializationException.class).hasMessageContaining("truncated");
  }

  private static <T> T roundTrip(Serde<T> serde, T value) {
    return serde.deserializer().deserialize("", serde.serializer().serialize("", value));
  }
}
