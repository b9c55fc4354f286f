package dev.entropysentinel.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.processor.internal.RankMerge;
import dev.entropysentinel.processor.internal.RunState;
import dev.entropysentinel.processor.internal.StateSerdes;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a changelog record of a run's state costs must not grow with the run's length. */
class StateSizeIT {
  @TempDir Path dir;

  @Test
  void stateBytesAtStepTenThousandStayWithinOneAndAHalfTimesThoseAtStepOneHundred() {
    ProcessorSettings settings = ProcessorSettings.ofDefaults(
        new CommandSigner("size-test-control-key-of-32-byte".getBytes(StandardCharsets.UTF_8)));
    ProcessorConfig config = new ProcessorConfig("unused:9092", "size-test", dir, "127.0.0.1", 0, 1,
        Duration.ofMillis(100), 1, settings);
    Properties p = ProcessorApp.properties(config);
    try (TopologyTestDriver driver = new TopologyTestDriver(SentinelTopology.build(settings), p,
        Instant.ofEpochMilli(TestRecords.T0))) {
      TestInputTopic<String, dev.entropysentinel.schemas.StepStats> steps =
          driver.createInputTopic(Topics.STEP_STATS, new StringSerializer(), WireSerde.stepStats());
      TestInputTopic<String, dev.entropysentinel.schemas.EvalResult> evals =
          driver.createInputTopic(Topics.EVALS, new StringSerializer(), WireSerde.evals());
      driver.createInputTopic(Topics.RUNS, new StringSerializer(), WireSerde.runs())
          .pipeInput("long", TestRecords.run("long", 10_000, 1));
      long atHundred = 0;
      for (int s = 0; s <= 10_000; s++) {
        double h = 0.3 + 0.6 * Math.exp(-s / 2000.0) + 0.02 * Math.sin(s / 7.0);
        steps.pipeInput("long", TestRecords.step("long", 0, 1, s, h, 400));
        if (s % 10 == 0) {
          evals.pipeInput("long", TestRecords.eval("long", s, 0.6 - 0.3 * Math.exp(-s / 2500.0)));
        }
        if (s == 100) {
          atHundred = bytes(driver);
        }
      }
      long atTenThousand = bytes(driver);
      assertThat(atTenThousand).as("state bytes at step 10 000 (%d) vs step 100 (%d)", atTenThousand, atHundred)
          .isLessThanOrEqualTo((long) (1.5 * atHundred));
      assertThat(atTenThousand).isLessThan(16_384);
    }
  }

  private static long bytes(TopologyTestDriver driver) {
    RunState run = driver.<String, RunState>getKeyValueStore(SentinelTopology.RUN_STATE_STORE).get("long");
    RankMerge merge = driver.<String, RankMerge>getKeyValueStore(SentinelTopology.RANK_MERGE_STORE).get("long");
    return StateSerdes.runState().serializer().serialize("", run).length
        + StateSerdes.json(RankMerge.class).serializer().serialize("", merge).length;
  }
}
