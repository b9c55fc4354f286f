package dev.entropysentinel.alerting;

import java.net.URI;
import java.util.Objects;

/**
 * One configured receiver, secrets already resolved from their file or environment variable.
 *
 * @param name unique name, used in logs, dead letters and retry metrics
 * @param kind which payload the receiver speaks
 * @param url where to POST (for Alertmanager, its base URL; {@code /api/v2/alerts} is appended)
 * @param secret signing secret ({@code whsec_…}) of a {@link Kind#WEBHOOK}; null for the others
 * @param policy retry budget, backoff, timeout and queue of this receiver
 */
public record ReceiverConfig(String name, Kind kind, URI url, WebhookSecret secret, DeliveryPolicy policy) {

  /** The receiver kinds, with their YAML spelling. */
  public enum Kind {
    WEBHOOK("webhook"), SLACK("slack"), ALERTMANAGER("alertmanager");

    private final String yaml;

    Kind(String yaml) {
      this.yaml = yaml;
    }

    public String yaml() {
      return yaml;
    }
  }

  public ReceiverConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(policy, "policy");
    if (kind == Kind.WEBHOOK && secret == null) {
      throw new IllegalArgumentException("receiver " + name + ": a webhook needs a signing secret");
    }
  }
}
