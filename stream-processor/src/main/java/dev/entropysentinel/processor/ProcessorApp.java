package dev.entropysentinel.processor;

import dev.entropysentinel.processor.internal.DeadLetters;
import dev.entropysentinel.processor.internal.RunsApi;
import dev.entropysentinel.report.LiveDashboard;
import dev.entropysentinel.schemas.TopicSetup;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running processor instance: the topology on Kafka Streams under exactly-once v2, its HTTP
 * API ({@code /runs}, {@code /runs/{id}}, {@code /health}, {@code /metrics}), optionally the live
 * dashboard ({@code /}, data at {@code /report.json}) and its metrics.
 * Several instances with one application id share the runs between them; each answers for all.
 */
public final class ProcessorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorApp.class);

  private final ProcessorConfig config;
  private final KafkaStreams streams;
  private final RunsApi api;
  private final PrometheusMeterRegistry registry;
  private final KafkaStreamsMetrics metrics;
  private final LiveDashboard dashboard;

  private ProcessorApp(ProcessorConfig config, KafkaStreams streams, RunsApi api, PrometheusMeterRegistry registry,
      KafkaStreamsMetrics metrics, LiveDashboard dashboard) {
    this.config = config;
    this.streams = streams;
    this.api = api;
    this.registry = registry;
    this.metrics = metrics;
    this.dashboard = dashboard;
  }

  /** An instance without the dashboard (benchmarks, tests of the topology alone). */
  public static ProcessorApp start(ProcessorConfig requested) {
    return start(requested, false);
  }

  /**
   * Creates the Sentinel topics when missing, binds the HTTP API and starts the stream threads;
   * with {@code dashboard}, also serves the live dashboard at {@code /}, fed by a consumer of its own
   * that reads every recorded topic (the processor's state keeps only what its decisions need).
   *
   * @throws IllegalStateException when Kafka cannot be reached or the HTTP port cannot be bound
   */
  public static ProcessorApp start(ProcessorConfig requested, boolean dashboard) {
    TopicSetup.ensure(requested.bootstrapServers(), requested.partitions(), (short) 1, Map.of(), Duration.ofSeconds(30));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RunsApi api = RunsApi.bind(requested.httpHost(), requested.httpPort(), registry);
    ProcessorConfig config = requested.withHttpPort(api.port());
    KafkaStreams streams = new KafkaStreams(SentinelTopology.build(config.settings()), properties(config));
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(registry);
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("stream thread failed; replacing it (state is restored from the changelog)", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    LiveDashboard live = dashboard
        ? LiveDashboard.start(config.bootstrapServers(), config.applicationId() + "-dashboard-" + api.port(), Clock.systemUTC())
        : null;
    if (live != null) {
      api.mount("/", live.handler());
    }
    api.serve(streams, config.httpHost() + ":" + api.port());
    streams.start();
    LOG.info("processor {} started: HTTP on http://{}:{}/ ({}runs, health, metrics), policy {}, exactly_once_v2",
        config.applicationId(), config.httpHost(), api.port(), live == null ? "" : "dashboard, ",
        config.settings().policy());
    return new ProcessorApp(config, streams, api, registry, metrics, live);
  }

  /**
   * Bytes a producer batch may take: a busy thread writes a changelog partition faster than the
   * default 16 KB fills in the producer's linger time, so larger batches mean fewer produce requests.
   * The linger stays at its default: lingering up to the commit interval moved the sends into the
   * commit and raised the step-to-command latency's p99.
   */
  static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  /**
   * The Streams configuration of an instance: exactly-once v2, our dead-letter handlers, IQ address,
   * larger producer batches, and a thread waits for input at most one commit interval, so an idle
   * instance commits a processed step's outputs on time. Public for the benchmark's reference apps,
   * which differ from the processor in their topology only.
   */
  public static Properties properties(ProcessorConfig c) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, c.commitInterval().toMillis());
    p.put(StreamsConfig.POLL_MS_CONFIG, Math.min(100, c.commitInterval().toMillis()));
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, c.streamThreads());
    p.put(StreamsConfig.STATE_DIR_CONFIG, c.stateDir().toString());
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, c.httpHost() + ":" + c.httpPort());
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dev.entropysentinel.schemas.Topics.DLQ);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), TopicSetup.DLQ_MAX_MESSAGE_BYTES);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return p;
  }

  /** The HTTP port actually bound. */
  public int httpPort() {
    return api.port();
  }

  public KafkaStreams streams() {
    return streams;
  }

  public ProcessorConfig config() {
    return config;
  }

  /** Stops the stream threads (committing their work) and the HTTP API. */
  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close();
    }
    streams.close(Duration.ofSeconds(30));
    metrics.close();
    api.close();
    registry.close();
  }
}
