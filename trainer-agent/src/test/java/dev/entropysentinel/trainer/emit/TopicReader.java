package dev.entropysentinel.trainer.emit;

import static org.awaitility.Awaitility.await;

import dev.entropysentinel.schemas.WireRecord;
import dev.entropysentinel.schemas.WireSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic back in integration tests. */
public final class TopicReader {
  private TopicReader() {}

  /** Everything on {@code topic} for {@code run}, reading until {@code expected} arrived and a further second is quiet. */
  public static <T extends WireRecord> List<T> consume(String bootstrap, String topic, WireSerde<T> serde,
      String run, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<T> seen = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(p, new StringDeserializer(), serde)) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.key().equals(run)) {
            seen.add(r.value());
          }
        });
        return seen.size() >= expected;
      });
      long quietUntil = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < quietUntil) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.key().equals(run)) {
            seen.add(r.value());
          }
        });
      }
    }
    return seen;
  }

}
