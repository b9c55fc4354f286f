package dev.entropysentinel.trainer.control;

import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlAction;
import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.schemas.SchemaVersion;
import dev.entropysentinel.trainer.RunContext;
import dev.entropysentinel.trainer.StepListener;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obeys control commands at step boundaries: before each step it takes the commands received
 * since the last one, lets the {@link ControlGate} decide, switches method and parameters
 * (INTERVENE) or stops the run (STOP: the loop then validates and the checkpoint listener saves),
 * and acknowledges each applied or refused command. The last applied sequence number and the method
 * in force are saved with every checkpoint and restored on resume.
 */
public final class ControlListener implements StepListener {
  private static final Logger LOG = LoggerFactory.getLogger(ControlListener.class);
  private static final String LOSS_PREFIX = "control.loss.";

  private final ControlGate gate;
  private final ControlSource source;
  private final StatsSink acks;
  private final String host;
  private final Consumer<String> report;
  private RunContext run;
  private ControlState state = ControlState.INITIAL;
  private boolean stopped;

  /**
   * @param acks where acknowledgements go (the Kafka emitter)
   * @param report where each applied, refused or advisory command is announced in one line (the
   *     command's stderr), besides the log
   */
  public ControlListener(ControlGate gate, ControlSource source, StatsSink acks, String host, Consumer<String> report) {
    this.gate = gate;
    this.source = source;
    this.acks = acks;
    this.host = host;
    this.report = report;
  }

  public ControlState state() {
    return state;
  }

  @Override
  public void onRunStart(RunContext context) {
    this.run = context;
    Map<String, String> saved = context.session().resumedState();
    state = ControlState.fromCheckpoint(saved);
    Map<String, String> loss = new HashMap<>();
    saved.forEach((k, v) -> {
      if (k.startsWith(LOSS_PREFIX)) {
        loss.put(k.substring(LOSS_PREFIX.length()), v);
      }
    });
    if (!loss.isEmpty()) {
      LossConfig restored = context.session().loss().with(ControlParameters.validated(loss));
      context.session().resumeLoss(restored);
      LOG.info("resumed with the method set by control seq={}: {} {}", state.lastAppliedSeq(), restored.method().wireName(),
          restored.methodParams());
    }
  }

  @Override
  public void beforeStep(long step) {
    if (stopped) {
      return;
    }
    for (byte[] raw : source.poll()) {
      ControlGate.Decision d = gate.decide(state, raw, run.clock().millis(), run.session().loss());
      switch (d.outcome()) {
        case APPLY -> apply(step, d);
        case ADVISE -> {
          state = d.next();
          announce("advice, not applied: " + d.reason());
        }
        case REFUSE -> {
          announce("refused control command seq=" + d.seq() + " at step " + step + ": " + d.reason());
          ack(d.seq(), step, ControlAck.Status.REFUSED, d.reason());
        }
      }
      if (stopped) {
        return;
      }
    }
  }

  private void apply(long step, ControlGate.Decision d) {
    state = d.next();
    if (d.command().action() == ControlAction.STOP) {
      announce("applied " + d.reason() + " at step " + step + ": saving a checkpoint and running a final validation");
      ack(d.seq(), step, ControlAck.Status.APPLIED, d.reason());
      stopped = true;
      run.stop("STOP seq=" + d.seq() + " (" + d.command().reason() + ")");
      return;
    }
    LossConfig before = run.session().loss();
    run.session().switchLoss(d.loss());
    announce("applied " + d.reason() + " at step " + step + ": method " + before.method().wireName() + " -> "
        + d.loss().method().wireName() + " " + d.loss().methodParams());
    ack(d.seq(), step, ControlAck.Status.APPLIED, d.reason());
  }

  /** One line per decision to {@code report} (the CLI's stderr); the log only repeats it at debug level. */
  private void announce(String line) {
    LOG.debug(line);
    report.accept(line);
  }

  private void ack(long seq, long step, ControlAck.Status status, String reason) {
    acks.accept(new ControlAck(SchemaVersion.CURRENT, run.config().runId(), seq, host, 0, step, run.clock().millis(), status,
        reason));
  }

  @Override
  public Map<String, String> checkpointEntries() {
    Map<String, String> entries = new HashMap<>(state.toCheckpoint());
    if (state.lastAppliedSeq() > 0) {
      LossConfig loss = run.session().loss();
      entries.put(LOSS_PREFIX + ControlParameters.METHOD, loss.method().wireName());
      for (ControlParameters.Parameter p : ControlParameters.Parameter.values()) {
        entries.put(LOSS_PREFIX + p.key(), Double.toString(loss.value(p)));
      }
    }
    return entries;
  }
}
