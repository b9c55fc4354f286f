package dev.entropysentinel.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entropysentinel.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void createsEverySentinelTopicWithTheConfiguredPartitions() throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      Map<String, TopicDescription> topics = admin.describeTopics(Topics.ALL).allTopicNames().get(10, TimeUnit.SECONDS);
      assertThat(topics).containsOnlyKeys(Topics.ALL);
      assertThat(topics.values()).allSatisfy(t -> {
        assertThat(t.partitions()).hasSize(BrokerConfig.ofDefaults().partitions());
        assertThat(t.partitions()).allSatisfy(info -> assertThat(info.leader()).isNotNull());
      });
    }
  }

  @Test
  void recordsProducedAreConsumedInOrderPerKey() {
    String topic = "it-produce-consume";
    broker.createTopic(topic, 2);
    int n = 500;
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, "run-" + (i % 3), Integer.toString(i)));
      }
      producer.flush();
    }
    List<ConsumerRecord<String, String>> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer(StringDeserializer.class)) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return seen.size() >= n;
      });
    }
    assertThat(seen).hasSize(n);
    for (String key : List.of("run-0", "run-1", "run-2")) {
      List<Integer> values = seen.stream().filter(r -> r.key().equals(key)).map(r -> Integer.parseInt(r.value())).toList();
      assertThat(values).isSorted().allMatch(v -> ("run-" + (v % 3)).equals(key));
    }
  }

  @Test
  void anExactlyOnceV2StreamsAppCountsEveryRecordOnce(@TempDir java.nio.file.Path stateDir) {
    String in = "it-eos-in";
    String out = "it-eos-out";
    broker.createTopic(in, 2);
    broker.createTopic(out, 2);
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < 30; i++) {
        producer.send(new ProducerRecord<>(in, i % 2 == 0 ? "even" : "odd", "x" + i));
      }
      producer.flush();
    }
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey()
        .count()
        .toStream()
        .to(out, Produced.with(Serdes.String(), Serdes.Long()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "it-eos-" + UUID.randomUUID());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    Map<String, Long> latest = new java.util.HashMap<>();
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
        KafkaConsumer<String, Long> consumer = consumer(LongDeserializer.class)) {
      streams.start();
      consumer.subscribe(List.of(out));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
        return Long.valueOf(15).equals(latest.get("even")) && Long.valueOf(15).equals(latest.get("odd"));
      });
    }
    assertThat(latest).containsEntry("even", 15L).containsEntry("odd", 15L);
  }

  @Test
  void aBrokerWithADataDirKeepsItsRecordsAcrossRestarts(@TempDir java.nio.file.Path dataDir) {
    BrokerConfig config = BrokerConfig.ofDefaults().withDataDir(dataDir).withPartitions(1);
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(config);
        KafkaProducer<String, String> producer = producer(first.bootstrapServers())) {
      producer.send(new ProducerRecord<>(Topics.EVALS, "run-1", "kept"));
      producer.flush();
    }
    try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(config);
        KafkaConsumer<String, String> consumer = consumer(StringDeserializer.class, second.bootstrapServers())) {
      consumer.subscribe(List.of(Topics.EVALS));
      List<String> values = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        return !values.isEmpty();
      });
      assertThat(values).containsExactly("kept");
    }
  }

  private static KafkaProducer<String, String> producer() {
    return producer(broker.bootstrapServers());
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static <V> KafkaConsumer<String, V> consumer(Class<?> valueDeserializer) {
    return consumer(valueDeserializer, broker.bootstrapServers());
  }

  private static <V> KafkaConsumer<String, V> consumer(Class<?> valueDeserializer, String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer);
    return new KafkaConsumer<>(p);
  }
}
