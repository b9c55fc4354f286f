package dev.entropysentinel.alerting;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing and verification per the Standard Webhooks convention
 * (https://www.standardwebhooks.com): headers {@code webhook-id}, {@code webhook-timestamp} (Unix
 * seconds) and {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">}. The
 * receiving side reuses {@link #verify} with the same secret; the timestamp window stops replays.
 */
public final class StandardWebhooks {
  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";
  /** The window the reference libraries accept a timestamp in, either way. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final WebhookSecret secret;

  public StandardWebhooks(WebhookSecret secret) {
    this.secret = java.util.Objects.requireNonNull(secret, "secret");
  }

  /** The {@code webhook-signature} header value for this message. */
  public String sign(String msgId, long timestampSeconds, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(msgId, timestampSeconds, body));
  }

  /**
   * Checks a received message: the timestamp lies within {@code tolerance} of {@code clock} and one
   * of the space-separated {@code v1,} signatures matches (constant-time compare).
   *
   * @throws WebhookVerificationException saying which check failed
   */
  public void verify(String msgId, String timestampHeader, String signatureHeader, byte[] body, Clock clock,
      Duration tolerance) {
    if (msgId == null || timestampHeader == null || signatureHeader == null) {
      throw new WebhookVerificationException("missing header: " + ID + ", " + TIMESTAMP + " and " + SIGNATURE + " are required");
    }
    long ts;
    try {
      ts = Long.parseLong(timestampHeader.strip());
    } catch (NumberFormatException e) {
      throw new WebhookVerificationException(TIMESTAMP + " is not Unix seconds: " + timestampHeader);
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - ts) > tolerance.toSeconds()) {
      throw new WebhookVerificationException(TIMESTAMP + " " + ts + " is outside the " + tolerance.toSeconds()
          + " s window around now (" + now + ")");
    }
    byte[] expected = hmac(msgId, ts, body);
    for (String candidate : signatureHeader.strip().split(" ")) {
      int comma = candidate.indexOf(',');
      if (comma < 0 || !"v1".equals(candidate.substring(0, comma))) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return;
      }
    }
    throw new WebhookVerificationException("no v1 signature in " + SIGNATURE + " matches the body");
  }

  private byte[] hmac(String msgId, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
      mac.update((msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  /** A received webhook failed verification; the message names the failed check. */
  public static final class WebhookVerificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WebhookVerificationException(String message) {
      super(message);
    }
  }
}
