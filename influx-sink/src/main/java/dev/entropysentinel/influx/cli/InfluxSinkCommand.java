package dev.entropysentinel.influx.cli;

import dev.entropysentinel.influx.InfluxSink;
import dev.entropysentinel.influx.InfluxSinkConfig;
import dev.entropysentinel.influx.InfluxWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sentinel sink influx}: copies the Sentinel topics into InfluxDB 1.x until stopped. */
@Command(name = "influx", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Writes merged step statistics, forecasts, evals, alerts and decisions from Kafka to InfluxDB 1.x "
          + "(millisecond precision, tags run/method/host), for the Grafana dashboards under docker/grafana.",
      "Creates the database when missing. While influxd is down points wait in a bounded buffer and writes are "
          + "retried with backoff; offsets are committed only after the points are written, so nothing is lost. "
          + "Credentials, when influxd needs them, come from the environment: SENTINEL_INFLUX_USER and SENTINEL_INFLUX_PASSWORD."})
public final class InfluxSinkCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8086", description = "influxd HTTP address (default ${DEFAULT-VALUE})")
  String url;

  @Option(names = "--database", defaultValue = "sentinel", description = "database, created if missing (default ${DEFAULT-VALUE})")
  String database;

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default ${DEFAULT-VALUE})")
  String bootstrapServers;

  @Option(names = "--group-id", defaultValue = "sentinel-influx-sink", description = "consumer group (default ${DEFAULT-VALUE})")
  String groupId;

  @Option(names = "--batch-size", defaultValue = "1000", description = "points per write (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--buffer", defaultValue = "100000", description = "points kept while influxd is down; then reading pauses (default ${DEFAULT-VALUE})")
  int buffer;

  @Override
  public Integer call() throws InterruptedException {
    InfluxSinkConfig config;
    try {
      config = InfluxSinkConfig.of(url, database).withBatchSize(batchSize).withBufferCapacity(buffer);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage().replace("influx.url", "--url")
          .replace("influx.database", "--database").replace("influx.batchSize", "--batch-size")
          .replace("influx.bufferCapacity", "--buffer"));
    }
    String user = System.getenv("SENTINEL_INFLUX_USER");
    InfluxWriter writer = new InfluxWriter(url, database, user, user == null ? null : System.getenv("SENTINEL_INFLUX_PASSWORD"));
    InfluxSink sink = InfluxSink.start(config, writer, bootstrapServers, groupId, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(sink::close, "influx-sink-shutdown"));
    spec.commandLine().getOut().printf("influx sink: %s -> %s database %s (group %s)%n", bootstrapServers, url, database, groupId);
    spec.commandLine().getOut().flush();
    sink.awaitStop();
    return 0;
  }
}
