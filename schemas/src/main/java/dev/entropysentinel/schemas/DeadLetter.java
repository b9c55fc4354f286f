package dev.entropysentinel.schemas;

import static dev.entropysentinel.schemas.internal.Require.id;
import static dev.entropysentinel.schemas.internal.Require.nonNegative;
import static dev.entropysentinel.schemas.internal.Require.present;
import static dev.entropysentinel.schemas.internal.Require.text;
import static dev.entropysentinel.schemas.internal.Require.version;

import java.util.Base64;

/**
 * A record that could not be read, kept whole (key and value bytes, base64) with where it came from
 * and why, so nothing is silently dropped and it can be replayed after a fix.
 */
public record DeadLetter(
    String schemaVersion,
    String sourceTopic,
    int partition,
    long offset,
    long timestampMs,
    String keyBase64,
    String valueBase64,
    String reason) implements WireRecord {

  /** Largest payload kept (base64 characters); Kafka's default max message is 1 MiB. */
  public static final int MAX_PAYLOAD = 2 * 1024 * 1024;

  public DeadLetter {
    version(schemaVersion);
    id("sourceTopic", sourceTopic);
    if (partition < -1) {
      throw new InvalidRecordException("partition", "must be >= -1, was " + partition);
    }
    if (offset < -1) {
      throw new InvalidRecordException("offset", "must be >= -1, was " + offset);
    }
    nonNegative("timestampMs", timestampMs);
    base64("keyBase64", keyBase64);
    base64("valueBase64", present("valueBase64", valueBase64));
    text("reason", reason);
  }

  /** Builds a dead letter from raw bytes (either may be null) and a reason. */
  public static DeadLetter of(String topic, int partition, long offset, long timestampMs,
      byte[] key, byte[] value, String reason) {
    Base64.Encoder b64 = Base64.getEncoder();
    String r = reason == null || reason.isBlank() ? "unreadable record" : reason;
    return new DeadLetter(SchemaVersion.CURRENT, topic, partition, offset, Math.max(0, timestampMs),
        key == null ? null : b64.encodeToString(key), value == null ? "" : b64.encodeToString(value),
        r.length() > 4096 ? r.substring(0, 4096) : r);
  }

  private static void base64(String field, String value) {
    if (value == null) {
      return;
    }
    if (value.length() > MAX_PAYLOAD) {
      throw new InvalidRecordException(field, "is " + value.length() + " characters, at most " + MAX_PAYLOAD + " allowed");
    }
    try {
      Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException(field, "is not base64: " + e.getMessage());
    }
  }
}
