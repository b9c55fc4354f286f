package dev.entropysentinel.trainer.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.entropysentinel.kafka.embedded.BrokerConfig;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import dev.entropysentinel.trainer.TestRecords;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emitter against a real broker: every record exactly once and in order, also across a broker
 * outage of 30 s, as the issue states it (shorter with {@code -Dsentinel.it.outageSeconds} while
 * iterating; the producer's delivery timeout of 10 minutes bridges any of them on the same path).
 */
class EmitterIT {
  private static final long OUTAGE_SECONDS = Long.getLong("sentinel.it.outageSeconds", 30);

  @TempDir Path tmp;

  @Test
  void everyRecordArrivesExactlyOnceInOrder() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String run = "emit-" + UUID.randomUUID();
      int steps = 150;
      try (KafkaEmitter emitter = KafkaEmitter.start(EmitterConfig.ofDefaults(broker.bootstrapServers(), tmp.resolve("spool")))) {
        emitter.accept(TestRecords.runInfo(run));
        for (int s = 0; s < steps; s++) {
          emitter.accept(TestRecords.step(run, s, 0));
          emitter.accept(TestRecords.step(run, s, 1));
          if (s % 10 == 9) {
            emitter.accept(TestRecords.eval(run, s));
          }
        }
      }
      assertExactlyOnceInOrder(broker.bootstrapServers(), run, steps);
    }
  }

  @Tag("fault")
  @Test
  void aBrokerOutageMidRunLosesAndDuplicatesNothing() throws Exception {
    BrokerConfig config = BrokerConfig.ofDefaults().withPort(freePort()).withDataDir(tmp.resolve("broker"));
    String run = "outage-" + UUID.randomUUID();
    int steps = 120;
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config);
    try (KafkaEmitter emitter = KafkaEmitter.start(EmitterConfig.ofDefaults(broker.bootstrapServers(), tmp.resolve("spool"))
        .withCloseTimeout(Duration.ofSeconds(60)))) {
      emitter.accept(TestRecords.runInfo(run));
      long outageMs = OUTAGE_SECONDS * 1000;
      for (int s = 0; s < steps; s++) {
        if (s == steps / 3) {
          await().atMost(Duration.ofSeconds(30)).until(() -> emitter.spool().acked().equals(emitter.spool().end()));
          broker.close();
        }
        emitter.accept(TestRecords.step(run, s, 0));
        emitter.accept(TestRecords.step(run, s, 1));
        if (s % 10 == 9) {
          emitter.accept(TestRecords.eval(run, s));
        }
        if (s >= steps / 3 && s < 2 * steps / 3) {
          Thread.sleep(outageMs / (steps / 3)); // the training thread's pace during the outage
        }
        if (s == 2 * steps / 3) {
          assertThat(emitter.spool().acked()).as("nothing acknowledged while the broker is down").isLessThan(emitter.spool().end());
          broker = EmbeddedKafkaBroker.start(config);
        }
      }
    }
    try {
      assertExactlyOnceInOrder(broker.bootstrapServers(), run, steps);
    } finally {
      broker.close();
    }
  }

  static void assertExactlyOnceInOrder(String bootstrap, String run, int steps) {
    List<StepStats> stats = TopicReader.consume(bootstrap, Topics.STEP_STATS, WireSerde.stepStats(), run, 2 * steps);
    List<EvalResult> evals = TopicReader.consume(bootstrap, Topics.EVALS, WireSerde.evals(), run, steps / 10);
    List<RunInfo> runs = TopicReader.consume(bootstrap, Topics.RUNS, WireSerde.runs(), run, 1);
    assertThat(stats).hasSize(2 * steps);
    for (int s = 0; s < steps; s++) {
      assertThat(stats.get(2 * s).step()).isEqualTo(s);
      assertThat(stats.get(2 * s).rank()).isZero();
      assertThat(stats.get(2 * s + 1).step()).isEqualTo(s);
      assertThat(stats.get(2 * s + 1).rank()).isOne();
    }
    assertThat(evals).extracting(EvalResult::step).isSorted().doesNotHaveDuplicates().hasSize(steps / 10);
    assertThat(runs).hasSize(1);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
