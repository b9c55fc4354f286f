package dev.entropysentinel.processor.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.entropysentinel.processor.ProcessorSettings;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * What a trainer waits for: the time from sending the step record that makes the processor decide
 * (the last rank of the step named in the command) until the signed INTERVENE is readable on
 * {@code sentinel.control} by a read_committed consumer, with many runs sending steps at a steady
 * pace. Side by side, in the same seconds and on the same records: the plain produce→consume round
 * trip of every step record to a read_committed consumer of {@code sentinel.step-stats}.
 */
final class LatencyBench {
  /** One measurement; latencies in milliseconds, kept whole for pooling over rounds. */
  record Round(@JsonUnwrapped CommitSetting commit, double offeredPerSec, Samples control, Samples plain, int commandsMissing,
      @JsonIgnore double[] controlMs, @JsonIgnore double[] plainMs) {
    @JsonProperty
    double ratioP99() {
      return control.p99() / plain.p99();
    }

    @JsonProperty
    double ratioMean() {
      return control.mean() / plain.mean();
    }
  }

  private final BenchKafka kafka;
  private final ProcessorSettings settings;
  private final int threads;
  private final PrintWriter progress;

  LatencyBench(BenchKafka kafka, ProcessorSettings settings, int threads, PrintWriter progress) {
    this.kafka = kafka;
    this.settings = settings;
    this.threads = threads;
    this.progress = progress;
  }

  /**
   * {@code runs} runs of {@code ranks} ranks each send one step every {@code stepInterval},
   * staggered evenly, for {@code steps} steps, to a fresh processor committing as {@code commit} says.
   */
  Round run(String prefix, int runs, int ranks, int steps, Duration stepInterval, CommitSetting commit) {
    Map<TopicPartition, Long> inputs = kafka.endOffsets(Backlog.INPUTS);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, Arrival> commands = new ConcurrentHashMap<>();
    List<Double> plainMs = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Tail control = new Tail(kafka.consumer(kafka.endOffsets(List.of(Topics.CONTROL))), (r, at) -> {
          if (r.key() != null && r.key().startsWith(prefix)) {
            ControlCommand c = WireSerde.control().deserialize(r.topic(), r.value());
            if (!c.dryRun()) {
              commands.putIfAbsent(c.runId(), new Arrival(c.runId() + "/" + c.forecastStep(), at));
            }
          }
        });
        Tail plain = new Tail(kafka.consumer(only(inputs, Topics.STEP_STATS)), (r, at) -> {
          if (r.key() != null && r.key().startsWith(prefix)) {
            StepStats s = WireSerde.stepStats().deserialize(r.topic(), r.value());
            Long sent = sentAt.get(s.runId() + "/" + s.step() + "/" + s.rank());
            if (sent != null) {
              plainMs.add((at - sent) / 1e6);
            }
          }
        });
        BenchProcessor processor = BenchProcessor.start(kafka, prefix, threads, commit.interval(),
            commit.applyTo(settings), inputs).awaitRunning();
        KafkaProducer<String, byte[]> producer = kafka.producer()) {
      long start = System.nanoTime();
      long period = stepInterval.toNanos();
      long records = 0;
      for (int s = 0; s < steps; s++) {
        for (int r = 0; r < runs; r++) {
          LockSupport.parkNanos(start + s * period + r * period / runs - System.nanoTime());
          String run = Backlog.runId(prefix, r);
          if (s == 0) {
            BenchKafka.send(producer, Topics.RUNS, run, BenchRecords.run(run, BenchRecords.PLANNED_STEPS, ranks));
          }
          double h = BenchRecords.collapsing(s);
          for (int rank = 0; rank < ranks; rank++) {
            long now = System.nanoTime();
            sentAt.put(run + "/" + s + "/" + rank, now);
            sentAt.put(run + "/" + s, now);
            BenchKafka.send(producer, Topics.STEP_STATS, run, BenchRecords.step(run, rank, ranks, s, h));
            records++;
          }
          if (s % BenchRecords.EVAL_EVERY == 0) {
            BenchKafka.send(producer, Topics.EVALS, run, BenchRecords.eval(run, s, h));
            records++;
          }
        }
      }
      double offered = records / ((System.nanoTime() - start) / 1e9);
      producer.flush();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (commands.size() < runs && System.nanoTime() < deadline) {
        LockSupport.parkNanos(10_000_000);
      }
      double[] controlMs = commands.values().stream().filter(a -> sentAt.containsKey(a.trigger()))
          .mapToDouble(a -> (a.atNanos() - sentAt.get(a.trigger())) / 1e6).toArray();
      double[] plainValues;
      synchronized (plainMs) {
        plainValues = plainMs.stream().mapToDouble(Double::doubleValue).toArray();
      }
      Round round = new Round(commit, offered, Samples.of(controlMs), Samples.of(plainValues),
          runs - controlMs.length, controlMs, plainValues);
      progress.printf(Locale.ROOT, "  latency, %s, %,.0f rec/s offered: step→control p99 %.1f ms "
          + "(mean %.1f, %d commands), plain round trip p99 %.1f ms (mean %.1f), ratio p99 %.2f%s%n",
          commit.label(), offered, round.control().p99(), round.control().mean(), round.control().count(),
          round.plain().p99(), round.plain().mean(), round.ratioP99(),
          round.commandsMissing() == 0 ? "" : ", " + round.commandsMissing() + " runs got no command");
      progress.flush();
      return round;
    }
  }

  /** A run's first acting command: the (run, step) whose records triggered it, and when it was read. */
  private record Arrival(String trigger, long atNanos) {}

  private static Map<TopicPartition, Long> only(Map<TopicPartition, Long> offsets, String topic) {
    Map<TopicPartition, Long> one = new java.util.HashMap<>();
    offsets.forEach((tp, o) -> {
      if (tp.topic().equals(topic)) {
        one.put(tp, o);
      }
    });
    return one;
  }

  /** A consumer in its own thread handing each record and the time its poll returned (nanoTime) to a handler. */
  private static final class Tail implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    Tail(KafkaConsumer<String, byte[]> consumer, BiConsumer<ConsumerRecord<String, byte[]>, Long> handler) {
      this.consumer = consumer;
      this.thread = new Thread(() -> {
        try {
          while (running) {
            var batch = consumer.poll(Duration.ofMillis(100));
            long at = System.nanoTime();
            batch.forEach(r -> handler.accept(r, at));
          }
        } catch (WakeupException e) {
          // closing
        } finally {
          consumer.close(Duration.ofSeconds(2));
        }
      }, "bench-tail");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      running = false;
      consumer.wakeup();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
