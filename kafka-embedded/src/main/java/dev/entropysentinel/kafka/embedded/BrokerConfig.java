package dev.entropysentinel.kafka.embedded;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the embedded broker, validated at construction.
 *
 * @param port PLAINTEXT port on 127.0.0.1; 0 picks a free one
 * @param dataDir where the log lives; null means a temporary directory deleted on close
 * @param partitions partitions of each Sentinel data topic (runs are spread over them by run id)
 * @param retention how long Sentinel topics keep records
 * @param startupTimeout bound on start-up before giving up
 */
public record BrokerConfig(int port, Path dataDir, int partitions, Duration retention, Duration startupTimeout) {

  public BrokerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("broker.port must be in [0, 65535], was " + port);
    }
    if (partitions < 1 || partitions > 1000) {
      throw new IllegalArgumentException("broker.partitions must be in [1, 1000], was " + partitions);
    }
    if (retention == null || retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("broker.retention must be positive, was " + retention);
    }
    if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("broker.startupTimeout must be positive, was " + startupTimeout);
    }
  }

  /** A free port, a temporary directory, 3 partitions, 7 days of retention, 60 s to start. */
  public static BrokerConfig ofDefaults() {
    return new BrokerConfig(0, null, 3, Duration.ofDays(7), Duration.ofSeconds(60));
  }

  public BrokerConfig withPort(int newPort) {
    return new BrokerConfig(newPort, dataDir, partitions, retention, startupTimeout);
  }

  public BrokerConfig withDataDir(Path newDataDir) {
    return new BrokerConfig(port, newDataDir, partitions, retention, startupTimeout);
  }

  public BrokerConfig withPartitions(int newPartitions) {
    return new BrokerConfig(port, dataDir, newPartitions, retention, startupTimeout);
  }
}
