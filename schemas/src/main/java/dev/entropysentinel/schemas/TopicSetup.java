package dev.entropysentinel.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The one path that creates Sentinel's topics (idempotently) and waits until every partition has a
 * leader (the dead-letter topic takes records up to {@link #DLQ_MAX_MESSAGE_BYTES}): an idempotent producer that writes before that can lose its first batch to NOT_LEADER
 * and then OUT_OF_ORDER_SEQUENCE retries (servers.md). Used by the embedded broker, the processor
 * and the trainer agents alike, on the embedded broker or an external cluster.
 */
public final class TopicSetup {
  /**
   * Largest record on the dead-letter topic: a dead letter keeps an unreadable record whole, base64
   * (4/3 of its size) inside JSON, so a record near Kafka's 1 MiB default needs more than 1 MiB.
   * Producers writing dead letters set {@code max.request.size} to this.
   */
  public static final int DLQ_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private TopicSetup() {}

  /**
   * Creates every topic of {@link Topics#ALL} that is missing and waits for all their leaders.
   *
   * @param replication replication factor for topics created here (1 on a single broker)
   * @param topicConfig extra topic settings for topics created here (e.g. retention)
   * @throws IllegalStateException naming the bootstrap address when the cluster cannot be reached in time
   */
  public static void ensure(String bootstrapServers, int partitions, short replication, Map<String, String> topicConfig,
      Duration timeout) {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : Topics.ALL) {
      Map<String, String> config = new HashMap<>(topicConfig);
      if (name.equals(Topics.DLQ)) {
        config.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(DLQ_MAX_MESSAGE_BYTES));
      }
      topics.add(new NewTopic(name, partitions, replication).configs(config));
    }
    ensure(bootstrapServers, topics, timeout);
  }

  /** Creates the given topics when missing and waits for the leaders of all their partitions. */
  public static void ensure(String bootstrapServers, List<NewTopic> topics, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // The admin client refuses an API timeout below its request timeout: bound each request by the whole timeout.
    int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 30_000));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    try (Admin admin = Admin.create(p)) {
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic.name() + " on " + bootstrapServers + ": "
                + e.getCause().getMessage(), e);
          }
        }
      }
      awaitLeaders(admin, topics.stream().map(NewTopic::name).toList(), deadline, bootstrapServers);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics on " + bootstrapServers, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " within " + timeout.toSeconds()
          + " s to set up topics (is the broker running? check --bootstrap): " + e.getMessage(), e);
    }
  }

  /** Waits until the topics are described and ListOffsets succeeds on each of their partitions. */
  private static void awaitLeaders(Admin admin, List<String> names, long deadline, String bootstrapServers)
      throws InterruptedException {
    while (true) {
      try {
        long step = Math.min(remaining(deadline), TimeUnit.SECONDS.toNanos(5));
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(step, TimeUnit.NANOSECONDS);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        described.forEach((name, d) -> d.partitions().forEach(
            info -> partitions.put(new TopicPartition(name, info.partition()), OffsetSpec.latest())));
        admin.listOffsets(partitions).all().get(step, TimeUnit.NANOSECONDS);
        return;
      } catch (ExecutionException | TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic partitions on " + bootstrapServers + " have no leader yet: " + e.getMessage(), e);
        }
        Thread.sleep(50);
      }
    }
  }

  private static long remaining(long deadline) {
    return Math.max(1, deadline - System.nanoTime());
  }
}
