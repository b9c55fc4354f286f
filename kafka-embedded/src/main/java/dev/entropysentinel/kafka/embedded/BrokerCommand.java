package dev.entropysentinel.kafka.embedded;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sentinel broker}: runs the embedded Kafka broker until Ctrl-C. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = "Runs a real single-node Kafka broker (KRaft) on 127.0.0.1 with the Sentinel topics, "
        + "prints its bootstrap address, and serves until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "9092", description = "PLAINTEXT port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", description = "Keep the log here across restarts (default: a temporary directory deleted on exit).")
  Path dataDir;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions per Sentinel topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    BrokerConfig config;
    try {
      config = BrokerConfig.ofDefaults().withPort(port).withDataDir(dataDir).withPartitions(partitions);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          e.getMessage().replace("broker.port", "--port").replace("broker.partitions", "--partitions"));
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "broker-shutdown"));
    System.out.println("Kafka broker ready: bootstrap.servers=" + broker.bootstrapServers()
        + " (started in " + broker.startupMillis() + " ms; Ctrl-C to stop)");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
