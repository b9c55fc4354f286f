package dev.entropysentinel.trainer.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import dev.entropysentinel.trainer.cli.SidecarCommand;
import dev.entropysentinel.trainer.emit.EmitterConfig;
import dev.entropysentinel.trainer.emit.KafkaEmitter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The sidecar's figures for the note, printed: CPU time per 1 000 log lines (the reading thread:
 * parse, records, spool; and the emitter's sender and producer threads), and the latency from a log
 * line written by the wrapped job to its step record readable on Kafka, p50/p99. The broker runs in
 * this JVM, so CPU is counted per thread, the broker's excluded. The figures are printed for the
 * note, never asserted (speed is a benchmark's business); the test checks that every pass was sent
 * and acknowledged and that every step of the wrapped runs reached Kafka and was timed.
 */
class SidecarBenchIT {
  private static final int PASSES = 20;
  private static final int ROUNDS = 3;
  /** Steps before this one pay for the emitter's start (topic check, first metadata), about a second. */
  private static final long STEADY_FROM = 20;

  @TempDir Path tmp;

  @Test
  void cpuPerThousandLinesAndLineToKafkaLatency() throws Exception {
    List<String> lines = Files.readAllLines(Captured.log(), StandardCharsets.UTF_8);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      List<double[]> rounds = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        try (KafkaEmitter emitter = KafkaEmitter.start(EmitterConfig.ofDefaults(broker.bootstrapServers(), tmp.resolve("spool-" + round)))) {
          Map<Long, Long> before = senderCpu(threads);
          long ingestCpu = threads.getCurrentThreadCpuTime();
          long wall = System.nanoTime();
          for (int pass = 0; pass < PASSES; pass++) {
            String run = "bench-" + round + "-" + pass;
            JobSpec job = JobSpec.of(List.of(), JobSpec.Trainer.VERL, 105L, null, null);
            LogIngest ingest = new LogIngest(run, job, null, new LogRecords(run, "h", job.method(), null, null), emitter,
                Clock.systemUTC(), IngestProgress.START, n -> {});
            lines.forEach(ingest::line);
          }
          ingestCpu = threads.getCurrentThreadCpuTime() - ingestCpu;
          org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
              .until(() -> emitter.spool().acked().compareTo(emitter.spool().end()) >= 0);
          wall = System.nanoTime() - wall;
          Map<Long, Long> after = senderCpu(threads);
          long sendCpu = 0;
          for (Map.Entry<Long, Long> e : after.entrySet()) {
            sendCpu += e.getValue() - before.getOrDefault(e.getKey(), 0L);
          }
          double perK = 1000.0 / ((double) lines.size() * PASSES);
          rounds.add(new double[] {ingestCpu / 1e6 * perK, sendCpu / 1e6 * perK, wall / 1e6 * perK});
        }
      }
      double ingestMean = rounds.stream().mapToDouble(r -> r[0]).average().orElseThrow();
      double sendMean = rounds.stream().mapToDouble(r -> r[1]).average().orElseThrow();
      System.out.printf(Locale.ROOT, "sidecar CPU per 1000 log lines (%d lines = %d passes of the 7B verl log, %d metric lines each; "
          + "%d rounds): reading thread %.2f ms, emitter+producer threads %.2f ms, total %.2f ms (mean); rounds [read, send, wall ms]: %s%n",
          lines.size() * PASSES, PASSES, 106, ROUNDS, ingestMean, sendMean, ingestMean + sendMean,
          rounds.stream().map(r -> String.format(Locale.ROOT, "[%.2f, %.2f, %.2f]", r[0], r[1], r[2])).toList());

      List<Double> afterRead = new ArrayList<>();
      List<Double> steady = new ArrayList<>();
      List<Double> latencies = latencies(broker, 2, afterRead, steady);
      System.out.printf(Locale.ROOT, "sidecar log line printed by the wrapped stand-in -> step record readable on Kafka (%d steps, a line every "
          + "20 ms): %s; of which from the sidecar reading the line (the record's timestampMs, ms resolution): %s%n", latencies.size(),
          describe(latencies), describe(afterRead));
      System.out.printf(Locale.ROOT, "  steady state (steps >= %d, after the emitter's start: topic check, producer metadata): %s%n",
          STEADY_FROM, describe(steady));
      assertThat(rounds).as("every round measured the reading thread").allSatisfy(r -> assertThat(r[0]).isPositive());
      assertThat(latencies).as("a latency for every step of both wrapped runs").hasSize(2 * 105);
    }
  }

  private static double percentile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get((int) Math.ceil(sorted.size() * q) - 1);
  }

  private static String describe(List<Double> values) {
    return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, mean %.1f ms, max %.1f ms", percentile(values, 0.5),
        percentile(values, 0.99), values.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), percentile(values, 1.0));
  }

  /** CPU time by thread id of the emitter's sender and the producers' network threads. */
  private static Map<Long, Long> senderCpu(ThreadMXBean threads) {
    Map<Long, Long> out = new HashMap<>();
    for (var info : threads.dumpAllThreads(false, false)) {
      if (info.getThreadName().startsWith("sentinel-emitter") || info.getThreadName().contains("sentinel-trainer-emitter")) {
        out.put(info.getThreadId(), Math.max(0, threads.getThreadCpuTime(info.getThreadId())));
      }
    }
    return out;
  }

  /** Runs the wrapped stand-in {@code runs} times; per step, the time from its line being printed to its record arriving. */
  private List<Double> latencies(EmbeddedKafkaBroker broker, int runs, List<Double> afterRead, List<Double> steady) throws Exception {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      String run = "latency-" + UUID.randomUUID();
      Path times = tmp.resolve("times-" + i);
      Map<Long, Long> arrived = new ConcurrentHashMap<>();
      Map<Long, Long> read = new ConcurrentHashMap<>();
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1);
      try (KafkaConsumer<String, StepStats> consumer = new KafkaConsumer<>(p, new StringDeserializer(), WireSerde.of(StepStats.class))) {
        org.apache.kafka.common.TopicPartition any = null;
        List<TopicPartition> parts = new ArrayList<>();
        // the topics exist after the CPU rounds; read every partition from its end
        consumer.partitionsFor(Topics.STEP_STATS).forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
        Thread reader = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            try {
              consumer.poll(Duration.ofMillis(1)).forEach(r -> {
                if (run.equals(r.key())) {
                  arrived.putIfAbsent(r.value().step(), epochNanos());
                  read.putIfAbsent(r.value().step(), r.value().timestampMs() * 1_000_000L);
                }
              });
            } catch (org.apache.kafka.common.errors.WakeupException | org.apache.kafka.common.errors.InterruptException e) {
              return;
            }
          }
        });
        reader.start();
        int code = new CommandLine(new SidecarCommand()).execute("--run-id", run, "--bootstrap", broker.bootstrapServers(),
            "--spool-dir", tmp.resolve("lat-spool-" + i).toString(), "--", "python3", SidecarIT.standin().toString(),
            Captured.log().toString(), "trainer.total_training_steps=105", "--delay-ms=20", "--times-file=" + times);
        assertThat(code).isZero();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> arrived.size() >= 105);
        consumer.wakeup();
        reader.interrupt();
        reader.join();
      }
      for (String line : Files.readAllLines(times)) {
        String[] f = line.split(" ");
        Long at = arrived.get(Long.parseLong(f[0]));
        if (at != null) {
          out.add((at - Long.parseLong(f[1])) / 1e6);
          if (Long.parseLong(f[0]) >= STEADY_FROM) {
            steady.add((at - Long.parseLong(f[1])) / 1e6);
          }
          afterRead.add((at - read.get(Long.parseLong(f[0]))) / 1e6);
        }
      }
    }
    return out;
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
