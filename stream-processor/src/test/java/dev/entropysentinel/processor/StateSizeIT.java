package dev.entropysentinel.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entropysentinel.forecaster.MonitorStateCodec;
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
import java.util.function.LongToDoubleFunction;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a changelog record of a run's state costs must not grow with the run's length. */
class StateSizeIT {
  private static final CommandSigner SIGNER = new CommandSigner("size-test-control-key-of-32-byte".getBytes(
      StandardCharsets.UTF_8));

  @TempDir Path dir;

  /** A run's state bytes, split into what the processor adds, the forecaster's monitor state, and the rank merge. */
  record Size(int meta, int monitor, int rankMerge) {
    int total() {
      return meta + monitor + rankMerge;
    }
  }

  /**
   * A run the processor only advises on: its whole state (the forecaster's monitor state, the
   * processor's meta, the rank merge) at step 10 000 within 1.5 times its step-100 size, and under
   * 3 KB. What still grows is bounded: the validation series filling up to their bound (11 points at
   * step 100, 31 at 10 000) and a decision with its detection, whose reasons are packed.
   */
  @Test
  void anAdvisedRunsStateStaysBoundedAndTheProcessorsPartDoesNotGrow() {
    assertBounded(sizes(ProcessorSettings.ofDefaults(SIGNER), StateSizeIT::slowlyFalling));
  }

  /** As above for a run told to INTERVENE at step 1 663: a decision costs the processor its numbers, not its reason again. */
  @Test
  void anIntervenedRunsStateStaysBoundedAndTheProcessorsPartDoesNotGrowWithItsDecisions() {
    ProcessorSettings defaults = ProcessorSettings.ofDefaults(SIGNER);
    ProcessorSettings intervening = defaults.withPolicy(Policy.INTERVENE)
        .withMonitor(defaults.monitor().withCollapseFraction(0.6));
    assertBounded(sizes(intervening, StateSizeIT::slowlyFalling));
  }

  private static double slowlyFalling(long step) {
    return 0.3 + 0.6 * Math.exp(-step / 2000.0) + 0.02 * Math.sin(step / 7.0);
  }

  private static void assertBounded(Size[] at) {
    assertThat(at[1].meta() + at[1].rankMerge()).as("processor's bytes at step 10 000 (%s) vs step 100 (%s)", at[1], at[0])
        .isLessThanOrEqualTo((int) (1.2 * (at[0].meta() + at[0].rankMerge())));
    assertThat(at[1].total()).as("state bytes at step 10 000 (%s) vs step 100 (%s)", at[1], at[0])
        .isLessThanOrEqualTo((int) (1.5 * at[0].total()));
    assertThat(at[1].total()).as("state bytes at step 10 000 (%s)", at[1]).isLessThan(3_072);
  }

  /** One run of 10 001 steps (a validation every 10) through the topology: its state sizes at step 100 and 10 000. */
  private Size[] sizes(ProcessorSettings settings, LongToDoubleFunction entropy) {
    ProcessorConfig config = new ProcessorConfig("unused:9092", "size-test", dir, "127.0.0.1", 0, 1,
        Duration.ofMillis(100), 1, settings);
    try (TopologyTestDriver driver = new TopologyTestDriver(SentinelTopology.build(settings), ProcessorApp.properties(config),
        Instant.ofEpochMilli(TestRecords.T0))) {
      TestInputTopic<String, dev.entropysentinel.schemas.StepStats> steps =
          driver.createInputTopic(Topics.STEP_STATS, new StringSerializer(), WireSerde.stepStats());
      TestInputTopic<String, dev.entropysentinel.schemas.EvalResult> evals =
          driver.createInputTopic(Topics.EVALS, new StringSerializer(), WireSerde.evals());
      driver.createInputTopic(Topics.RUNS, new StringSerializer(), WireSerde.runs())
          .pipeInput("long", TestRecords.run("long", 10_000, 1));
      Size atHundred = null;
      for (int s = 0; s <= 10_000; s++) {
        double h = entropy.applyAsDouble(s);
        steps.pipeInput("long", TestRecords.step("long", 0, 1, s, h, 400));
        if (s % 10 == 0) {
          evals.pipeInput("long", TestRecords.eval("long", s, 0.6 - 0.3 * Math.exp(-s / 2500.0)));
        }
        if (s == 100) {
          atHundred = size(driver);
        }
      }
      Size atTenThousand = size(driver);
      System.out.printf("state bytes (meta, monitor, rank-merge): step 100 %s, step 10000 %s (whole state ratio %.2f), "
          + "decisions %s%n", atHundred, atTenThousand, (double) atTenThousand.total() / atHundred.total(),
          driver.<String, RunState>getKeyValueStore(SentinelTopology.RUN_STATE_STORE).get("long").meta()
              .decisions().stream().map(e -> e.action() + " at " + e.step()).toList());
      return new Size[] {atHundred, atTenThousand};
    }
  }

  private static Size size(TopologyTestDriver driver) {
    RunState run = driver.<String, RunState>getKeyValueStore(SentinelTopology.RUN_STATE_STORE).get("long");
    RankMerge merge = driver.<String, RankMerge>getKeyValueStore(SentinelTopology.RANK_MERGE_STORE).get("long");
    byte[] state = StateSerdes.runState().serializer().serialize("", run);
    return new Size(state.length - MonitorStateCodec.toBytes(run.monitor()).length,
        MonitorStateCodec.toBytes(run.monitor()).length, StateSerdes.rankMerge().serializer().serialize("", merge).length);
  }
}
