package dev.entropysentinel.trainer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.Device;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import dev.entropysentinel.trainer.RecordingSink;
import dev.entropysentinel.trainer.StepListener;
import dev.entropysentinel.trainer.TrainerConfig;
import dev.entropysentinel.trainer.Training;
import dev.entropysentinel.trainer.emit.EmitterConfig;
import dev.entropysentinel.trainer.emit.TopicReader;
import dev.entropysentinel.trainer.emit.KafkaEmitter;
import dev.entropysentinel.trainer.model.Engines;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real training run (tiny model) against a real broker: a signed INTERVENE applies at the
 * next step boundary, a forged and a replayed one are refused, a STOP saves a checkpoint, validates
 * and ends the run; acknowledgements and run records reach Kafka.
 */
class ControlLoopIT {
  private static final CommandSigner SIGNER = new CommandSigner("integration-test-key-32-bytes!!!".getBytes(StandardCharsets.UTF_8));

  @TempDir Path tmp;

  @Tag("fault")
  @Test
  void aSignedInterveneSwitchesTheMethodAtTheNextStepAndForgedOrReplayedOnesAreRefused() throws Exception {
    Engines.pytorch(2);
    String run = "control-" + UUID.randomUUID();
    TrainerConfig config = TrainerConfig.builder().runId(run).steps(12).ranks(2).modelDim(16).heads(2).layers(1).promptsPerStep(4)
        .groupSize(4).warmStartSteps(3).warmStartBatch(8).evalSize(8).passK(2).evalEvery(100).checkpointDir(tmp.resolve("ckpt"))
        .build();
    RecordingSink recorded = new RecordingSink();
    List<String> reported = new ArrayList<>();
    List<StepStats> steps = recorded.steps;
    List<EvalResult> evals = recorded.evals;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        KafkaProducer<String, ControlCommand> commands = producer(broker.bootstrapServers());
        KafkaEmitter emitter = KafkaEmitter.start(EmitterConfig.ofDefaults(broker.bootstrapServers(), tmp.resolve("spool")));
        Gathering source = new Gathering(KafkaControlSource.start(broker.bootstrapServers(), run, Duration.ofMinutes(2),
            Clock.systemUTC()))) {
      StatsSink sink = StatsSink.tee(emitter, recorded);
      ControlCommand intervene = SIGNER.sign(command(run, 1, ControlAction.INTERVENE));
      StepListener sender = new StepListener() {
        @Override
        public void beforeStep(long step) {
          if (step == 4) {
            CommandSigner other = new CommandSigner("not-the-trainer-key-0000".getBytes(StandardCharsets.UTF_8));
            commands.send(new ProducerRecord<>(Topics.CONTROL, run, other.sign(command(run, 1, ControlAction.INTERVENE))));
            commands.send(new ProducerRecord<>(Topics.CONTROL, run, intervene));
            commands.send(new ProducerRecord<>(Topics.CONTROL, run, intervene));
            commands.flush();
            source.gatherUntil(3);
          } else if (step == 8) {
            commands.send(new ProducerRecord<>(Topics.CONTROL, run, SIGNER.sign(command(run, 2, ControlAction.STOP))));
            commands.flush();
            source.gatherUntil(1);
          }
        }
      };
      ControlListener control = new ControlListener(new ControlGate(run, SIGNER, Duration.ofMinutes(2)), source, sink, "it-host",
          reported::add);
      StepListener.RunEnd end = Training.run(config, Device.cpu(), Clock.systemUTC(), null,
          List.of(sender, control, new Training.SinkListener(sink), new Training.CheckpointListener()));

      assertThat(end.stopped()).isTrue();
      assertThat(reported).hasSize(4);
      assertThat(reported.get(1)).startsWith("applied INTERVENE seq=1").contains("at step 4: method grpo -> kl-cov");
      assertThat(end.lastStep()).isEqualTo(7);
      assertThat(steps).hasSize(16);
      assertThat(steps).filteredOn(s -> s.step() < 4).extracting(StepStats::method).containsOnly("grpo");
      assertThat(steps).filteredOn(s -> s.step() >= 4).extracting(StepStats::method).containsOnly("kl-cov");
      assertThat(steps).filteredOn(s -> s.step() >= 4)
          .allSatisfy(s -> assertThat(s.methodParams()).containsEntry("klCovRatio", 0.1).containsEntry("klCoef", 2.0));
      assertThat(evals).extracting(EvalResult::step).containsExactly(0L, 7L);
      assertThat(control.state()).isEqualTo(new ControlState(2));
      assertThat(Files.readString(tmp.resolve("ckpt").resolve("trainer-state.properties")))
          .contains("control.lastAppliedSeq=2").contains("control.loss.method=kl-cov").contains("step=7");

      emitter.close();
      List<ControlAck> acks = TopicReader.consume(broker.bootstrapServers(), Topics.CONTROL_ACKS, WireSerde.controlAcks(), run, 4);
      assertThat(acks).extracting(ControlAck::status).containsExactly(ControlAck.Status.REFUSED, ControlAck.Status.APPLIED,
          ControlAck.Status.REFUSED, ControlAck.Status.APPLIED);
      assertThat(acks.get(0).reason()).contains("forged");
      assertThat(acks.get(1).step()).isEqualTo(4);
      assertThat(acks.get(2).reason()).contains("replayed");
      assertThat(acks.get(3).reason()).contains("STOP seq=2");
      List<RunInfo> runs = TopicReader.consume(broker.bootstrapServers(), Topics.RUNS, WireSerde.runs(), run, 2);
      assertThat(runs).extracting(RunInfo::method).containsExactly("grpo", "kl-cov");
      assertThat(runs.get(0).plannedSteps()).isEqualTo(12L);
      assertThat(TopicReader.consume(broker.bootstrapServers(), Topics.STEP_STATS, WireSerde.stepStats(), run, 16)).hasSize(16);
    }
  }

  private static ControlCommand command(String run, long seq, ControlAction action) {
    return new ControlCommand(SchemaVersion.CURRENT, run, seq, System.currentTimeMillis(), action, "integration test",
        action == ControlAction.INTERVENE ? ControlParameters.klCov(0.1, 2) : java.util.Map.of(), 3, false, "");
  }

  private static KafkaProducer<String, ControlCommand> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), WireSerde.control());
  }

  /** Lets the test wait until the commands it sent were received, so they apply at a known step. */
  private static final class Gathering implements ControlSource {
    private final ControlSource delegate;
    private final List<byte[]> buffer = new ArrayList<>();

    Gathering(ControlSource delegate) {
      this.delegate = delegate;
    }

    void gatherUntil(int n) {
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        buffer.addAll(delegate.poll());
        return buffer.size() >= n;
      });
    }

    @Override
    public List<byte[]> poll() {
      List<byte[]> out = new ArrayList<>(buffer);
      buffer.clear();
      out.addAll(delegate.poll());
      return out;
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
