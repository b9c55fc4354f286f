package dev.entropysentinel.trainer.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.trainer.TestRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emitter's bookkeeping against Kafka's MockProducer: acknowledgements, failures, a full spool. */
class KafkaEmitterTest {
  @TempDir Path dir;
  private final List<MockProducer<String, byte[]>> producers = new ArrayList<>();

  private final KafkaEmitter.ProducerFactory factory = new KafkaEmitter.ProducerFactory() {
    @Override
    public Producer<String, byte[]> create(Properties properties) {
      MockProducer<String, byte[]> p = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
      producers.add(p);
      return p;
    }

    @Override
    public void awaitTopics(String bootstrap) {}
  };

  private EmitterConfig config(long spoolBytes) {
    return EmitterConfig.ofDefaults("127.0.0.1:9", dir).withSpoolMaxBytes(spoolBytes).withCloseTimeout(Duration.ofMillis(200));
  }

  private MockProducer<String, byte[]> producer(int i) {
    await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() > i);
    return producers.get(i);
  }

  @Test
  void theAcknowledgedPositionMovesOnlyAfterTheBrokerAcknowledged() throws Exception {
    try (KafkaEmitter emitter = KafkaEmitter.start(config(1 << 20), factory)) {
      for (int s = 0; s < 3; s++) {
        emitter.accept(TestRecords.step("run", s, 0));
      }
      MockProducer<String, byte[]> p = producer(0);
      await().atMost(Duration.ofSeconds(10)).until(() -> p.history().size() == 3);
      assertThat(p.history()).allSatisfy(r -> {
        assertThat(r.topic()).isEqualTo(Topics.STEP_STATS);
        assertThat(r.key()).isEqualTo("run");
      });
      assertThat(emitter.spool().acked()).isEqualTo(SpoolPosition.START);
      p.completeNext();
      p.completeNext();
      await().atMost(Duration.ofSeconds(10)).until(() -> emitter.spool().acked().equals(new SpoolPosition(2)));
    }
  }

  @Test
  void aFailedDeliveryResendsFromTheAcknowledgedPositionWithANewProducer() throws Exception {
    try (KafkaEmitter emitter = KafkaEmitter.start(config(1 << 20), factory)) {
      for (int s = 0; s < 3; s++) {
        emitter.accept(TestRecords.step("run", s, 0));
      }
      MockProducer<String, byte[]> first = producer(0);
      await().atMost(Duration.ofSeconds(10)).until(() -> first.history().size() == 3);
      first.completeNext();
      first.errorNext(new org.apache.kafka.common.errors.TimeoutException("delivery timeout"));
      MockProducer<String, byte[]> second = producer(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> second.history().size() == 2);
      assertThat(second.history().get(0).value()).isEqualTo(first.history().get(1).value());
      while (second.completeNext()) {
        // acknowledge everything resent
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> emitter.spool().acked().equals(new SpoolPosition(3)));
    }
  }

  @Test
  void aFullSpoolDropsAndCountsRecordsWithoutBlockingTraining() throws Exception {
    try (KafkaEmitter emitter = KafkaEmitter.start(config(4096), factory)) {
      for (int s = 0; s < 100; s++) {
        emitter.accept(TestRecords.step("run", s, 0));
      }
      // every accept returned although the producer (no auto-complete) has acknowledged nothing: training never
      // waits for the broker, and what did not fit was counted rather than blocking
      assertThat(emitter.spool().acked()).isEqualTo(new SpoolPosition(0));
      assertThat(emitter.notSpooled()).isPositive();
      assertThat(emitter.spool().bytes()).isLessThanOrEqualTo(4096);
      assertThat(emitter.notSpooled() + emitter.spool().end().next()).isEqualTo(100);
    }
  }
}
