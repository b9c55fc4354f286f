package dev.entropysentinel.alerting.internal;

import dev.entropysentinel.schemas.Alert;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Suppresses an alert whose fingerprint (run, type, status) repeats the last one delivered for its
 * (run, type): a detector re-emitting FIRING every step notifies once, a resolve after it goes
 * through, and a new FIRING after the resolve goes through again. Bounded (least recently seen
 * conditions are forgotten first); not persisted, so a restart may deliver once more, which
 * at-least-once allows and the stable delivery id lets receivers absorb.
 */
public final class Deduplicator {
  private final Map<AlertKeys.Condition, Alert.Status> last;

  public Deduplicator(int maxConditions) {
    if (maxConditions < 1) {
      throw new IllegalArgumentException("maxConditions must be >= 1, was " + maxConditions);
    }
    this.last = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<AlertKeys.Condition, Alert.Status> eldest) {
        return size() > maxConditions;
      }
    };
  }

  /** True when the alert is new news and should be delivered; records it as the latest. */
  public synchronized boolean admit(Alert alert) {
    Alert.Status previous = last.put(AlertKeys.condition(alert), alert.status());
    return previous != alert.status();
  }
}
