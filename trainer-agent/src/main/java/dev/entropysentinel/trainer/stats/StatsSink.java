package dev.entropysentinel.trainer.stats;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.StepStats;
import java.util.List;

/**
 * Where the trainer's records go: a JSON-lines file, the terminal, the Kafka emitter. Run records
 * and control acknowledgements only matter to Kafka, so other sinks ignore them by default. The trainer
 * calls it from its training thread only; an implementation must not block training for long
 * (buffer instead) and must not lose records it accepted before {@link #close()}.
 */
public interface StatsSink extends AutoCloseable {
  void accept(StepStats stats);

  void accept(EvalResult eval);

  /** The run's description, at its start and after every change of method. */
  default void accept(RunInfo run) {}

  /** The trainer's answer to a control command. */
  default void accept(ControlAck ack) {}

  /** An alert raised by the agent itself (the sidecar's INTERVENE advice a user must act on). */
  default void accept(Alert alert) {}

  @Override
  void close();

  /** Every record to each sink in order; closing closes them all. */
  static StatsSink tee(StatsSink... sinks) {
    List<StatsSink> all = List.of(sinks);
    return new StatsSink() {
      @Override
      public void accept(StepStats stats) {
        all.forEach(s -> s.accept(stats));
      }

      @Override
      public void accept(EvalResult eval) {
        all.forEach(s -> s.accept(eval));
      }

      @Override
      public void accept(RunInfo run) {
        all.forEach(s -> s.accept(run));
      }

      @Override
      public void accept(ControlAck ack) {
        all.forEach(s -> s.accept(ack));
      }

      @Override
      public void accept(Alert alert) {
        all.forEach(s -> s.accept(alert));
      }

      @Override
      public void close() {
        all.forEach(StatsSink::close);
      }
    };
  }

  /** A sink that drops everything, for runs without {@code --out}. */
  static StatsSink discard() {
    return new StatsSink() {
      @Override
      public void accept(StepStats stats) {}

      @Override
      public void accept(EvalResult eval) {}

      @Override
      public void close() {}
    };
  }
}
