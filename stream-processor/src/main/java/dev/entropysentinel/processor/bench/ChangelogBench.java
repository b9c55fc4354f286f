package dev.entropysentinel.processor.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entropysentinel.processor.ProcessorSettings;
import dev.entropysentinel.processor.SentinelTopology;
import dev.entropysentinel.processor.internal.RankMerge;
import dev.entropysentinel.processor.internal.RunState;
import dev.entropysentinel.processor.internal.StateSerdes;
import dev.entropysentinel.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongToDoubleFunction;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * Changelog bytes per input record along long runs, read from the real changelog topics
 * ({@code <application id>-run-state-changelog} and {@code -rank-merge-changelog}) after a real
 * processor processed them: each changelog record's key + value bytes (without Kafka's batch
 * framing), attributed to the step its state holds, summed over the {@link #WINDOW} steps ending at
 * each checkpoint and divided by the input records of those steps, each of which the processor
 * committed on its own, as it does a live run's. Two runs: a steady one the processor never acts on, and one whose entropy
 * collapses midway and gets an INTERVENE (a decision is kept in its state).
 */
final class ChangelogBench {
  static final int WINDOW = 10;
  static final int EARLY_STEP = 100;

  /**
   * The changelog records written for the {@link #WINDOW} steps ending at {@code step}: their bytes
   * per input record (step records and validations of those steps), and the mean size of a
   * run-state record (split into the processor's meta and the monitor state) and of a rank-merge one.
   */
  record Point(long step, int inputRecords, int changelogRecords, double bytesPerInputRecord, double runStateBytes,
      double metaBytes, double monitorBytes, double rankMergeBytes) {}

  /** One run's curve and its last-to-early ratio. */
  record RunCurve(String kind, List<String> decisions, List<Point> points) {
    @JsonProperty
    double ratio() {
      return points.get(points.size() - 1).bytesPerInputRecord() / points.get(0).bytesPerInputRecord();
    }
  }

  record Result(int steps, long inputRecords, List<RunCurve> runs) {}

  private final BenchKafka kafka;
  private final ProcessorSettings settings;
  private final PrintWriter progress;

  ChangelogBench(BenchKafka kafka, ProcessorSettings settings, PrintWriter progress) {
    this.kafka = kafka;
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * Both runs, {@code steps} steps each (one rank, a validation every 10), through one fresh
   * processor: the steps between the windows as a backlog, each step of a window in a commit of its
   * own, as a live run's steps arrive (the stores write a run back once per commit, so a backlog's
   * many steps per commit would hide how large one step's writes are).
   */
  Result run(String applicationId, int steps, Duration commitInterval) {
    Map<String, LongToDoubleFunction> runs = Map.of("steady", BenchRecords::steady, "intervened", BenchRecords::slow);
    long[] checkpoints = LongStream.of(EARLY_STEP, 1_000, 2_000, 5_000, steps).filter(c -> c <= steps).distinct().toArray();
    Map<TopicPartition, Long> from = kafka.endOffsets(Backlog.INPUTS);
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (BenchProcessor processor = BenchProcessor.start(kafka, applicationId, 1, commitInterval, settings, from)
        .awaitRunning();
        KafkaProducer<String, byte[]> producer = kafka.producer()) {
      for (String kind : runs.keySet()) {
        String run = applicationId + "-" + kind;
        BenchKafka.send(producer, Topics.RUNS, run, BenchRecords.run(run, steps, 1));
      }
      long next = 0;
      for (long c : checkpoints) {
        next = send(producer, applicationId, runs, next, c - WINDOW + 1, deadline);
        while (next <= c) {
          next = send(producer, applicationId, runs, next, next + 1, deadline);
        }
      }
    }
    Backlog backlog = new Backlog(from, kafka.endOffsets(Backlog.INPUTS));
    List<Sized> state = read(changelog(applicationId, SentinelTopology.RUN_STATE_STORE), true);
    List<Sized> merge = read(changelog(applicationId, SentinelTopology.RANK_MERGE_STORE), false);
    List<RunCurve> curves = new ArrayList<>();
    for (String kind : List.of("steady", "intervened")) {
      String run = applicationId + "-" + kind;
      List<Sized> mineState = state.stream().filter(r -> r.key().equals(run)).toList();
      List<Sized> mineMerge = merge.stream().filter(r -> r.key().equals(run)).toList();
      List<Point> points = new ArrayList<>();
      for (long c : checkpoints) {
        points.add(point(mineState, mineMerge, c));
      }
      RunCurve curve = new RunCurve(kind, mineState.isEmpty() ? List.of() : mineState.get(mineState.size() - 1).decisions(),
          points);
      curves.add(curve);
      progress.printf(Locale.ROOT, "  changelog, %s run: %.0f bytes per record at step %d, %.0f at step %d, ratio %.3f%n", kind,
          points.get(0).bytesPerInputRecord(), checkpoints[0], points.get(points.size() - 1).bytesPerInputRecord(), steps,
          curve.ratio());
    }
    progress.flush();
    return new Result(steps, backlog.records(), curves);
  }

  /** Sends both runs' steps {@code [first, end)} and waits until the processor has committed them; returns {@code end}. */
  private long send(KafkaProducer<String, byte[]> producer, String applicationId, Map<String, LongToDoubleFunction> runs,
      long first, long end, long deadline) {
    for (long s = first; s < end; s++) {
      for (Map.Entry<String, LongToDoubleFunction> kind : runs.entrySet()) {
        String run = applicationId + "-" + kind.getKey();
        double h = kind.getValue().applyAsDouble(s);
        BenchKafka.send(producer, Topics.STEP_STATS, run, BenchRecords.step(run, 0, 1, s, h));
        if (s % BenchRecords.EVAL_EVERY == 0) {
          BenchKafka.send(producer, Topics.EVALS, run, BenchRecords.eval(run, s, h));
        }
      }
    }
    producer.flush();
    Map<TopicPartition, Long> to = kafka.endOffsets(Backlog.INPUTS);
    while (!kafka.committedUpTo(applicationId, to)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the processor did not process the long runs within 10 minutes");
      }
      LockSupport.parkNanos(5_000_000);
    }
    return end;
  }

  static String changelog(String applicationId, String store) {
    return applicationId + "-" + store + "-changelog";
  }

  /** A changelog record: its run, the step its state holds, its key + value bytes, and for run-state its meta bytes and decisions. */
  private record Sized(String key, long step, int bytes, int metaBytes, int monitorBytes, List<String> decisions) {}

  private List<Sized> read(String topic, boolean runState) {
    Map<TopicPartition, Long> to = kafka.endOffsets(List.of(topic));
    Map<TopicPartition, Long> from = new HashMap<>();
    to.keySet().forEach(tp -> from.put(tp, 0L));
    List<Sized> sized = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(from)) {
      while (to.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && r.value() != null) {
            sized.add(runState ? runState(r) : rankMerge(r));
          }
        }
      }
    }
    return sized;
  }

  private static Sized runState(ConsumerRecord<String, byte[]> r) {
    RunState s = StateSerdes.runState().deserializer().deserialize(r.topic(), r.value());
    long step = s.meta().lastStep() == null ? -1 : s.meta().lastStep().step();
    return new Sized(r.key(), step, r.serializedKeySize() + r.serializedValueSize(), StateSerdes.metaBytes(r.value()),
        StateSerdes.monitorBytes(r.value()),
        s.meta().decisions().stream().map(d -> d.action() + " " + d.cause() + " at step " + d.step()
            + (d.dryRun() ? " (advice)" : "")).toList());
  }

  private static Sized rankMerge(ConsumerRecord<String, byte[]> r) {
    RankMerge m = StateSerdes.rankMerge().deserializer().deserialize(r.topic(), r.value());
    return new Sized(r.key(), m.lastMergedStep(), r.serializedKeySize() + r.serializedValueSize(), 0, 0, List.of());
  }

  private static Point point(List<Sized> state, List<Sized> merge, long step) {
    List<Sized> s = window(state, step);
    List<Sized> m = window(merge, step);
    if (s.isEmpty() || m.isEmpty()) {
      throw new IllegalStateException("no changelog record for the steps up to " + step + " (run-state " + s.size()
          + ", rank-merge " + m.size() + ")");
    }
    double stateBytes = mean(s, Sized::bytes);
    double meta = mean(s, Sized::metaBytes);
    int inputs = (int) LongStream.rangeClosed(step - WINDOW + 1, step).map(x -> x % BenchRecords.EVAL_EVERY == 0 ? 2 : 1).sum();
    double total = s.stream().mapToInt(Sized::bytes).sum() + m.stream().mapToInt(Sized::bytes).sum();
    return new Point(step, inputs, s.size() + m.size(), total / inputs, stateBytes, meta,
        mean(s, Sized::monitorBytes), mean(m, Sized::bytes));
  }

  /** Records attributed to the steps {@code step - WINDOW + 1 .. step}. */
  private static List<Sized> window(List<Sized> records, long step) {
    return records.stream().filter(r -> r.step() > step - WINDOW && r.step() <= step).toList();
  }

  private static double mean(List<Sized> records, java.util.function.ToIntFunction<Sized> f) {
    return records.stream().mapToInt(f).average().orElse(Double.NaN);
  }
}
