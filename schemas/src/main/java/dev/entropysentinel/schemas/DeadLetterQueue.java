package dev.entropysentinel.schemas;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a record that cannot be used reaches {@link Topics#DLQ}: as a {@link DeadLetter}
 * keyed like its source, in records up to {@link TopicSetup#DLQ_MAX_MESSAGE_BYTES}. Services that
 * commit offsets themselves {@link #park} and wait for the broker's ack before committing; the
 * stream processor hands {@link #record} to Kafka Streams' error handler, inside its transaction.
 */
public final class DeadLetterQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterQueue.class);
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<byte[], byte[]> producer;

  private DeadLetterQueue(Producer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  /** A queue writing through its own idempotent producer (acks=all) to {@code bootstrapServers}. */
  public static DeadLetterQueue connect(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSetup.DLQ_MAX_MESSAGE_BYTES);
    return new DeadLetterQueue(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
  }

  /** The dead-letter record of a source record that could not be used, and why. */
  public static ProducerRecord<byte[], byte[]> record(String topic, int partition, long offset, long timestampMs,
      byte[] key, byte[] value, String reason) {
    DeadLetter letter = DeadLetter.of(topic, partition, offset, timestampMs, key, value, reason);
    return new ProducerRecord<>(Topics.DLQ, null, key, WireJson.write(letter));
  }

  /**
   * Writes {@code source} to the dead-letter topic with {@code reason} and waits for the broker's ack.
   *
   * @throws IllegalStateException naming the record when the dead letter cannot be written: the
   *     caller must then not commit the record's offset, so it is read again after a restart
   */
  public void park(ConsumerRecord<byte[], byte[]> source, String reason) {
    String where = source.topic() + "-" + source.partition() + "@" + source.offset();
    try {
      producer.send(record(source.topic(), source.partition(), source.offset(), source.timestamp(), source.key(),
          source.value(), reason)).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      LOG.warn("parked {} on {}: {}", where, Topics.DLQ, reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while parking " + where + " on " + Topics.DLQ, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot park " + where + " on " + Topics.DLQ + " (its offset stays uncommitted): "
          + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
