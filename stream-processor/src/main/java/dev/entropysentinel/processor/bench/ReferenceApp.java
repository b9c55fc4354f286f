package dev.entropysentinel.processor.bench;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Yardsticks for the throughput ratio: Kafka Streams apps without Sentinel's logic, run with the
 * processor's own configuration (exactly_once_v2, commit interval, threads, producer batches) on
 * the same backlog. The parse-only app does the plain consumer's work inside Streams, so it shows
 * what the Streams runtime under exactly-once costs by itself; the passthrough shows what writing
 * under exactly-once costs.
 */
enum ReferenceApp {
  /**
   * Parses every input record with its wire serde and drops it: the plain consumer's work inside
   * Streams' consume-process-commit loop, nothing written but offsets.
   */
  PARSE_ONLY("parse-only Streams app"),
  /** Writes every input record unchanged to a topic of its own, unparsed: Streams' loop plus exactly-once writes. */
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
    if (this == PARSE_ONLY) {
      t.addProcessor("parse", Parse::new, "in");
    } else {
      String out = applicationId + "-passthrough";
      kafka.createTopicLike(out, Backlog.INPUTS.get(0));
      ByteArraySerializer write = new ByteArraySerializer();
      t.addSink("out", out, write, write, "in");
    }
    return t;
  }

  /** Parses what it is given as the plain consumer does ({@link Backlog#parses}), then drops it. */
  private static final class Parse implements Processor<byte[], byte[], Void, Void> {
    private ProcessorContext<Void, Void> context;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      Backlog.parses(context.recordMetadata().orElseThrow().topic(), record.value());
    }
  }
}
