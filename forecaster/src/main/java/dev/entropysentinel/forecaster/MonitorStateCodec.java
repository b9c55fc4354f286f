package dev.entropysentinel.forecaster;

import dev.entropysentinel.forecaster.codec.Sentences;
import dev.entropysentinel.forecaster.codec.StateBytes;
import java.nio.BufferUnderflowException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link MonitorState} to and from bytes, for the stream processor's changelogged store, which
 * writes a run's state for every input: so a compact binary layout ({@link StateBytes}: varints,
 * raw IEEE doubles, UTF-8 texts) rather than JSON, which was most of the cost of a write and twice
 * the bytes.
 *
 * <p>Exact: doubles round-trip bit for bit (NaN and infinities too), so a state read back decides
 * as the one never written; deterministic (maps by key, sets in enum order), so equal states give
 * equal bytes. Versioned: the first byte is {@link MonitorState#VERSION}; bytes of another version
 * (or the JSON of an older Sentinel) are refused with a message saying what to do.
 *
 * <p>A {@link SampledSeries} is its count, stride and size, its steps as changes of their gaps
 * (mostly one byte each) and its columns. Reasons are packed ({@link Sentences}: template phrases as one byte,
 * numbers two digits a byte), so a run's state does not grow by sentences when a condition fires
 * and is decided on; a decision's reason ends with its detection's, which is written once.
 */
public final class MonitorStateCodec {
  private static final int TEXT = 0;
  /** The reason is the decision's cause's active detection's, after the decision's prefix. */
  private static final int DETECTION_REASON = 1;

  private MonitorStateCodec() {}

  /** The state's bytes. */
  public static byte[] toBytes(MonitorState state) {
    StateBytes.Out out = new StateBytes.Out(1024);
    write(out, state);
    return out.toBytes();
  }

  /** Writes the state's bytes to {@code out}. */
  public static void write(StateBytes.Out out, MonitorState s) {
    out.u8(s.version()).optI64(s.totalSteps() == null ? null : (long) s.totalSteps()).i64(s.lastStep())
        .i64(s.lastValidationStep()).optI64(s.lastSeenMs()).i64(s.entropyCount()).f64(s.smoothedEntropy())
        .f64(s.startLevel()).f64(s.startSum()).f64(s.lowestEntropy()).i64(s.risingFor()).i64(s.misses())
        .bool(s.stopped()).i64(mask(s.decided()));
    out.list(s.activeDetections(), MonitorStateCodec::writeDetection);
    out.list(s.decisions(), (o, d) -> writeDecision(o, d, s));
    out.bool(s.forecast() != null);
    if (s.forecast() != null) {
      writeForecast(out, s.forecast());
    }
    out.enumeration(s.phase()).optI64(s.stepsToCollapse() == null ? null : (long) s.stepsToCollapse());
    writeSeries(out, s.entropyTrajectory());
    writeSeries(out, s.validations());
    writeSeries(out, s.pendingValidations());
  }

  /**
   * Reads a state written by {@link #toBytes}.
   *
   * @throws IllegalArgumentException when the bytes are not a state, or one of another version
   */
  public static MonitorState fromBytes(byte[] bytes) {
    StateBytes.In in = new StateBytes.In(bytes);
    MonitorState state = read(in);
    if (in.remaining() > 0) {
      throw new IllegalArgumentException("monitor state is not readable: " + in.remaining() + " bytes after the state");
    }
    return state;
  }

  /**
   * Reads a state written by {@link #write}.
   *
   * @throws IllegalArgumentException when the bytes are not a state, or one of another version
   */
  public static MonitorState read(StateBytes.In in) {
    int version = in.remaining() == 0 ? -1 : in.u8();
    if (version != MonitorState.VERSION) {
      String found = version == -1 ? "no bytes" : version == '{' ? "the JSON of an older Sentinel"
          : "major version " + version;
      throw new IllegalArgumentException("monitor state has " + found + " but this build reads only version "
          + MonitorState.VERSION + "; run the matching sentinel version or reset the processor's state");
    }
    try {
      Long total = in.optI64();
      int lastStep = in.i32();
      int lastValidationStep = in.i32();
      Long lastSeen = in.optI64();
      long entropyCount = in.i64();
      double smoothed = in.f64();
      double startLevel = in.f64();
      double startSum = in.f64();
      double lowest = in.f64();
      int risingFor = in.i32();
      int misses = in.i32();
      boolean stopped = in.bool();
      Set<DetectionType> decided = decided(in.i64());
      List<Detection> active = in.list(MonitorStateCodec::readDetection);
      List<Decision> decisions = in.list(i -> readDecision(i, active));
      ForecastResult forecast = in.bool() ? readForecast(in) : null;
      RunPhase phase = in.enumeration(RunPhase.values());
      Long toCollapse = in.optI64();
      return new MonitorState(version, total == null ? null : Math.toIntExact(total), lastStep, lastValidationStep,
          lastSeen, entropyCount, smoothed, startLevel, startSum, lowest, risingFor, misses, stopped, active, decided,
          decisions, forecast, phase, toCollapse == null ? null : Math.toIntExact(toCollapse), readSeries(in),
          readSeries(in), readSeries(in));
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("monitor state is not readable: it ends early", e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("monitor state is not readable: " + e.getMessage(), e);
    }
  }

  private static long mask(Set<DetectionType> types) {
    long mask = 0;
    for (DetectionType t : types) {
      mask |= 1L << t.ordinal();
    }
    return mask;
  }

  private static Set<DetectionType> decided(long mask) {
    EnumSet<DetectionType> types = EnumSet.noneOf(DetectionType.class);
    for (DetectionType t : DetectionType.values()) {
      if ((mask & (1L << t.ordinal())) != 0) {
        types.add(t);
      }
    }
    if (mask >>> DetectionType.values().length != 0) {
      throw new IllegalArgumentException("unknown decided condition in mask " + mask);
    }
    return types;
  }

  private static void writeDetection(StateBytes.Out o, Detection d) {
    o.i64(d.step()).enumeration(d.type());
    Sentences.write(o, d.reason());
    writeNumbers(o, d.evidence());
  }

  private static Detection readDetection(StateBytes.In i) {
    return new Detection(i.i32(), i.enumeration(DetectionType.values()), Sentences.read(i), readNumbers(i));
  }

  /** Numbers by name, names packed ({@link Sentences}: evidence keys and model labels are phrases), in name order. */
  private static void writeNumbers(StateBytes.Out o, Map<String, Double> numbers) {
    o.i64(numbers.size());
    new TreeMap<>(numbers).forEach((k, v) -> {
      Sentences.write(o, k);
      o.f64(v);
    });
  }

  private static Map<String, Double> readNumbers(StateBytes.In i) {
    int n = i.i32();
    if (n < 0 || n > i.remaining()) {
      throw new IllegalArgumentException("a map of " + n + " numbers does not fit the bytes left");
    }
    Map<String, Double> numbers = new TreeMap<>();
    for (int k = 0; k < n; k++) {
      numbers.put(Sentences.read(i), i.f64());
    }
    return numbers;
  }

  /** A decision's reason usually ends with its cause's detection's reason, kept in the same state: written once. */
  private static void writeDecision(StateBytes.Out o, Decision d, MonitorState s) {
    o.i64(d.step()).enumeration(d.action()).enumeration(d.cause());
    String detection = s.active(d.cause()).filter(found -> found.step() == d.step()).map(Detection::reason).orElse(null);
    if (detection != null && d.reason().endsWith(detection)) {
      Sentences.writeStart(o.u8(DETECTION_REASON), d.reason(), d.reason().length() - detection.length());
    } else {
      Sentences.write(o.u8(TEXT), d.reason());
    }
    o.i64(d.parameterChanges().size());
    new TreeMap<>(d.parameterChanges()).forEach((k, v) -> {
      Sentences.write(o, k);
      Sentences.write(o, v);
    });
    o.bool(d.dryRun());
  }

  private static Decision readDecision(StateBytes.In i, List<Detection> active) {
    int step = i.i32();
    Decision.Action action = i.enumeration(Decision.Action.values());
    DetectionType cause = i.enumeration(DetectionType.values());
    int kind = i.u8();
    String reason = switch (kind) {
      case TEXT -> Sentences.read(i);
      case DETECTION_REASON -> Sentences.read(i) + active.stream().filter(d -> d.type() == cause && d.step() == step).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("decision at step " + step + " refers to a missing "
              + cause + " detection"))
          .reason();
      default -> throw new IllegalArgumentException("unknown reason kind " + kind);
    };
    int n = i.i32();
    if (n < 0 || n > i.remaining()) {
      throw new IllegalArgumentException("decision at step " + step + " has " + n + " parameters, more than bytes left");
    }
    Map<String, String> parameters = new TreeMap<>();
    for (int k = 0; k < n; k++) {
      parameters.put(Sentences.read(i), Sentences.read(i));
    }
    return new Decision(step, action, cause, reason, parameters, i.bool());
  }

  private static void writeForecast(StateBytes.Out o, ForecastResult r) {
    Sentences.write(o, r.reason());
    o.i64(r.burnInPoints());
    EntropyLawFit fit = r.fit();
    o.i64(fit.n()).f64(fit.meanX()).f64(fit.meanY()).f64(fit.sxx()).f64(fit.sxy()).f64(fit.syy());
    Forecast f = r.forecast();
    o.bool(f != null);
    if (f != null) {
      o.i64(f.targetStep()).f64(f.value()).f64(f.lo()).f64(f.hi()).f64(f.coverage());
      Sentences.write(o, f.model());
      writeNumbers(o, f.weights());
      writeNumbers(o, f.candidates());
      o.i64(f.checks());
    }
  }

  private static ForecastResult readForecast(StateBytes.In i) {
    String reason = Sentences.read(i);
    int burnIn = i.i32();
    EntropyLawFit fit = new EntropyLawFit(i.i64(), i.f64(), i.f64(), i.f64(), i.f64(), i.f64());
    Forecast f = i.bool() ? new Forecast(i.i32(), i.f64(), i.f64(), i.f64(), i.f64(), Sentences.read(i), readNumbers(i),
        readNumbers(i), i.i32()) : null;
    return new ForecastResult(f, reason, fit, burnIn);
  }

  /**
   * Count, stride, size, width, the steps as changes of their gaps (a thinned middle's gaps of
   * hundreds of steps are all equal: one byte each, like the head's and tail's), then each column.
   */
  private static void writeSeries(StateBytes.Out o, SampledSeries s) {
    o.i64(s.count()).i64(s.stride()).i64(s.size()).i64(s.width());
    long previous = 0;
    long gap = 0;
    for (int i = 0; i < s.size(); i++) {
      o.i64(s.step(i) - previous - gap);
      gap = s.step(i) - previous;
      previous = s.step(i);
    }
    for (int c = 0; c < s.width(); c++) {
      for (int i = 0; i < s.size(); i++) {
        o.f64(s.value(c, i));
      }
    }
  }

  private static SampledSeries readSeries(StateBytes.In i) {
    long count = i.i64();
    int stride = i.i32();
    int size = i.i32();
    int width = i.i32();
    if (size < 0 || width < 1 || width > 8 || (long) size * width * Double.BYTES > i.remaining()) {
      throw new IllegalArgumentException("series of " + size + " points of width " + width + " does not fit the bytes left");
    }
    int[] steps = new int[size];
    long previous = 0;
    long gap = 0;
    for (int k = 0; k < size; k++) {
      gap += i.i64();
      steps[k] = Math.toIntExact(previous + gap);
      previous = steps[k];
    }
    double[][] columns = new double[width][size];
    for (int c = 0; c < width; c++) {
      for (int k = 0; k < size; k++) {
        columns[c][k] = i.f64();
      }
    }
    return new SampledSeries(count, stride, steps, columns);
  }
}
