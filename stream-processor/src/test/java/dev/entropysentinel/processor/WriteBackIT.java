package dev.entropysentinel.processor;

import static dev.entropysentinel.processor.TestRecords.collapsing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.processor.internal.RankMerge;
import dev.entropysentinel.processor.internal.RunState;
import dev.entropysentinel.processor.internal.StateSerdes;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stores write a run's state back once per commit, inside the transaction that commits the
 * inputs: once the processor's input offsets are committed, the committed changelogs already hold
 * every run's latest state. Nothing else makes the processor commit here (punctuators are minutes
 * apart), so a state written after the commit would never become visible.
 */
class WriteBackIT {
  private static final String APP = "write-back-it";
  private static final String RUN = "wb-run";
  private static final int STEPS = 24;

  @TempDir Path dir;

  @Test
  void committedInputsHaveTheirStateInTheCommittedChangelogWrittenOncePerCommitNotPerRecord() throws Exception {
    ProcessorSettings settings = ProcessorIT.intervening(0.6).withGrace(2, Duration.ofMinutes(20))
        .withSilenceCheck(Duration.ofMinutes(10));
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        KafkaProducer<String, byte[]> producer = ProcessorIT.producer(broker.bootstrapServers());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      // The whole run is on the topics before the processor starts, so many of its steps share a commit.
      producer.send(new ProducerRecord<>(Topics.RUNS, RUN, WireJson.write(TestRecords.run(RUN, 60, 2))));
      for (int s = 0; s < STEPS; s++) {
        for (int rank = 0; rank < 2; rank++) {
          producer.send(new ProducerRecord<>(Topics.STEP_STATS, RUN, WireJson.write(TestRecords.step(RUN, rank, 2, s,
              collapsing(s), 200))));
        }
        if (s % 10 == 0) {
          producer.send(new ProducerRecord<>(Topics.EVALS, RUN, WireJson.write(TestRecords.eval(RUN, s,
              0.3 + 0.3 * (1 - collapsing(s) / 1.2)))));
        }
      }
      producer.flush();
      Map<TopicPartition, Long> inputEnds = ends(admin, List.of(Topics.STEP_STATS, Topics.EVALS, Topics.RUNS));
      try (ProcessorApp app = ProcessorApp.start(new ProcessorConfig(broker.bootstrapServers(), APP, dir, "127.0.0.1", 0, 1,
          Duration.ofMillis(300), 3, settings))) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).until(() -> committed(admin, inputEnds));

        List<RunState> states = changelog(broker.bootstrapServers(), admin, "run-state", StateSerdes.runState()::deserializer);
        List<RankMerge> merges = changelog(broker.bootstrapServers(), admin, "rank-merge", StateSerdes.rankMerge()::deserializer);
        assertThat(states).as("run-state changelog").isNotEmpty();
        assertThat(states.get(states.size() - 1).meta().lastStep().step()).isEqualTo(STEPS - 1);
        assertThat(states.get(states.size() - 1).meta().decisions()).hasSize(1);
        assertThat(merges.get(merges.size() - 1).lastMergedStep()).isEqualTo(STEPS - 1);
        assertThat(merges.get(merges.size() - 1).pending()).isEmpty();
        assertThat(states.size()).as("one write per commit, not per merged step").isLessThan(STEPS);
        assertThat(merges.size()).as("one write per commit, not per rank record").isLessThan(STEPS);
      }
    }
  }

  private static Map<TopicPartition, Long> ends(Admin admin, List<String> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(d -> d.partitions()
        .forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  private static boolean committed(Admin admin, Map<TopicPartition, Long> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APP).partitionsToOffsetAndMetadata()
        .get(30, TimeUnit.SECONDS);
    return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
        || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
  }

  /** The committed values of {@link #RUN} on a store's changelog, in order (the run lives in one partition). */
  private static <T> List<T> changelog(String bootstrap, Admin admin, String store,
      java.util.function.Supplier<org.apache.kafka.common.serialization.Deserializer<T>> values) throws Exception {
    String topic = APP + "-" + store + "-changelog";
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = ends(admin, List.of(topic)).keySet().stream().toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> lastStable = consumer.endOffsets(partitions);
      // read up to the last stable offsets; Awaitility only bounds a broker that stops answering
      await().atMost(Duration.ofSeconds(90)).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (RUN.equals(r.key())) {
            out.add(values.get().deserialize(topic, r.value()));
          }
        }
        return partitions.stream().allMatch(tp -> consumer.position(tp) >= lastStable.get(tp));
      });
    }
    return out;
  }
}
