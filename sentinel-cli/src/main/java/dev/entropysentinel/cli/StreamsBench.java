package dev.entropysentinel.cli;

import dev.entropysentinel.processor.bench.StreamsBenchCommand;
import picocli.CommandLine.Command;

/**
 * {@code sentinel bench streams} with a broker of its own as the default: the stream-processor
 * module does not carry a Kafka broker (a deployed processor never needs one), so the CLI, which
 * has both, supplies it, in a child JVM as deployed ({@link ChildBroker}).
 */
@Command(name = "streams")
final class StreamsBench extends StreamsBenchCommand {
  StreamsBench() {
    super(ChildBroker::start);
  }
}
