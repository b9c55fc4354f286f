package dev.entropysentinel.processor.bench;

import dev.entropysentinel.schemas.InvalidRecordException;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * Records of many concurrent runs written to the processor's input topics before anyone reads
 * them, fenced by the input offsets before and after, so several readers can each read exactly
 * these records from the start.
 *
 * @param from input offsets before the first record
 * @param to input offsets after the last record
 */
record Backlog(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
  /** Every topic the processor reads. */
  static final List<String> INPUTS = List.of(Topics.STEP_STATS, Topics.RUNS, Topics.EVALS, Topics.CONTROL_ACKS);
  /** The wire serde of each input topic. */
  private static final Map<String, WireSerde<?>> SERDES = Map.of(Topics.STEP_STATS, WireSerde.stepStats(), Topics.RUNS,
      WireSerde.runs(), Topics.EVALS, WireSerde.evals(), Topics.CONTROL_ACKS, WireSerde.controlAcks());

  /**
   * Parses a record of input topic {@code topic} as the processor's first step does; whether it
   * read as a record. The baseline readers call it on every record: an unreadable one costs its
   * parse like any other.
   */
  static boolean parses(String topic, byte[] value) {
    try {
      return SERDES.get(topic).deserialize(topic, value) != null;
    } catch (InvalidRecordException e) {
      return false;
    }
  }

  /**
   * Writes {@code runs} runs of {@code ranks} ranks, interleaved step by step as live runs would be:
   * a run record each, then every step's ranks and a validation every {@link BenchRecords#EVAL_EVERY} steps.
   */
  static Backlog write(BenchKafka kafka, String prefix, int runs, int ranks, int steps) {
    Map<TopicPartition, Long> from = kafka.endOffsets(INPUTS);
    try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
      for (int s = 0; s < steps; s++) {
        for (int r = 0; r < runs; r++) {
          String run = runId(prefix, r);
          if (s == 0) {
            BenchKafka.send(producer, Topics.RUNS, run, BenchRecords.run(run, BenchRecords.PLANNED_STEPS, ranks));
          }
          double h = BenchRecords.collapsing(s);
          for (int rank = 0; rank < ranks; rank++) {
            BenchKafka.send(producer, Topics.STEP_STATS, run, BenchRecords.step(run, rank, ranks, s, h));
          }
          if (s % BenchRecords.EVAL_EVERY == 0) {
            BenchKafka.send(producer, Topics.EVALS, run, BenchRecords.eval(run, s, h));
          }
        }
      }
      producer.flush();
    }
    return new Backlog(from, kafka.endOffsets(INPUTS));
  }

  static String runId(String prefix, int run) {
    return String.format("%s-r%04d", prefix, run);
  }

  /** Records between the fences. */
  long records() {
    return to.entrySet().stream().mapToLong(e -> e.getValue() - from.getOrDefault(e.getKey(), 0L)).sum();
  }
}
