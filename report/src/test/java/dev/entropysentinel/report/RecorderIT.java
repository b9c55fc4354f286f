package dev.entropysentinel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.TopicSetup;
import dev.entropysentinel.schemas.WireJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder on a real broker: what a run sent, recorded as JSONL while it runs (a transaction
 * that aborts included), reads back into the same report as the records themselves.
 */
class RecorderIT {
  @Test
  void aRecordedRunReadsBackIntoTheSameReportAndAbortedRecordsAreNotRecorded(@TempDir Path dir) throws Exception {
    List<CollapsingRun.Sent> sent = CollapsingRun.records("rec-run", 60);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      JsonlRecorder recorder = new JsonlRecorder(dir);
      try (TopicFeed feed = TopicFeed.start(broker.bootstrapServers(), recorder, "recorder-it")) {
        // the feed starts before the topics exist (a recorder started next to a fresh cluster) and finds them later
        TopicSetup.ensure(broker.bootstrapServers(), 2, (short) 1, Map.of(), Duration.ofSeconds(30));
        record(broker.bootstrapServers(), feed, sent);
      } finally {
        recorder.close();
      }
    }
    long stepLines = sent.stream().filter(s -> s.topic().equals(Topics.STEP_STATS)).count();
    assertThat(Files.readAllLines(RecordedLayout.file(dir, Topics.STEP_STATS))).hasSize((int) stepLines);
    assertThat(Files.readString(RecordedLayout.file(dir, Topics.EVALS))).doesNotContain("aborted");
    RunRecords fromFiles = RunRecords.read(dir);
    assertThat(fromFiles.unreadableCount()).isZero();
    RunRecords direct = new RunRecords();
    sent.forEach(s -> direct.add(s.record()));
    ReportModel.Options options = ReportModel.Options.ofDefaults();
    assertThat(ReportModel.of(fromFiles, "report", 0, options)).usingRecursiveComparison()
        .isEqualTo(ReportModel.of(direct, "report", 0, options));
  }

  /** Sends {@code sent} after an aborted transaction's record and waits until the feed read all of them. */
  private static void record(String bootstrap, TopicFeed feed, List<CollapsingRun.Sent> sent) {
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap, null);
        KafkaProducer<String, byte[]> transactional = producer(bootstrap, "recorder-it-tx")) {
      transactional.initTransactions();
      transactional.beginTransaction();
      transactional.send(new ProducerRecord<>(Topics.EVALS, "rec-run", WireJson.write(
          new dev.entropysentinel.schemas.EvalResult(dev.entropysentinel.schemas.SchemaVersion.CURRENT, "rec-run", 5,
              0, "aborted", 0.99, 1, Map.of()))));
      transactional.flush();
      transactional.abortTransaction();
      for (CollapsingRun.Sent s : sent) {
        producer.send(new ProducerRecord<>(s.topic(), "rec-run", WireJson.write(s.record())));
      }
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> feed.recordsRead() >= sent.size());
    }
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap, String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
}
