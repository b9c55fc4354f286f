package dev.entropysentinel.processor.bench;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Yardsticks for the throughput ratio: Kafka Streams apps without Sentinel's logic, run with the
 * processor's own configuration (exactly_once_v2, commit interval, threads, producer batches) on
 * the same backlog. They tell what share of the gap to a plain consumer the Streams runtime takes
 * before any logic, and what writing under exactly-once adds.
 */
enum ReferenceApp {
  /** Reads every input record as bytes and drops it: Streams' consume-process-commit loop, nothing written but offsets. */
  CONSUME_ONLY("consume-only Streams app"),
  /** Writes every input record unchanged to a topic of its own: the consume-only loop plus exactly-once writes. */
  PASSTHROUGH("passthrough Streams app");

  private final String label;

  ReferenceApp(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** The app's topology; the passthrough's output topic (named after the application, so the bench removes it) is created here. */
  Topology topology(BenchKafka kafka, String applicationId) {
    Topology t = new Topology();
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();
    t.addSource("in", bytes, bytes, Backlog.INPUTS.toArray(String[]::new));
    if (this == CONSUME_ONLY) {
      t.addProcessor("drop", Drop::new, "in");
    } else {
      String out = applicationId + "-passthrough";
      kafka.createTopicLike(out, Backlog.INPUTS.get(0));
      ByteArraySerializer write = new ByteArraySerializer();
      t.addSink("out", out, write, write, "in");
    }
    return t;
  }

  /** Drops what it is given. */
  private static final class Drop implements Processor<byte[], byte[], Void, Void> {
    @Override
    public void process(Record<byte[], byte[]> record) {
      // the yardstick measures the loop around the logic, so there is none
    }
  }
}
