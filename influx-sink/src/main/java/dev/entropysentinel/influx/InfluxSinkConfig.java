package dev.entropysentinel.influx;

import java.time.Duration;

/**
 * Settings of the InfluxDB sink, validated at construction with the key and value named.
 *
 * @param url influxd's HTTP address, e.g. {@code http://127.0.0.1:8086}
 * @param database created when missing
 * @param batchSize points per write request
 * @param flushInterval longest a point waits in the buffer while influxd is healthy
 * @param bufferCapacity points held while influxd is down; when full the sink stops reading Kafka
 *     (Kafka keeps the rest), so nothing is dropped
 * @param initialBackoff first wait after a failed write; doubles with jitter up to {@code maxBackoff}
 * @param maxBackoff longest wait between write attempts
 * @param maxPendingSteps steps waiting for their other ranks before the oldest is written as is
 */
public record InfluxSinkConfig(String url, String database, int batchSize, Duration flushInterval, int bufferCapacity,
    Duration initialBackoff, Duration maxBackoff, int maxPendingSteps) {

  public InfluxSinkConfig {
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException("influx.url must be an http(s) URL, was " + url);
    }
    if (database == null || !database.matches("[A-Za-z0-9_\\-]{1,64}")) {
      throw new IllegalArgumentException("influx.database must be 1-64 letters, digits, _ or -, was " + database);
    }
    if (batchSize < 1 || batchSize > 100_000) {
      throw new IllegalArgumentException("influx.batchSize must be in [1, 100000], was " + batchSize);
    }
    positive("influx.flushInterval", flushInterval);
    if (bufferCapacity < batchSize) {
      throw new IllegalArgumentException("influx.bufferCapacity must be >= batchSize (" + batchSize + "), was " + bufferCapacity);
    }
    positive("influx.initialBackoff", initialBackoff);
    positive("influx.maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("influx.maxBackoff must be >= initialBackoff (" + initialBackoff.toMillis() + " ms), was " + maxBackoff.toMillis() + " ms");
    }
    if (maxPendingSteps < 1) {
      throw new IllegalArgumentException("influx.maxPendingSteps must be >= 1, was " + maxPendingSteps);
    }
  }

  /**
   * 1000 points per request (influxd's sweet spot is 1k-10k lines), 500 ms flush (Grafana
   * refreshes every few seconds), 100 000 buffered points (≈ minutes of a busy fleet, a few MB),
   * backoff 200 ms doubling to 5 s (a restarted influxd is picked up within seconds), 10 000
   * steps waiting for ranks.
   */
  public static InfluxSinkConfig of(String url, String database) {
    return new InfluxSinkConfig(url, database, 1000, Duration.ofMillis(500), 100_000, Duration.ofMillis(200),
        Duration.ofSeconds(5), 10_000);
  }

  public InfluxSinkConfig withBatchSize(int value) {
    return new InfluxSinkConfig(url, database, value, flushInterval, bufferCapacity, initialBackoff, maxBackoff, maxPendingSteps);
  }

  public InfluxSinkConfig withFlushInterval(Duration value) {
    return new InfluxSinkConfig(url, database, batchSize, value, bufferCapacity, initialBackoff, maxBackoff, maxPendingSteps);
  }

  public InfluxSinkConfig withBufferCapacity(int value) {
    return new InfluxSinkConfig(url, database, batchSize, flushInterval, value, initialBackoff, maxBackoff, maxPendingSteps);
  }

  public InfluxSinkConfig withBackoff(Duration initial, Duration max) {
    return new InfluxSinkConfig(url, database, batchSize, flushInterval, bufferCapacity, initial, max, maxPendingSteps);
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be > 0, was " + d);
    }
  }
}
