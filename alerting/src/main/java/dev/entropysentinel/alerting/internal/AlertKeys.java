package dev.entropysentinel.alerting.internal;

import dev.entropysentinel.schemas.Alert;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The identities of an alert: what counts as a duplicate, and the id a redelivery keeps. */
public final class AlertKeys {
  private AlertKeys() {}

  /** The condition an alert is about: (run, type). Its status then says firing or resolved. */
  public record Condition(String runId, Alert.Type type) {}

  public static Condition condition(Alert alert) {
    return new Condition(alert.runId(), alert.type());
  }

  /**
   * The delivery id ({@code webhook-id}): the same for every delivery of one (alertId, status,
   * startsAt), so receivers dedupe redeliveries, and different for the resolve notice.
   */
  public static String deliveryId(Alert alert) {
    String key = alert.alertId() + "\u0000" + alert.status() + "\u0000" + alert.startsAtMs();
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "msg_" + HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }
}
