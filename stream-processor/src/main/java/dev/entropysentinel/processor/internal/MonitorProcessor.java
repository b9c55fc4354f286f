package dev.entropysentinel.processor.internal;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.ControlCommand;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.Forecast;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.WireRecord;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Glue between Kafka Streams and {@link RunLogic}: one {@link RunState} per run in the changelogged
 * {@code run-state} store (read and written through the task's in-memory {@link StoreMirror}, which
 * reaches the store once per commit); outputs to the forecast, alert and control sinks; a wall-clock
 * punctuator feeds silence ticks. After a control command it asks Streams to commit early
 * ({@link CommandCommits}), so the command does not wait for the commit interval.
 */
public final class MonitorProcessor implements Processor<String, Object, String, WireRecord> {
  public static final String FORECASTS = "forecasts-out";
  public static final String ALERTS = "alerts-out";
  public static final String CONTROL = "control-out";

  private final RunLogic logic;
  private final Duration silenceCheck;
  private final long commandCommitMs;
  private final WriteBackStore.Builder<RunState> stores;
  private ProcessorContext<String, WireRecord> context;
  private StoreMirror<RunState> store;

  /** @param commandCommit see {@link dev.entropysentinel.processor.ProcessorSettings#commandCommit()}; zero: never early */
  public MonitorProcessor(RunLogic logic, Duration silenceCheck, Duration commandCommit,
      WriteBackStore.Builder<RunState> stores) {
    this.logic = logic;
    this.silenceCheck = silenceCheck;
    this.commandCommitMs = commandCommit.toMillis();
    this.stores = stores;
  }

  @Override
  public void init(ProcessorContext<String, WireRecord> context) {
    this.context = context;
    this.store = stores.of(context.taskId()).mirror();
    context.schedule(silenceCheck, PunctuationType.WALL_CLOCK_TIME, this::tick);
  }

  @Override
  public void process(Record<String, Object> record) {
    Object value = record.value();
    if (value instanceof MergedStep m) {
      handle(m.runId(), s -> logic.onStep(s, m), record.timestamp());
    } else if (value instanceof StepMerger.LateRank l) {
      handle(l.runId(), s -> logic.onLateRank(s, l), record.timestamp());
    } else if (value instanceof EvalResult e) {
      handle(e.runId(), s -> logic.onEval(s, e), record.timestamp());
    } else if (value instanceof RunInfo i) {
      handle(i.runId(), s -> logic.onRunInfo(s, i), record.timestamp());
    } else if (value instanceof ControlAck a) {
      handle(a.runId(), s -> logic.onAck(s, a), record.timestamp());
    } else {
      throw new IllegalStateException("run-monitor got an unexpected " + value.getClass().getName());
    }
  }

  private void handle(String runId, java.util.function.Function<RunState, RunLogic.Outcome> step, long timestamp) {
    RunState state = store.get(runId);
    apply(runId, state, step.apply(state == null ? RunState.initial(runId) : state), timestamp);
  }

  private void tick(long now) {
    for (String runId : store.keys()) {
      RunState run = store.get(runId);
      apply(runId, run, logic.onTick(run, now), now);
    }
  }

  private void apply(String runId, RunState before, RunLogic.Outcome outcome, long timestamp) {
    if (outcome.state() != before) {
      store.put(runId, outcome.state());
    }
    long ts = Math.max(0, timestamp);
    for (Forecast f : outcome.forecasts()) {
      context.forward(new Record<String, WireRecord>(runId, f, ts), FORECASTS);
    }
    for (Alert a : outcome.alerts()) {
      context.forward(new Record<String, WireRecord>(runId, a, ts), ALERTS);
    }
    for (ControlCommand c : outcome.commands()) {
      context.forward(new Record<String, WireRecord>(runId, c, ts), CONTROL);
    }
    if (commandCommitMs > 0 && CommandCommits.ofThisThread().shouldCommit(context.currentSystemTimeMs(),
        !outcome.commands().isEmpty(), timestamp, commandCommitMs)) {
      context.commit();
    }
  }
}
