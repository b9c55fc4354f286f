package dev.entropysentinel.processor;

import dev.entropysentinel.forecaster.MonitorTransition;
import dev.entropysentinel.forecaster.wire.WireMapping;
import dev.entropysentinel.processor.internal.MergeProcessor;
import dev.entropysentinel.processor.internal.MonitorProcessor;
import dev.entropysentinel.processor.internal.ParseProcessor;
import dev.entropysentinel.processor.internal.RankMerge;
import dev.entropysentinel.processor.internal.RunState;
import dev.entropysentinel.processor.internal.RunLogic;
import dev.entropysentinel.processor.internal.StateSerdes;
import dev.entropysentinel.processor.internal.StepMerger;
import dev.entropysentinel.processor.internal.WriteBackStore;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.schemas.WireRecord;
import dev.entropysentinel.schemas.WireSerde;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams topology of Sentinel, built by a pure function so it is tested with
 * TopologyTestDriver and run unchanged by {@code sentinel process}:
 *
 * <pre>
 * sentinel.step-stats ─► read ─► merge-ranks (store rank-merge) ─┐
 * sentinel.runs ───────► read ───────────────────────────────────┤
 * sentinel.evals ──────► read ───────────────────────────────────┼─► run-monitor (store run-state) ─► sentinel.forecasts
 * sentinel.control-acks ► read ───────────────────────────────────┘                                 ├► sentinel.alerts
 *                                                                                                   └► sentinel.control
 * </pre>
 *
 * Every topic is keyed by run id, so a run's records meet in one task without repartitioning. Both
 * stores are {@link WriteBackStore}s: the processors work on deserialized values in memory, written
 * to the changelogged stores once per commit.
 * Each {@code read} step parses a record and checks its key; what cannot be read leaves through
 * Streams' processing-error handler to {@code sentinel.dlq} ({@code DeadLetters}).
 */
public final class SentinelTopology {
  /** Per-run rank-merge buffers. */
  public static final String RANK_MERGE_STORE = "rank-merge";
  /** Per-run monitor and decision state, queried by the HTTP API. */
  public static final String RUN_STATE_STORE = "run-state";

  private SentinelTopology() {}

  /** Builds the topology for {@code settings}. */
  public static Topology build(ProcessorSettings settings) {
    StepMerger merger = new StepMerger(settings.graceSteps(), settings.graceTime().toMillis());
    RunLogic logic = new RunLogic(new MonitorTransition(settings.monitor(), settings.forecast()),
        new WireMapping(settings.signer()), settings.policy());
    StringDeserializer keys = new StringDeserializer();
    Serializer<WireRecord> values = (topic, record) -> record == null ? null : WireJson.write(record);
    Topology t = new Topology();
    ByteArrayDeserializer raw = new ByteArrayDeserializer();
    t.addSource("step-stats", keys, raw, Topics.STEP_STATS);
    t.addSource("runs", keys, raw, Topics.RUNS);
    t.addSource("evals", keys, raw, Topics.EVALS);
    t.addSource("control-acks", keys, raw, Topics.CONTROL_ACKS);
    t.addProcessor("read-step-stats", () -> new ParseProcessor<>(WireSerde.stepStats(), StepStats::runId), "step-stats");
    t.addProcessor("read-runs", () -> new ParseProcessor<>(WireSerde.runs(), RunInfo::runId), "runs");
    t.addProcessor("read-evals", () -> new ParseProcessor<>(WireSerde.evals(), EvalResult::runId), "evals");
    t.addProcessor("read-control-acks", () -> new ParseProcessor<>(WireSerde.controlAcks(), ControlAck::runId),
        "control-acks");
    WriteBackStore.Builder<RankMerge> rankMerge = new WriteBackStore.Builder<>(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(RANK_MERGE_STORE), Serdes.String(), StateSerdes.rankMerge()));
    WriteBackStore.Builder<RunState> runState = new WriteBackStore.Builder<>(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(RUN_STATE_STORE), Serdes.String(), StateSerdes.runState()));
    t.addProcessor("merge-ranks", () -> new MergeProcessor(merger, settings.graceTime(), rankMerge), "read-step-stats");
    t.addProcessor("run-monitor", () -> new MonitorProcessor(logic, settings.silenceCheck(), settings.commandCommit(), runState),
        "merge-ranks", "read-runs", "read-evals", "read-control-acks");
    t.addStateStore(rankMerge, "merge-ranks");
    t.addStateStore(runState, "run-monitor");
    StringSerializer keyOut = new StringSerializer();
    t.addSink(MonitorProcessor.FORECASTS, Topics.FORECASTS, keyOut, values, "run-monitor");
    t.addSink(MonitorProcessor.ALERTS, Topics.ALERTS, keyOut, values, "run-monitor");
    t.addSink(MonitorProcessor.CONTROL, Topics.CONTROL, keyOut, values, "run-monitor");
    return t;
  }
}
