package dev.entropysentinel.cli.demo;

import dev.entropysentinel.processor.Policy;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The demo's flags, checked.
 *
 * @param bootstrap an external Kafka, or {@code null} for the embedded broker
 * @param influx a running InfluxDB 1.x to write to, or {@code null}
 */
record DemoSettings(boolean quick, Policy policy, String bootstrap, String influx, String influxDatabase, Path out,
    int httpPort, double collapseFraction, long seed, int refreshSeconds) {
  DemoSettings {
    Objects.requireNonNull(policy, "demo.policy");
    Objects.requireNonNull(out, "demo.out");
  }
}
