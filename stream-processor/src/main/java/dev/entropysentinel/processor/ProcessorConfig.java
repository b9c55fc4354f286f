package dev.entropysentinel.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How one processor instance runs: where Kafka is, its Streams identity and state directory, its
 * HTTP address, and the {@link ProcessorSettings} its topology decides with.
 *
 * @param applicationId Kafka Streams application id, shared by every instance of one deployment
 * @param stateDir local state (RocksDB); keep it across restarts for a fast restore
 * @param httpHost address the HTTP API binds to and advertises to the other instances
 * @param httpPort HTTP port, 0 for any free one
 * @param streamThreads stream threads (parallelism is bounded by the input partitions)
 * @param commitInterval exactly-once commit interval: bounds the latency from a step to its command
 * @param partitions partitions of topics this instance creates when missing
 */
public record ProcessorConfig(String bootstrapServers, String applicationId, Path stateDir, String httpHost, int httpPort,
    int streamThreads, Duration commitInterval, int partitions, ProcessorSettings settings) {

  public ProcessorConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("processor.bootstrapServers is required (host:port of a Kafka broker)");
    }
    if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("processor.applicationId must be letters, digits, '.', '_' or '-', was " + applicationId);
    }
    Objects.requireNonNull(stateDir, "processor.stateDir is required");
    if (httpHost == null || httpHost.isBlank()) {
      throw new IllegalArgumentException("processor.httpHost is required");
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("processor.httpPort must be in [0, 65535], was " + httpPort);
    }
    if (streamThreads < 1) {
      throw new IllegalArgumentException("processor.streamThreads must be >= 1, was " + streamThreads);
    }
    if (commitInterval == null || commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("processor.commitInterval must be positive, was " + commitInterval);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("processor.partitions must be >= 1, was " + partitions);
    }
    Objects.requireNonNull(settings, "processor.settings is required");
  }

  /** Port 0 replaced by the port actually bound. */
  public ProcessorConfig withHttpPort(int port) {
    return new ProcessorConfig(bootstrapServers, applicationId, stateDir, httpHost, port, streamThreads, commitInterval,
        partitions, settings);
  }
}
