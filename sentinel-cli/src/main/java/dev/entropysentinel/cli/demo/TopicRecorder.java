package dev.entropysentinel.cli.demo;

import dev.entropysentinel.schemas.Topics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Records every Sentinel topic into {@code DIR/<topic>.jsonl}, one record value per line, so the
 * report can be rebuilt from what actually went over the wire ({@code sentinel report --from DIR}).
 * Reads committed records only: a decision an aborted transaction never made is not recorded.
 */
final class TopicRecorder implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final Map<String, BufferedWriter> files = new HashMap<>();
  private final Path dir;
  private final Thread loop;
  private volatile boolean closing;
  private volatile Exception failure;

  private TopicRecorder(String bootstrapServers, Path dir) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "sentinel-demo-recorder-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    this.dir = dir;
    this.loop = new Thread(this::run, "demo-recorder");
  }

  /** File a topic is recorded in: {@code sentinel.step-stats} → {@code step-stats.jsonl}. */
  static Path file(Path dir, String topic) {
    return dir.resolve(topic.replaceFirst("^sentinel\\.", "") + ".jsonl");
  }

  static TopicRecorder start(String bootstrapServers, Path dir) {
    TopicRecorder r = new TopicRecorder(bootstrapServers, dir);
    r.loop.start();
    return r;
  }

  private void run() {
    try {
      consumer.subscribe(List.copyOf(Topics.ALL));
      while (!closing) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            BufferedWriter w = files.computeIfAbsent(r.topic(), this::open);
            w.write(r.value().replace('\n', ' '));
            w.newLine();
          }
        }
        for (BufferedWriter w : files.values()) {
          w.flush();
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        failure = e;
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
      files.values().forEach(TopicRecorder::closeQuietly);
    }
  }

  private BufferedWriter open(String topic) {
    try {
      return Files.newBufferedWriter(file(dir, topic), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void closeQuietly(BufferedWriter w) {
    try {
      w.close();
    } catch (IOException ignored) {
      // the recorder is closing; what was flushed is kept
    }
  }

  /** Why recording stopped early, or {@code null}. */
  Exception failure() {
    return failure;
  }

  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      loop.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
