package dev.entropysentinel.trainer.control;

import dev.entropysentinel.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link Topics#CONTROL} for one run on its own thread. It assigns itself the one partition
 * the run's key hashes to (Kafka's default partitioner) and seeks to the commands of the last
 * {@code lookBack}, rather than joining a consumer group: no group coordination or rebalance delay
 * at start, no committed offsets to keep (what matters, the last applied sequence number, is in
 * the checkpoint), and every trainer process of a run sees every command of that run. Commands
 * older than {@code lookBack} would be refused as stale anyway. Only records keyed by the run are
 * passed on (commands for other runs share the partition and are not addressed to this trainer);
 * reads committed records only, since the processor writes under exactly-once transactions.
 */
public final class KafkaControlSource implements ControlSource {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaControlSource.class);

  private final String runId;
  private final KafkaConsumer<String, byte[]> consumer;
  private final ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  private KafkaControlSource(String bootstrap, String runId, Duration lookBack, Clock clock) {
    this.runId = runId;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sentinel-trainer-control-" + runId);
    p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(() -> run(lookBack, clock), "sentinel-control");
    thread.setDaemon(true);
  }

  /** Starts reading in the background. */
  public static KafkaControlSource start(String bootstrap, String runId, Duration lookBack, Clock clock) {
    KafkaControlSource source = new KafkaControlSource(bootstrap, runId, lookBack, clock);
    source.thread.start();
    return source;
  }

  private void run(Duration lookBack, Clock clock) {
    try {
      TopicPartition tp = assign();
      if (tp == null) {
        return;
      }
      long from = clock.millis() - lookBack.toMillis();
      OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(tp, from)).get(tp);
      if (at == null) {
        consumer.seekToEnd(List.of(tp));
      } else {
        consumer.seek(tp, at.offset());
      }
      LOG.info("reading control commands for run {} from {} (commands of the last {} s)", runId, tp, lookBack.toSeconds());
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (runId.equals(r.key()) && r.value() != null) {
            received.add(r.value());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (KafkaException e) {
      LOG.error("control commands for run {} can no longer be read: {}", runId, e.getMessage(), e);
    } finally {
      consumer.close(Duration.ofSeconds(1));
    }
  }

  /** The run's partition of the control topic, waiting while the broker is unreachable. */
  private TopicPartition assign() {
    while (running) {
      try {
        List<PartitionInfo> partitions = consumer.partitionsFor(Topics.CONTROL, Duration.ofSeconds(5));
        if (partitions != null && !partitions.isEmpty()) {
          int p = Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % partitions.size();
          TopicPartition tp = new TopicPartition(Topics.CONTROL, p);
          consumer.assign(List.of(tp));
          return tp;
        }
        LOG.warn("topic {} does not exist yet; control commands for run {} are read once it does", Topics.CONTROL, runId);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        LOG.warn("cannot reach the broker for the partitions of {} ({}); retrying", Topics.CONTROL, e.getMessage());
      }
    }
    return null;
  }

  @Override
  public List<byte[]> poll() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] r; (r = received.poll()) != null; ) {
      out.add(r);
    }
    return out;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
