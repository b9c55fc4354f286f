package dev.entropysentinel.processor.internal;

import dev.entropysentinel.schemas.DeadLetter;
import dev.entropysentinel.schemas.DeadLetterQueue;
import dev.entropysentinel.schemas.InvalidRecordException;
import dev.entropysentinel.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own dead-letter path (KIP-1034) with our record on it: a record that cannot be
 * read (bad JSON, another major version, NaN, a negative step, a key that is not its run id...)
 * or whose processing throws goes to {@link Topics#DLQ} as a {@link DeadLetter} — the bytes whole,
 * where they came from, and the reason as {@code field: problem} — and processing goes on. It
 * joins the task's transaction, so under exactly-once a dead letter is written exactly once too.
 */
public final class DeadLetters implements DeserializationExceptionHandler, ProcessingExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
      ConsumerRecord<byte[], byte[]> record, Exception exception) {
    return DeserializationExceptionHandler.Response.resume(List.of(
        deadLetter(context, record.key(), record.value(), exception)));
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
      Exception exception) {
    return ProcessingExceptionHandler.Response.resume(List.of(
        deadLetter(context, context.sourceRawKey(), context.sourceRawValue(), exception)));
  }

  private static ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, byte[] key, byte[] value,
      Exception exception) {
    String reason = reason(exception);
    LOG.warn("unreadable record from {}-{} at offset {} sent to {}: {}", context.topic(), context.partition(),
        context.offset(), Topics.DLQ, reason);
    return DeadLetterQueue.record(context.topic(), context.partition(), context.offset(), context.timestamp(), key, value,
        reason);
  }

  /** {@code field: problem} for our validation errors, else the exception and its message. */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidRecordException) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
