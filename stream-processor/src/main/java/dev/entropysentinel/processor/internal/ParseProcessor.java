package dev.entropysentinel.processor.internal;

import dev.entropysentinel.schemas.InvalidRecordException;
import dev.entropysentinel.schemas.WireRecord;
import dev.entropysentinel.schemas.WireSerde;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads the raw bytes of one input topic into its wire record and checks that the key is the
 * record's run id. Reading here rather than in the source's deserializer sends every unreadable
 * record down one path: the exception reaches {@link DeadLetters} as a processing error, which
 * writes the dead letter inside the task's transaction.
 */
public final class ParseProcessor<T extends WireRecord> implements Processor<String, byte[], String, T> {
  private final WireSerde<T> serde;
  private final Function<T, String> runId;
  private ProcessorContext<String, T> context;

  public ParseProcessor(WireSerde<T> serde, Function<T, String> runId) {
    this.serde = serde;
    this.runId = runId;
  }

  @Override
  public void init(ProcessorContext<String, T> context) {
    this.context = context;
  }

  /** @throws InvalidRecordException naming the field and the problem, for the dead-letter topic */
  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      throw new InvalidRecordException("$", "empty record (a tombstone): expected a JSON object");
    }
    T value = serde.deserialize(null, record.value());
    String id = runId.apply(value);
    if (!id.equals(record.key())) {
      String key = record.key();
      throw new InvalidRecordException("key", "must be the record's run id \"" + id + "\", was "
          + (key == null ? "null" : "\"" + (key.length() > 64 ? key.substring(0, 64) + "…" : key) + "\""));
    }
    context.forward(record.withValue(value));
  }
}
