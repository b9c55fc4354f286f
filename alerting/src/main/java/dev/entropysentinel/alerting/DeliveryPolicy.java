package dev.entropysentinel.alerting;

import java.time.Duration;

/**
 * How hard one receiver is tried: attempts, exponential backoff with jitter between them, a
 * timeout per attempt and how many alerts may wait in its queue. Each receiver gets its own copy,
 * so a slow one spends its own budget and never the others'.
 *
 * @param maxAttempts attempts per alert including the first (the retry budget)
 * @param initialBackoff wait before the second attempt
 * @param backoffMultiplier growth of the wait per attempt
 * @param jitter randomization factor in [0, 1): each wait is drawn from wait·(1 ± jitter)
 * @param timeout bound on one attempt (connect + response headers)
 * @param queueCapacity alerts waiting for this receiver before the consumer stops reading
 */
public record DeliveryPolicy(int maxAttempts, Duration initialBackoff, double backoffMultiplier, double jitter,
    Duration timeout, int queueCapacity) {

  public DeliveryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    }
    positive("initialBackoffMs", initialBackoff);
    if (!(backoffMultiplier >= 1 && backoffMultiplier <= 10)) {
      throw new IllegalArgumentException("backoffMultiplier must be in [1, 10], was " + backoffMultiplier);
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
    }
    positive("timeoutMs", timeout);
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be >= 1, was " + queueCapacity);
    }
  }

  /**
   * 6 attempts from 500 ms doubling with ±50% jitter (≈30 s of trying: rides out a receiver
   * restart), 10 s per attempt (Slack and Alertmanager answer in well under a second), and 10 000
   * queued alerts (far more than a fleet raises while one receiver is down for minutes).
   */
  public static DeliveryPolicy ofDefaults() {
    return new DeliveryPolicy(6, Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(10), 10_000);
  }

  public DeliveryPolicy withMaxAttempts(int value) {
    return new DeliveryPolicy(value, initialBackoff, backoffMultiplier, jitter, timeout, queueCapacity);
  }

  public DeliveryPolicy withInitialBackoff(Duration value) {
    return new DeliveryPolicy(maxAttempts, value, backoffMultiplier, jitter, timeout, queueCapacity);
  }

  public DeliveryPolicy withTimeout(Duration value) {
    return new DeliveryPolicy(maxAttempts, initialBackoff, backoffMultiplier, jitter, value, queueCapacity);
  }

  public DeliveryPolicy withQueueCapacity(int value) {
    return new DeliveryPolicy(maxAttempts, initialBackoff, backoffMultiplier, jitter, timeout, value);
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be > 0, was " + (d == null ? null : d.toMillis()));
    }
  }
}
