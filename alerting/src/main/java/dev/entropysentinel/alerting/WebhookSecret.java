package dev.entropysentinel.alerting;

import java.util.Arrays;
import java.util.Base64;

/**
 * A Standard Webhooks signing secret: {@code whsec_} followed by the base64 key. Kept out of
 * {@code toString} so it never reaches a log.
 */
public final class WebhookSecret {
  static final String PREFIX = "whsec_";
  private final byte[] key;

  private WebhookSecret(byte[] key) {
    this.key = key;
  }

  /**
   * Parses {@code whsec_<base64>} (the prefix is optional, as in the reference libraries).
   *
   * @throws IllegalArgumentException when the key is not base64 or shorter than 24 bytes
   */
  public static WebhookSecret parse(String text) {
    String t = text.strip();
    if (t.startsWith(PREFIX)) {
      t = t.substring(PREFIX.length());
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a webhook secret must be whsec_ followed by base64: " + e.getMessage());
    }
    if (key.length < 24) {
      throw new IllegalArgumentException("a webhook secret must hold at least 24 bytes of key, had " + key.length);
    }
    return new WebhookSecret(key);
  }

  /** A fresh random secret, e.g. for tests and benchmarks. */
  public static WebhookSecret random() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return new WebhookSecret(key);
  }

  byte[] key() {
    return key.clone();
  }

  /** The secret in its shareable text form, to hand to the receiving side. */
  public String encoded() {
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookSecret other && java.security.MessageDigest.isEqual(key, other.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "WebhookSecret[***]";
  }
}
