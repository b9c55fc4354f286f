package dev.entropysentinel.processor.bench;

import dev.entropysentinel.schemas.WireJson;
import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark's Kafka plumbing: a producer configured like the trainer's emitter, consumers
 * reading committed data only (as a trainer reads commands), and the offsets that fence one
 * measurement's records from everything else on the topics (so an external broker with history works).
 */
final class BenchKafka implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrap;
  private final Admin admin;
  private final List<String> applicationIds = new ArrayList<>();

  BenchKafka(String bootstrap) {
    this.bootstrap = bootstrap;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    this.admin = Admin.create(p);
  }

  String bootstrap() {
    return bootstrap;
  }

  /** Idempotent, acks=all, keyed by run id: what {@code sentinel train --bootstrap} sends with. */
  KafkaProducer<String, byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  static void send(KafkaProducer<String, byte[]> producer, String topic, String key, Object record) {
    producer.send(new ProducerRecord<>(topic, key, WireJson.write(record)));
  }

  /** A consumer of committed records, assigned to every partition of {@code topics} from {@code from}. */
  KafkaConsumer<String, byte[]> consumer(Map<TopicPartition, Long> from) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.assign(from.keySet());
    from.forEach(consumer::seek);
    return consumer;
  }

  /** The end offset of every partition of {@code topics} now. */
  Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (var description : get(admin.describeTopics(topics).allTopicNames()).values()) {
      description.partitions().forEach(p -> latest.put(new TopicPartition(description.name(), p.partition()),
          OffsetSpec.latest()));
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    get(admin.listOffsets(latest).all()).forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /** Creates topic {@code name} with the partitions of topic {@code like}; it is deleted on {@link #close()} when named after an application started here. */
  void createTopicLike(String name, String like) {
    int partitions = get(admin.describeTopics(List.of(like)).allTopicNames()).get(like).partitions().size();
    get(admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty()))).all());
  }

  /**
   * Starts consumer group {@code group} (a Streams application id) at {@code offsets} instead of
   * the earliest record; its internal topics and the group are deleted on {@link #close()}.
   */
  void startGroupAt(String group, Map<TopicPartition, Long> offsets) {
    applicationIds.add(group);
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    offsets.forEach((tp, offset) -> committed.put(tp, new OffsetAndMetadata(offset)));
    get(admin.alterConsumerGroupOffsets(group, committed).all());
  }

  /** Whether group {@code group} has committed at least {@code targets} on every partition. */
  boolean committedUpTo(String group, Map<TopicPartition, Long> targets) {
    Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    return targets.entrySet().stream().allMatch(t -> {
      OffsetAndMetadata c = committed.get(t.getKey());
      return t.getValue() == 0 || c != null && c.offset() >= t.getValue();
    });
  }

  /** Deletes the internal (changelog) topics and groups of the applications started here, best effort. */
  private void deleteInternalTopics() {
    try {
      List<String> internal = get(admin.listTopics().names()).stream()
          .filter(t -> applicationIds.stream().anyMatch(id -> t.startsWith(id + "-"))).toList();
      if (!internal.isEmpty()) {
        get(admin.deleteTopics(internal).all());
      }
      for (String id : applicationIds) {
        get(admin.deleteConsumerGroups(List.of(id)).all());
      }
    } catch (IllegalStateException e) {
      // best effort: leftovers of a benchmark are harmless, and the report is what matters
    }
  }

  private <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted talking to Kafka at " + bootstrap, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrap + ": " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
    }
  }

  /** Removes what the benchmark's processors left on the broker (changelog topics, groups). */
  @Override
  public void close() {
    deleteInternalTopics();
    admin.close(Duration.ofSeconds(5));
  }
}
