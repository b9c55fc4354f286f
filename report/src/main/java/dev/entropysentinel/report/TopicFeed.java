package dev.entropysentinel.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every recorded topic from its beginning on one thread and hands each record to a listener:
 * the dashboard's {@link RunRecords} or a {@link JsonlRecorder}. It assigns itself every partition
 * (no consumer group, no committed offsets), so each processor instance sees all runs and a
 * restart rebuilds the history from Kafka; {@code read_committed}, so records of aborted
 * exactly-once transactions never show. Topics created later are picked up within seconds.
 */
public final class TopicFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicFeed.class);
  /** How soon to look again for topics while some are missing, and once all are there (partitions may be added). */
  private static final Duration RECHECK = Duration.ofSeconds(2);
  private static final Duration RECHECK_ALL_FOUND = Duration.ofSeconds(30);

  /** Receives each record read; {@code where} names it for error messages (topic-partition@offset). */
  @FunctionalInterface
  public interface Listener {
    void accept(String topic, String where, byte[] json);

    /** Called after each batch of records handed over (a recorder flushes its files here). */
    default void batchDone() {}
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Listener listener;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long recordsRead;

  private TopicFeed(String bootstrapServers, Listener listener, String name) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.listener = listener;
    this.thread = new Thread(this::loop, name);
    this.thread.setDaemon(true);
  }

  /** Starts reading {@link RecordedLayout#TOPICS} from {@code bootstrapServers} into {@code listener}. */
  public static TopicFeed start(String bootstrapServers, Listener listener, String name) {
    TopicFeed feed = new TopicFeed(bootstrapServers, listener, name);
    feed.thread.start();
    return feed;
  }

  /** Records handed to the listener so far. */
  public long recordsRead() {
    return recordsRead;
  }

  private void loop() {
    Set<TopicPartition> assigned = new HashSet<>();
    long nextCheck = 0;
    try {
      while (running) {
        try {
          if (System.nanoTime() >= nextCheck) {
            boolean allFound = reassign(assigned);
            nextCheck = System.nanoTime() + (allFound ? RECHECK_ALL_FOUND : RECHECK).toNanos();
          }
          if (assigned.isEmpty()) {
            Thread.sleep(RECHECK.toMillis() / 4); // no topic yet: nothing to poll
            continue;
          }
          var batch = consumer.poll(Duration.ofMillis(500));
          for (ConsumerRecord<byte[], byte[]> r : batch) {
            listener.accept(r.topic(), r.topic() + "-" + r.partition() + "@" + r.offset(), r.value());
            recordsRead++;
          }
          if (!batch.isEmpty()) {
            listener.batchDone();
          }
        } catch (RetriableException e) {
          // Kafka unreachable for now (e.g. a metadata timeout): the consumer reconnects; keep going
          LOG.warn("{}: {}; retrying", thread.getName(), e.toString());
          nextCheck = 0;
          Thread.sleep(RECHECK.toMillis());
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("{} stopped reading: {}", thread.getName(), e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /**
   * Assigns the partitions not seen before (a topic created late, partitions added) from their
   * beginning; true when every recorded topic has partitions.
   */
  private boolean reassign(Set<TopicPartition> assigned) {
    List<TopicPartition> all = new ArrayList<>();
    boolean allFound = true;
    for (String topic : RecordedLayout.TOPICS) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
      if (infos == null || infos.isEmpty()) {
        allFound = false;
      } else {
        infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
      }
    }
    List<TopicPartition> added = all.stream().filter(tp -> !assigned.contains(tp)).toList();
    if (!added.isEmpty()) {
      assigned.addAll(added);
      consumer.assign(assigned);
      consumer.seekToBeginning(added);
    }
    return allFound;
  }

  /** Stops the thread and closes the consumer. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
