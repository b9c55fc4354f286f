package dev.entropysentinel.report;

import com.sun.net.httpserver.HttpHandler;
import java.time.Clock;

/**
 * The live dashboard of a processor instance: a {@link TopicFeed} reading every recorded topic into
 * {@link RunRecords}, and the {@link DashboardHandler} that serves the page and its data from them.
 * Each instance reads all partitions, so each shows every run, as the JSON API answers for all.
 */
public final class LiveDashboard implements AutoCloseable {
  private final TopicFeed feed;
  private final DashboardHandler handler;

  private LiveDashboard(TopicFeed feed, DashboardHandler handler) {
    this.feed = feed;
    this.handler = handler;
  }

  /** Starts reading from {@code bootstrapServers}; {@code name} names the consumer and its thread. */
  public static LiveDashboard start(String bootstrapServers, String name, Clock clock) {
    RunRecords records = new RunRecords();
    TopicFeed feed = TopicFeed.start(bootstrapServers, records, name);
    return new LiveDashboard(feed, new DashboardHandler(records, ReportModel.Options.ofDefaults(), clock));
  }

  /** Serves {@code /}, {@code /assets/...} and {@code /report.json}. */
  public HttpHandler handler() {
    return handler;
  }

  @Override
  public void close() {
    feed.close();
  }
}
