package dev.entropysentinel.cli;

import dev.entropysentinel.kafka.embedded.BrokerConfig;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.processor.bench.StreamsBenchCommand;
import picocli.CommandLine.Command;

/**
 * {@code sentinel bench streams} with the embedded broker as its default: the stream-processor
 * module does not carry a Kafka broker (a deployed processor never needs one), so the CLI, which
 * has both, supplies it.
 */
@Command(name = "streams")
final class StreamsBench extends StreamsBenchCommand {
  StreamsBench() {
    super(partitions -> {
      EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerConfig.ofDefaults().withPartitions(partitions));
      return new Broker() {
        @Override
        public String bootstrapServers() {
          return broker.bootstrapServers();
        }

        @Override
        public void close() {
          broker.close();
        }
      };
    });
  }
}
