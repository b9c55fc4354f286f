package dev.entropysentinel.processor.internal;

import dev.entropysentinel.schemas.StepStats;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Glue between Kafka Streams and {@link StepMerger}: one {@link RankMerge} per run in a store, read
 * through the task's in-memory {@link StoreMirror}, written to the store once per commit.
 */
public final class MergeProcessor implements Processor<String, StepStats, String, Object> {
  private final StepMerger merger;
  private final Duration graceTime;
  private final WriteBackStore.Builder<RankMerge> stores;
  private ProcessorContext<String, Object> context;
  private StoreMirror<RankMerge> store;

  public MergeProcessor(StepMerger merger, Duration graceTime, WriteBackStore.Builder<RankMerge> stores) {
    this.merger = merger;
    this.graceTime = graceTime;
    this.stores = stores;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = stores.of(context.taskId()).mirror();
    Duration every = graceTime.dividedBy(2).compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : graceTime.dividedBy(2);
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::flushExpired);
  }

  @Override
  public void process(Record<String, StepStats> record) {
    String runId = record.key();
    RankMerge state = store.get(runId);
    StepMerger.Result result = merger.accept(state == null ? RankMerge.empty() : state, record.value(),
        context.currentSystemTimeMs());
    store.put(runId, result.state());
    emit(runId, result, record.timestamp());
  }

  private void flushExpired(long now) {
    for (String runId : store.keys()) {
      RankMerge run = store.get(runId);
      if (run.pending().isEmpty()) {
        continue;
      }
      StepMerger.Result result = merger.flush(run, now);
      if (!result.merged().isEmpty()) {
        store.put(runId, result.state());
        emit(runId, result, now);
      }
    }
  }

  private void emit(String runId, StepMerger.Result result, long timestamp) {
    for (MergedStep m : result.merged()) {
      context.forward(new Record<>(runId, m, Math.max(timestamp, 0)));
    }
    for (StepMerger.LateRank late : result.late()) {
      context.forward(new Record<>(runId, late, Math.max(timestamp, 0)));
    }
  }
}
