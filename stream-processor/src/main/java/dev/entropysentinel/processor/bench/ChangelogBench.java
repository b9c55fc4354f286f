package dev.entropysentinel.processor.bench;

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
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * Changelog bytes per record early and late in a long run, read from the real changelog topics
 * ({@code <application id>-run-state-changelog} and {@code -rank-merge-changelog}) after a real
 * processor processed one run of many steps: the size of each changelog record (key + value bytes,
 * without Kafka's batch framing) attributed to the step its state holds.
 */
final class ChangelogBench {
  /** Steps averaged over at each end: the window ending at step 100 and the one ending at the last step. */
  static final int WINDOW = 10;
  static final int EARLY_STEP = 100;

  /** Mean changelog record bytes over the steps {@code fromStep..toStep} of the run, per store and together. */
  record Window(long fromStep, long toStep, int records, double meanBytes, double runStateMeanBytes,
      double rankMergeMeanBytes) {}

  record Result(int steps, long inputRecords, Window early, Window late) {
    double ratio() {
      return late.meanBytes() / early.meanBytes();
    }
  }

  private final BenchKafka kafka;
  private final ProcessorSettings settings;
  private final PrintWriter progress;

  ChangelogBench(BenchKafka kafka, ProcessorSettings settings, PrintWriter progress) {
    this.kafka = kafka;
    this.settings = settings;
    this.progress = progress;
  }

  /** One run of {@code steps} steps (one rank, a validation every 10) through a fresh processor. */
  Result run(String applicationId, int steps, Duration commitInterval) {
    String run = applicationId + "-long";
    Map<TopicPartition, Long> from = kafka.endOffsets(Backlog.INPUTS);
    try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
      BenchKafka.send(producer, Topics.RUNS, run, BenchRecords.run(run, steps, 1));
      for (int s = 0; s <= steps; s++) {
        double h = BenchRecords.slow(s);
        BenchKafka.send(producer, Topics.STEP_STATS, run, BenchRecords.step(run, 0, 1, s, h));
        if (s % BenchRecords.EVAL_EVERY == 0) {
          BenchKafka.send(producer, Topics.EVALS, run, BenchRecords.eval(run, s, h));
        }
      }
      producer.flush();
    }
    Backlog backlog = new Backlog(from, kafka.endOffsets(Backlog.INPUTS));
    try (BenchProcessor processor = BenchProcessor.start(kafka, applicationId, 1, commitInterval, settings, from)) {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (!kafka.committedUpTo(applicationId, backlog.to())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the processor did not process the long run within 10 minutes");
        }
        LockSupport.parkNanos(20_000_000);
      }
    }
    List<Sized> runState = read(changelog(applicationId, SentinelTopology.RUN_STATE_STORE), run, bytes -> {
      RunState state = StateSerdes.runState().deserializer().deserialize("", bytes);
      return state.meta().lastStep() == null ? -1 : state.meta().lastStep().step();
    });
    List<Sized> rankMerge = read(changelog(applicationId, SentinelTopology.RANK_MERGE_STORE), run,
        bytes -> StateSerdes.json(RankMerge.class).deserializer().deserialize("", bytes).lastMergedStep());
    Result result = new Result(steps, backlog.records(), window(runState, rankMerge, EARLY_STEP - WINDOW + 1, EARLY_STEP),
        window(runState, rankMerge, steps - WINDOW + 1, steps));
    progress.printf(Locale.ROOT, "  changelog: %.0f bytes per record at steps %d-%d, %.0f at steps %d-%d, ratio %.3f%n",
        result.early().meanBytes(), result.early().fromStep(), result.early().toStep(), result.late().meanBytes(),
        result.late().fromStep(), result.late().toStep(), result.ratio());
    progress.flush();
    return result;
  }

  static String changelog(String applicationId, String store) {
    return applicationId + "-" + store + "-changelog";
  }

  /** A changelog record: the step its state holds and its key + value bytes. */
  private record Sized(long step, int bytes) {}

  private List<Sized> read(String topic, String key, ToLongFunction<byte[]> stepOf) {
    Map<TopicPartition, Long> to = kafka.endOffsets(List.of(topic));
    Map<TopicPartition, Long> from = new HashMap<>();
    to.keySet().forEach(tp -> from.put(tp, 0L));
    List<Sized> sized = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(from)) {
      while (to.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(r.key()) && r.value() != null) {
            sized.add(new Sized(stepOf.applyAsLong(r.value()), r.serializedKeySize() + r.serializedValueSize()));
          }
        }
      }
    }
    return sized;
  }

  private static Window window(List<Sized> runState, List<Sized> rankMerge, long fromStep, long toStep) {
    double[] state = sizes(runState, fromStep, toStep);
    double[] merge = sizes(rankMerge, fromStep, toStep);
    if (state.length == 0 || merge.length == 0) {
      throw new IllegalStateException("no changelog record for steps " + fromStep + ".." + toStep
          + " (run-state " + state.length + ", rank-merge " + merge.length + ")");
    }
    double sum = java.util.Arrays.stream(state).sum() + java.util.Arrays.stream(merge).sum();
    return new Window(fromStep, toStep, state.length + merge.length, sum / (state.length + merge.length),
        Samples.of(state).mean(), Samples.of(merge).mean());
  }

  private static double[] sizes(List<Sized> records, long fromStep, long toStep) {
    return records.stream().filter(r -> r.step() >= fromStep && r.step() <= toStep).mapToDouble(Sized::bytes).toArray();
  }
}
