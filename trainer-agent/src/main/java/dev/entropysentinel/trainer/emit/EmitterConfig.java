package dev.entropysentinel.trainer.emit;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the {@link KafkaEmitter}, validated at construction.
 *
 * @param bootstrap Kafka bootstrap servers, {@code host:port[,host:port]}
 * @param spoolDir the spool's directory (resumed when it holds records of an earlier run)
 * @param spoolMaxBytes bound on the spool's bytes on disk; beyond it records are not spooled (and reported)
 * @param deliveryTimeout the producer's {@code delivery.timeout.ms}: how long it retries a record
 *     itself (idempotently, so an outage shorter than this loses and duplicates nothing); after it
 *     the emitter starts a new producer and resends from the acknowledged position, which may
 *     duplicate records the broker had written without acknowledging (the processor drops those
 *     by (run, rank, step))
 * @param maxBlock the producer's {@code max.block.ms}: how long the sender thread waits for
 *     metadata while the broker is unreachable before it retries (never the training thread)
 * @param maxInFlight records handed to the producer and not yet acknowledged, at most
 * @param closeTimeout how long {@link KafkaEmitter#close()} waits for the spool to drain
 */
public record EmitterConfig(String bootstrap, Path spoolDir, long spoolMaxBytes, Duration deliveryTimeout,
    Duration maxBlock, int maxInFlight, Duration closeTimeout) {

  public EmitterConfig {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("emitter.bootstrap must be host:port, was \"" + bootstrap + "\"");
    }
    if (spoolDir == null) {
      throw new IllegalArgumentException("emitter.spoolDir is required");
    }
    if (spoolMaxBytes < 4096) {
      throw new IllegalArgumentException("emitter.spoolMaxBytes must be >= 4096, was " + spoolMaxBytes);
    }
    positive("emitter.deliveryTimeout", deliveryTimeout);
    positive("emitter.maxBlock", maxBlock);
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("emitter.maxInFlight must be >= 1, was " + maxInFlight);
    }
    positive("emitter.closeTimeout", closeTimeout);
  }

  /**
   * 256 MiB of spool (about 100 000 steps of 2 ranks), a 10-minute delivery timeout (outages
   * shorter than that are bridged by the producer itself, exactly once), 5 s metadata waits, 5 000
   * records in flight (≈10 MB of producer buffer), 30 s to drain on close.
   */
  public static EmitterConfig ofDefaults(String bootstrap, Path spoolDir) {
    return new EmitterConfig(bootstrap, spoolDir, 256L << 20, Duration.ofMinutes(10), Duration.ofSeconds(5), 5000,
        Duration.ofSeconds(30));
  }

  public EmitterConfig withSpoolMaxBytes(long v) {
    return new EmitterConfig(bootstrap, spoolDir, v, deliveryTimeout, maxBlock, maxInFlight, closeTimeout);
  }

  public EmitterConfig withDeliveryTimeout(Duration v) {
    return new EmitterConfig(bootstrap, spoolDir, spoolMaxBytes, v, maxBlock, maxInFlight, closeTimeout);
  }

  public EmitterConfig withCloseTimeout(Duration v) {
    return new EmitterConfig(bootstrap, spoolDir, spoolMaxBytes, deliveryTimeout, maxBlock, maxInFlight, v);
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, was " + d);
    }
  }
}
