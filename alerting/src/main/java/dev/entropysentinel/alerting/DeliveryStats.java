package dev.entropysentinel.alerting;

import java.util.Map;

/**
 * Counters of an {@link AlertingService}: records read, duplicates suppressed, unreadable records
 * and failed deliveries parked on the dead-letter topic, and per receiver the alerts delivered.
 */
public record DeliveryStats(long read, long duplicates, long unreadable, long parked, Map<String, Long> delivered) {
  public DeliveryStats {
    delivered = Map.copyOf(delivered);
  }
}
