package dev.entropysentinel.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that cannot be read or built: names the offending field and the problem, so the
 * reason can travel to the dead-letter topic verbatim. Extends Kafka's {@link
 * SerializationException} so deserialization handlers see it as a bad record, not a crash.
 */
public final class InvalidRecordException extends SerializationException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidRecordException(String field, String problem) {
    this(field, problem, null);
  }

  public InvalidRecordException(String field, String problem, Throwable cause) {
    super(field + ": " + problem, cause);
    this.field = field;
  }

  /** The JSON path of the offending field (e.g. {@code covariance.topGroups[2].sum}), or {@code $}. */
  public String field() {
    return field;
  }
}
