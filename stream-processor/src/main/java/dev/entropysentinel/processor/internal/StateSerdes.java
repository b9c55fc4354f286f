package dev.entropysentinel.processor.internal;

import dev.entropysentinel.forecaster.Decision;
import dev.entropysentinel.forecaster.MonitorState;
import dev.entropysentinel.forecaster.MonitorStateCodec;
import dev.entropysentinel.forecaster.codec.StateBytes;
import dev.entropysentinel.forecaster.wire.WireMapping;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.Covariance;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import java.nio.BufferUnderflowException;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the processor's state-store values: compact binary layouts ({@link StateBytes}), each
 * starting with its layout version byte, which a reader of another version refuses with a message
 * saying what to do. Every input re-encodes its run's state, so these are on the hot path.
 *
 * <p>A run's state is {@code [version][monitor state bytes (its own codec)][meta]}. The meta does
 * not repeat what the monitor state already holds: a decision's action, cause and parameters are
 * written as the index of the monitor's decision they equal, a decision's reason and the last
 * forecast's reason as "the monitor's" when they equal what the monitor state gives; as text only
 * otherwise, so reading back is exact.
 */
public final class StateSerdes {
  private static final int REASON_NULL = 0;
  private static final int REASON_FROM_MONITOR = 1;
  private static final int REASON_TEXT = 2;

  private StateSerdes() {}

  /** A run's rank-merge buffers. */
  public static Serde<RankMerge> rankMerge() {
    return Serdes.serdeFrom((topic, m) -> m == null ? null : writeRankMerge(m),
        (topic, bytes) -> bytes == null ? null : read(bytes, "rank-merge", RankMerge.VERSION, StateSerdes::readRankMerge));
  }

  /** A run's state. */
  public static Serde<RunState> runState() {
    return Serdes.serdeFrom((topic, s) -> s == null ? null : writeRunState(s),
        (topic, bytes) -> bytes == null ? null : read(bytes, "run-state", RunState.Meta.VERSION, StateSerdes::readRunState));
  }

  /** Bytes of the processor's meta in a serialized run state, for size reports. */
  public static int metaBytes(byte[] runState) {
    StateBytes.In in = new StateBytes.In(runState);
    in.u8();
    in.bytes();
    return in.remaining();
  }

  /** Bytes of the forecaster's monitor state in a serialized run state, for size reports. */
  public static int monitorBytes(byte[] runState) {
    StateBytes.In in = new StateBytes.In(runState);
    in.u8();
    return in.bytes().length;
  }

  private static <T> T read(byte[] bytes, String what, int version, Function<StateBytes.In, T> reader) {
    if (bytes.length == 0 || (bytes[0] & 0xFF) != version) {
      String found = bytes.length == 0 ? "an empty value" : bytes[0] == '{' ? "JSON of an older Sentinel"
          : "layout version " + (bytes[0] & 0xFF);
      throw new SerializationException(what + " state is " + found + ", this Sentinel reads layout version " + version
          + "; reset the processor's state (a new --application-id) or run the Sentinel that wrote it");
    }
    try {
      StateBytes.In in = new StateBytes.In(bytes);
      in.u8();
      T value = reader.apply(in);
      if (in.remaining() > 0) {
        throw new IllegalArgumentException("bytes left over after the value");
      }
      return value;
    } catch (BufferUnderflowException e) {
      throw new SerializationException("cannot read " + what + " state: truncated (" + bytes.length + " bytes)", e);
    } catch (RuntimeException e) {
      throw new SerializationException("cannot read " + what + " state: " + e.getMessage(), e);
    }
  }

  private static byte[] writeRankMerge(RankMerge m) {
    StateBytes.Out out = new StateBytes.Out().u8(RankMerge.VERSION).i64(m.lastMergedStep()).i64(m.maxSeenStep())
        .i64(m.duplicates()).i64(m.lateRanks());
    out.list(m.pending(), (o, p) -> writeStep(o.i64(p.firstSeenMs()), p.merged()));
    out.i64(m.recentlyMissing().size());
    new java.util.TreeMap<>(m.recentlyMissing()).forEach((step, ranks) -> out.i64(step).list(ranks, StateSerdes::rank));
    return out.toBytes();
  }

  private static RankMerge readRankMerge(StateBytes.In in) {
    long lastMerged = in.i64();
    long maxSeen = in.i64();
    long duplicates = in.i64();
    long late = in.i64();
    var pending = in.list(i -> {
      long firstSeen = i.i64();
      return new RankMerge.Pending(readStep(i), firstSeen);
    });
    int n = in.i32();
    var missing = new java.util.TreeMap<Long, java.util.List<Integer>>();
    for (int k = 0; k < n; k++) {
      missing.put(in.i64(), in.list(StateBytes.In::i32));
    }
    return new RankMerge(RankMerge.VERSION, lastMerged, maxSeen, pending, missing, duplicates, late);
  }

  private static void rank(StateBytes.Out o, int rank) {
    o.i64(rank);
  }

  private static void writeStep(StateBytes.Out o, MergedStep s) {
    o.str(s.runId()).i64(s.step()).i64(s.timestampMs()).i64(s.worldSize()).list(s.ranks(), StateSerdes::rank)
        .list(s.missingRanks(), StateSerdes::rank).str(s.method()).map(s.methodParams(), StateBytes.Out::f64)
        .i64(s.tokenCount()).f64(s.entropySum()).i64(s.responseCount()).f64(s.rewardSum()).i64(s.correctCount())
        .f64(s.responseLengthSum());
    Covariance c = s.covariance();
    o.i64(c.count()).f64(c.sum()).f64(c.sumSquares())
        .list(c.topGroups(), (g, t) -> g.f64(t.fraction()).i64(t.count()).f64(t.sum()));
    o.f64(s.klSum()).f64(s.gradNormMax()).f64(s.stepTimeMsMax()).f64(s.entropyChangePredicted())
        .f64(s.entropyChangeMeasured()).list(s.absentFields(), StateBytes.Out::str);
  }

  private static MergedStep readStep(StateBytes.In i) {
    return new MergedStep(i.str(), i.i64(), i.i64(), i.i32(), i.list(StateBytes.In::i32), i.list(StateBytes.In::i32),
        i.str(), i.map(StateBytes.In::f64), i.i64(), i.f64(), i.i64(), i.f64(), i.i64(), i.f64(),
        new Covariance(i.i64(), i.f64(), i.f64(),
            i.list(g -> new Covariance.TopGroup(g.f64(), g.i64(), g.f64()))),
        i.f64(), i.f64(), i.f64(), i.f64(), i.f64(), i.list(StateBytes.In::str));
  }

  private static byte[] writeRunState(RunState s) {
    RunState.Meta m = s.meta();
    MonitorState monitor = s.monitor();
    StateBytes.Out out = new StateBytes.Out(2048).u8(RunState.Meta.VERSION).bytes(MonitorStateCodec.toBytes(monitor))
        .str(m.runId()).i64(m.commandSeq()).i64(m.incompleteSteps()).i64(m.lateRanks()).i64(m.refusedCommands())
        .bool(m.incompleteFiring());
    out.bool(m.info() != null);
    if (m.info() != null) {
      RunInfo r = m.info();
      out.str(r.schemaVersion()).str(r.runId()).i64(r.timestampMs()).optI64(r.plannedSteps()).str(r.method())
          .map(r.methodParams(), StateBytes.Out::f64).str(r.modelName()).i64(r.parameterCount()).i64(r.worldSize())
          .i64(r.evalInterval()).enumeration(r.scoreScale()).str(r.source());
    }
    out.list(m.decisions(), (o, d) -> {
      o.i64(d.seq()).i64(d.step());
      Decision same = monitorDecision(monitor, d.step(), d.action(), d.cause());
      if (same != null && same.parameterChanges().equals(d.parameters())) {
        o.u8(monitor.decisions().indexOf(same) + 1);
      } else {
        o.u8(0).str(d.action()).str(d.cause()).map(d.parameters(), StateBytes.Out::str);
      }
      reason(o, d.reason(), decisionReason(monitor, d.step(), d.action(), d.cause()));
      o.bool(d.dryRun()).i64(d.issuedAtMs()).enumeration(d.ack()).str(d.ackReason()).optI64(d.ackStep());
    });
    out.bool(m.lastStep() != null);
    if (m.lastStep() != null) {
      writeStep(out, m.lastStep());
    }
    out.bool(m.lastForecast() != null);
    if (m.lastForecast() != null) {
      Forecast f = m.lastForecast();
      reason(out, f.reason(), WireMapping.forecastReason(monitor));
      out.str(f.schemaVersion()).str(f.runId()).i64(f.step()).i64(f.timestampMs()).optF64(f.a()).optF64(f.b())
          .optF64(f.r2()).optF64(f.ceiling()).i64(f.pointsUsed()).i64(f.finalStep()).optF64(f.predictedFinal())
          .optF64(f.predictedLo()).optF64(f.predictedHi()).str(f.model()).optI64(f.stepsToCollapse())
          .enumeration(f.phase());
    }
    return out.toBytes();
  }

  private static RunState readRunState(StateBytes.In in) {
    MonitorState monitor = MonitorStateCodec.fromBytes(in.bytes());
    String runId = in.str();
    long seq = in.i64();
    long incomplete = in.i64();
    long late = in.i64();
    long refused = in.i64();
    boolean firing = in.bool();
    RunInfo info = !in.bool() ? null : new RunInfo(in.str(), in.str(), in.i64(), in.optI64(), in.str(),
        in.map(StateBytes.In::f64), in.str(), in.i64(), in.i32(), in.i32(), in.enumeration(RunInfo.ScoreScale.values()),
        in.str());
    var decisions = in.list(i -> {
      long dseq = i.i64();
      long step = i.i64();
      int same = i.u8();
      if (same > monitor.decisions().size()) {
        throw new IllegalArgumentException("decision " + dseq + " refers to the monitor's decision " + same + " of "
            + monitor.decisions().size());
      }
      Decision d = same == 0 ? null : monitor.decisions().get(same - 1);
      String action = d == null ? i.str() : d.action().name();
      String cause = d == null ? i.str() : d.cause().name();
      var parameters = d == null ? i.map(StateBytes.In::str) : d.parameterChanges();
      String reason = reason(i, () -> decisionReason(monitor, step, action, cause));
      return new RunState.DecisionEntry(dseq, step, action, cause, reason, parameters, i.bool(), i.i64(),
          i.enumeration(ControlAck.Status.values()), i.str(), i.optI64());
    });
    MergedStep lastStep = in.bool() ? readStep(in) : null;
    Forecast forecast = null;
    if (in.bool()) {
      String reason = reason(in, () -> WireMapping.forecastReason(monitor));
      forecast = new Forecast(in.str(), in.str(), in.i64(), in.i64(), in.optF64(), in.optF64(), in.optF64(),
          in.optF64(), in.i64(), in.i64(), in.optF64(), in.optF64(), in.optF64(), in.str(), in.optI64(),
          in.enumeration(Forecast.Phase.values()), reason);
    }
    return new RunState(new RunState.Meta(RunState.Meta.VERSION, runId, info, seq, decisions, lastStep, forecast,
        incomplete, late, refused, firing), monitor);
  }

  private static void reason(StateBytes.Out o, String reason, String monitors) {
    if (reason == null) {
      o.u8(REASON_NULL);
    } else if (reason.equals(monitors)) {
      o.u8(REASON_FROM_MONITOR);
    } else {
      o.u8(REASON_TEXT).str(reason);
    }
  }

  private static String reason(StateBytes.In i, java.util.function.Supplier<String> monitors) {
    int kind = i.u8();
    return switch (kind) {
      case REASON_NULL -> null;
      case REASON_FROM_MONITOR -> monitors.get();
      case REASON_TEXT -> i.str();
      default -> throw new IllegalArgumentException("unknown reason kind " + kind);
    };
  }

  /** The reason a command carries ({@link WireMapping#command}) for the monitor's decision it was sent for. */
  private static String decisionReason(MonitorState monitor, long step, String action, String cause) {
    Decision d = monitorDecision(monitor, step, action, cause);
    return d == null ? null : d.cause() + ": " + d.reason();
  }

  /** The monitor's decision a processor's decision entry was sent for, {@code null} when it is no longer kept. */
  private static Decision monitorDecision(MonitorState monitor, long step, String action, String cause) {
    for (Decision d : monitor.decisions()) {
      if (d.step() == step && d.action().name().equals(action) && d.cause().name().equals(cause)) {
        return d;
      }
    }
    return null;
  }

  /** The reason {@link WireMapping#forecast} gives for the monitor state as it is. */
  private static String forecastReason(MonitorState monitor, String runId) {
    return WireMapping.forecastReason(monitor);
  }
}
