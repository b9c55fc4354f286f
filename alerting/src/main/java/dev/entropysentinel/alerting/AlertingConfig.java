package dev.entropysentinel.alerting;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code sentinel alerting} delivers to: the receivers and the link template pointing a
 * reader at the run ({@code {run}} is replaced by the run id). Built by {@link AlertingConfigFile}.
 */
public record AlertingConfig(List<ReceiverConfig> receivers, String runUrlTemplate) {

  public AlertingConfig {
    receivers = List.copyOf(receivers);
    if (receivers.isEmpty()) {
      throw new IllegalArgumentException("receivers must name at least one receiver");
    }
    Set<String> names = new HashSet<>();
    for (ReceiverConfig r : receivers) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("receivers: name \"" + r.name() + "\" is used twice; names must be unique");
      }
    }
    if (runUrlTemplate == null || runUrlTemplate.isBlank()) {
      throw new IllegalArgumentException("runUrl must be a URL template such as http://grafana:3000/d/sentinel-run?var-run={run}");
    }
  }

  /** The link to a run's page. */
  public String runUrl(String runId) {
    return runUrlTemplate.replace("{run}", java.net.URLEncoder.encode(runId, java.nio.charset.StandardCharsets.UTF_8));
  }
}
