package dev.entropysentinel.alerting.internal;

import dev.entropysentinel.alerting.AlertingConfig;
import dev.entropysentinel.alerting.Receiver;
import dev.entropysentinel.alerting.ReceiverConfig;
import java.util.function.Function;

/** Builds the receiver a configuration entry names. */
public final class Receivers {
  private Receivers() {}

  public static Receiver create(ReceiverConfig rc, AlertingConfig config, Function<String, String> methodOfRun) {
    return switch (rc.kind()) {
      case WEBHOOK -> new WebhookReceiver(rc.name(), rc.url(), rc.secret());
      case SLACK -> new SlackReceiver(rc.name(), rc.url(), config::runUrl);
      case ALERTMANAGER -> new AlertmanagerReceiver(rc.name(), rc.url(), config::runUrl, methodOfRun);
    };
  }
}
