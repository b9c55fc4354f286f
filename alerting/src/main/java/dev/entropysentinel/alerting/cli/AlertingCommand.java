package dev.entropysentinel.alerting.cli;

import dev.entropysentinel.alerting.AlertingConfig;
import dev.entropysentinel.alerting.AlertingConfigFile;
import dev.entropysentinel.alerting.AlertingService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sentinel alerting}: delivers {@code sentinel.alerts} to the receivers of a YAML file until stopped. */
@Command(name = "alerting", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Delivers every alert on sentinel.alerts to the receivers in --config: signed JSON webhooks (Standard "
          + "Webhooks), Slack incoming webhooks and Prometheus Alertmanager (v2 API, with resolve notices).",
      "At least once: retries with exponential backoff and jitter, a timeout and retry budget per receiver, "
          + "offsets committed only when every receiver took an alert or it was parked on sentinel.dlq with the reason. "
          + "Secrets come from files or environment variables named in the YAML (secretFile/secretEnv, urlFile/urlEnv), "
          + "never from the command line."})
public final class AlertingCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "receivers YAML (see the alerting README)")
  Path config;

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default ${DEFAULT-VALUE})")
  String bootstrapServers;

  @Option(names = "--group-id", defaultValue = "sentinel-alerting", description = "consumer group (default ${DEFAULT-VALUE})")
  String groupId;

  @Override
  public Integer call() throws InterruptedException {
    AlertingConfig parsed;
    try {
      parsed = new AlertingConfigFile(System::getenv).load(config);
    } catch (AlertingConfigFile.AlertingConfigException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--config " + e.getMessage());
    }
    AlertingService service = AlertingService.start(parsed, bootstrapServers, groupId, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "alerting-shutdown"));
    spec.commandLine().getOut().printf("alerting: %d receiver(s), consuming sentinel.alerts from %s as group %s%n",
        parsed.receivers().size(), bootstrapServers, groupId);
    spec.commandLine().getOut().flush();
    service.awaitStop();
    return 0;
  }
}
