package dev.entropysentinel.alerting;

import dev.entropysentinel.schemas.Alert;
import java.net.http.HttpRequest;
import java.time.Instant;

/**
 * Turns an alert into the HTTP request one kind of receiver understands. Pure formatting: the
 * delivery around it adds the timeout, retries and the dead-letter fallback.
 */
public interface Receiver {
  /** The configured name, for logs and dead letters. */
  String name();

  /**
   * The request for one alert.
   *
   * @param deliveryId stable for the alert's (alertId, status, startsAt): a receiver seeing it
   *     twice knows it is a redelivery
   * @param now the attempt's time (signatures carry it)
   */
  HttpRequest.Builder request(Alert alert, String deliveryId, Instant now);
}
