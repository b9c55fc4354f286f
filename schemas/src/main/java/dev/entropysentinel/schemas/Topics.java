package dev.entropysentinel.schemas;

import java.util.List;

/** The Kafka topics of Sentinel, named once. Every record is keyed by its run id. */
public final class Topics {
  /** One {@link RunInfo} when a run starts and whenever it changes. */
  public static final String RUNS = "sentinel.runs";
  /** One {@link StepStats} per (run, step, rank), from trainer agents and sidecars. */
  public static final String STEP_STATS = "sentinel.step-stats";
  /** {@link EvalResult} validation scores. */
  public static final String EVALS = "sentinel.evals";
  /** {@link Forecast} per run after each update of its fit. */
  public static final String FORECASTS = "sentinel.forecasts";
  /** {@link ControlCommand} INTERVENE / STOP commands back to trainers. */
  public static final String CONTROL = "sentinel.control";
  /** {@link ControlAck} a trainer's APPLIED / REFUSED answer to each command. */
  public static final String CONTROL_ACKS = "sentinel.control-acks";
  /** {@link Alert} firing and resolved notices. */
  public static final String ALERTS = "sentinel.alerts";
  /** {@link DeadLetter} records that could not be read, with the reason. */
  public static final String DLQ = "sentinel.dlq";

  /** All topics, in data-flow order. */
  public static final List<String> ALL = List.of(RUNS, STEP_STATS, EVALS, FORECASTS, CONTROL, CONTROL_ACKS, ALERTS, DLQ);

  private Topics() {}
}
