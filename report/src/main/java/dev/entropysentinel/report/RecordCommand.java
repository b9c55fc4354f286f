package dev.entropysentinel.report;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sentinel record}: records the Sentinel topics as JSONL for {@code sentinel report --from DIR}. */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {"Records every Sentinel topic (runs, step-stats, evals, forecasts, alerts, control, control-acks) "
        + "from its beginning into DIR, one JSONL file per topic, each line a record as it was on the wire, until "
        + "Ctrl-C; then `sentinel report --from DIR` draws the report. Reads committed records only and joins no "
        + "consumer group, so it disturbs nothing."})
public final class RecordCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
  String bootstrap;

  @Option(names = "--to", required = true, paramLabel = "DIR", description = "the directory to record into (appended to)")
  Path to;

  @Override
  public Integer call() throws InterruptedException {
    JsonlRecorder recorder = new JsonlRecorder(to);
    TopicFeed feed = TopicFeed.start(bootstrap, recorder, "sentinel-record");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      feed.close();
      recorder.close();
      System.err.println("sentinel record: " + feed.recordsRead() + " record(s) in " + to.toAbsolutePath());
      stopped.countDown();
    }, "record-shutdown"));
    System.out.println("recording into " + to.toAbsolutePath() + " (Ctrl-C to stop; then sentinel report --from " + to + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
