package dev.entropysentinel.alerting;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entropysentinel.alerting.TestReceiver.Drop;
import dev.entropysentinel.alerting.TestReceiver.Hang;
import dev.entropysentinel.alerting.TestReceiver.Request;
import dev.entropysentinel.alerting.TestReceiver.Status;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.DeadLetter;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.schemas.WireSerde;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The alerting service against a real Kafka broker, real HTTP receivers that fail in every way a
 * receiver fails, and a real Prometheus Alertmanager routing to a test webhook.
 */
class AlertDeliveryIT {
  private static final Duration TIMEOUT = ofMillis(400);
  private static EmbeddedKafkaBroker broker; // one per test: each reads the alerts topic from its start

  @BeforeEach
  void startBroker() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  @Tag("fault")
  @Test
  void everyReceiverGetsEachAlertOnceDespiteFailuresAndASlowReceiverHoldsUpNobody() throws Exception {
    WebhookSecret secret = WebhookSecret.random();
    try (TestReceiver flaky = new TestReceiver().script(new Status(500), new Hang(ofMillis(1500)), new Drop());
        TestReceiver healthy = new TestReceiver();
        TestReceiver dead = new TestReceiver().always(new Status(503));
        TestReceiver amWebhook = new TestReceiver();
        LocalAlertmanager am = LocalAlertmanager.start(amWebhook.url());
        KafkaProducer<String, byte[]> producer = producer()) {
      AlertingConfig config = new AlertingConfig(List.of(
          webhook("flaky", flaky.url(), secret, fast().withMaxAttempts(6)),
          webhook("healthy", healthy.url(), secret, fast()),
          webhook("dead", dead.url(), secret, fast().withMaxAttempts(2)),
          new ReceiverConfig("am", ReceiverConfig.Kind.ALERTMANAGER, am.url(), null, fast())),
          "http://grafana.test/d/run?var-run={run}");
      try (AlertingService service = AlertingService.start(config, broker.bootstrapServers(), "it-delivery",
          Clock.systemUTC())) {
        producer.send(new ProducerRecord<>(Topics.RUNS, "run-a", WireSerde.runs().serialize(Topics.RUNS, new RunInfo(
            SchemaVersion.CURRENT, "run-a", TestAlerts.STARTS, 500L, "kl-cov", Map.of(), "tiny", 1000, 1, 10,
            RunInfo.ScoreScale.ACCURACY, "trainer")))).get();
        await().atMost(ofSeconds(20)).until(() -> service.stats().read() == 1);
        send(producer, TestAlerts.firing("run-a"));
        send(producer, TestAlerts.firing("run-a"));
        producer.send(new ProducerRecord<>(Topics.ALERTS, "run-a", "{not json".getBytes(StandardCharsets.UTF_8))).get();

        await().atMost(ofSeconds(20)).until(() -> notifications(amWebhook, "firing").size() == 1);
        JsonNode firing = notifications(amWebhook, "firing").get(0).get("alerts").get(0);
        assertThat(firing.get("labels").get("alertname").asText()).isEqualTo("SentinelEntropyCollapse");
        assertThat(firing.get("labels").get("run").asText()).isEqualTo("run-a");
        assertThat(firing.get("labels").get("method").asText()).isEqualTo("kl-cov");
        assertThat(firing.get("generatorURL").asText()).isEqualTo("http://grafana.test/d/run?var-run=run-a");

        send(producer, TestAlerts.resolved("run-a"));
        await().atMost(ofSeconds(20)).until(() -> notifications(amWebhook, "resolved").size() == 1);
        await().atMost(ofSeconds(20)).until(() -> flaky.accepted().size() == 2 && healthy.accepted().size() == 2);

        // the healthy receiver had the firing alert before the flaky one, which failed, hung and dropped first, took it:
        // a failing receiver does not hold up the others (the rates are in `sentinel bench alerting`)
        assertThat(healthy.requests().get(0).nanoTime()).isLessThan(flaky.accepted().get(0).nanoTime());
        assertThat(flaky.requests().size()).isGreaterThan(flaky.accepted().size());

        // once each, in order, signed, one stable webhook-id per (alert, status)
        assertThat(healthy.requests()).hasSize(2);
        assertThat(types(healthy.requests())).containsExactly("sentinel.alert.firing", "sentinel.alert.resolved");
        assertThat(types(flaky.accepted())).containsExactly("sentinel.alert.firing", "sentinel.alert.resolved");
        StandardWebhooks verifier = new StandardWebhooks(secret);
        for (Request r : healthy.requests()) {
          verifier.verify(r.header("Webhook-id"), r.header("Webhook-timestamp"), r.header("Webhook-signature"), r.body(),
              Clock.systemUTC(), StandardWebhooks.DEFAULT_TOLERANCE);
        }
        Set<String> firingIds = flaky.requests().subList(0, 4).stream().map(r -> r.header("Webhook-id")).collect(Collectors.toSet());
        assertThat(firingIds).containsExactly(healthy.requests().get(0).header("Webhook-id"));
        assertThat(healthy.requests().get(1).header("Webhook-id")).isNotEqualTo(healthy.requests().get(0).header("Webhook-id"));

        // the dead receiver's budget: 2 attempts per alert, then each alert parked with the reason
        await().atMost(ofSeconds(20)).until(() -> deadLetters().size() == 3);
        List<DeadLetter> letters = deadLetters();
        assertThat(letters).extracting(DeadLetter::reason).filteredOn(r -> r.startsWith("unreadable alert")).hasSize(1);
        assertThat(letters).extracting(DeadLetter::reason).filteredOn(r -> r.startsWith("receiver dead: ")
            && r.contains("HTTP 503") && r.endsWith("(after 2 attempts)")).hasSize(2);
        assertThat(dead.requests()).hasSize(4);

        await().atMost(ofSeconds(10)).untilAsserted(() -> assertThat(committed("it-delivery")).isEqualTo(endOffsets()));
        assertThat(notifications(amWebhook, "resolved").get(0).get("alerts").get(0).get("labels")).isEqualTo(firing.get("labels"));
        DeliveryStats stats = service.stats();
        assertThat(stats.duplicates()).isEqualTo(1);
        assertThat(stats.unreadable()).isEqualTo(1);
        assertThat(stats.delivered()).containsEntry("healthy", 2L).containsEntry("am", 2L).containsEntry("dead", 0L);
      }
    }
  }

  @Tag("fault")
  @Test
  void anAlertAReceiverHasNotTakenIsDeliveredAgainAfterARestartWithTheSameWebhookId() throws Exception {
    WebhookSecret secret = WebhookSecret.random();
    try (TestReceiver down = new TestReceiver().always(new Status(502));
        KafkaProducer<String, byte[]> producer = producer()) {
      AlertingConfig config = new AlertingConfig(List.of(webhook("r", down.url(), secret,
          fast().withMaxAttempts(1000))), "http://grafana.test/{run}");
      try (AlertingService service = AlertingService.start(config, broker.bootstrapServers(), "it-restart",
          Clock.systemUTC())) {
        send(producer, TestAlerts.firing("run-b", Alert.Type.PLATEAU));
        await().atMost(ofSeconds(20)).until(() -> down.requests().size() >= 3);
      }
      down.always(new TestReceiver.Ok());
      int before = down.requests().size();
      String id = down.requests().get(0).header("Webhook-id");
      try (AlertingService service = AlertingService.start(config, broker.bootstrapServers(), "it-restart",
          Clock.systemUTC())) {
        await().atMost(ofSeconds(20)).until(() -> down.accepted().size() == 1);
        assertThat(down.accepted().get(0).header("Webhook-id")).isEqualTo(id);
        assertThat(down.requests().size()).isGreaterThan(before);
        await().atMost(ofSeconds(10)).untilAsserted(() -> assertThat(committed("it-restart")).isEqualTo(endOffsets()));
      }
    }
  }

  private static DeliveryPolicy fast() {
    return DeliveryPolicy.ofDefaults().withInitialBackoff(ofMillis(50)).withTimeout(TIMEOUT);
  }

  private static ReceiverConfig webhook(String name, URI url, WebhookSecret secret, DeliveryPolicy policy) {
    return new ReceiverConfig(name, ReceiverConfig.Kind.WEBHOOK, url, secret, policy);
  }

  private static List<String> types(List<Request> requests) throws Exception {
    List<String> out = new ArrayList<>();
    for (Request r : requests) {
      out.add(WireJson.mapper().readTree(r.body()).get("type").asText());
    }
    return out;
  }

  private static List<JsonNode> notifications(TestReceiver am, String status) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (Request r : am.requests()) {
      JsonNode n = WireJson.mapper().readTree(r.body());
      if (status.equals(n.get("status").asText())) {
        out.add(n);
      }
    }
    return out;
  }

  private static void send(KafkaProducer<String, byte[]> producer, Alert alert) throws Exception {
    producer.send(new ProducerRecord<>(Topics.ALERTS, alert.runId(), WireSerde.alerts().serialize(Topics.ALERTS, alert))).get();
  }

  private static KafkaProducer<String, byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static List<DeadLetter> deadLetters() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = c.partitionsFor(Topics.DLQ).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      List<DeadLetter> out = new ArrayList<>();
      long deadline = System.nanoTime() + ofSeconds(5).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(ofMillis(100))) {
          out.add(WireSerde.deadLetters().deserialize(r.topic(), r.value()));
        }
      }
      return out;
    }
  }

  private static Map<TopicPartition, Long> committed(String group) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.entrySet().stream().filter(e -> e.getValue() != null)
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
  }

  /** End offsets of the non-empty partitions of the topics the service reads. */
  private static Map<TopicPartition, Long> endOffsets() throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
      admin.describeTopics(List.of(Topics.ALERTS, Topics.RUNS)).allTopicNames().get().forEach((topic, d) -> d.partitions()
          .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
      return admin.listOffsets(request).all().get().entrySet().stream().filter(e -> e.getValue().offset() > 0)
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
  }

  private static Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return Admin.create(p);
  }
}
