package dev.entropysentinel.kafka.embedded;

import dev.entropysentinel.schemas.TopicSetup;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft broker + controller in one process, from the {@code kafka_2.13}
 * artifact) on 127.0.0.1, with the Sentinel topics created and their leaders elected. Settings for
 * one node let {@code exactly_once_v2} work. Used by the embedded default and by integration
 * tests; close it to shut the broker down and delete a temporary log directory.
 *
 * <p>Note that Kafka's fault handler halts the JVM on a fatal broker fault: a long-lived service
 * should give it enough heap (the log cleaner's buffer is lowered here for small heaps).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final int START_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean temporary;
  private final String bootstrapServers;
  private final long startupMillis;
  private boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, boolean temporary, String bootstrapServers, long startupMillis) {
    this.server = server;
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.bootstrapServers = bootstrapServers;
    this.startupMillis = startupMillis;
  }

  /** Starts a broker with {@link BrokerConfig#ofDefaults()}. */
  public static EmbeddedKafkaBroker start() {
    return start(BrokerConfig.ofDefaults());
  }

  /**
   * Formats storage, starts the broker, creates the Sentinel topics and waits until every
   * partition has a leader.
   *
   * @throws IllegalStateException when the broker does not come up within the start-up timeout
   */
  public static EmbeddedKafkaBroker start(BrokerConfig config) {
    long t0 = System.nanoTime();
    boolean temporary = config.dataDir() == null;
    Path dir;
    try {
      dir = temporary ? Files.createTempDirectory("sentinel-kafka-") : Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's data directory " + config.dataDir(), e);
    }
    RuntimeException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = config.port() == 0 ? freePort() : config.port();
      int controllerPort = freePort();
      try {
        KafkaRaftServer server = startServer(config, dir, port, controllerPort);
        String bootstrap = "127.0.0.1:" + port;
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dir, temporary, bootstrap,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        try {
          broker.createTopics(config);
        } catch (RuntimeException e) {
          broker.close();
          throw e;
        }
        LOG.info("Kafka broker ready at {} in {} ms (data in {})", bootstrap, broker.startupMillis, dir);
        return broker;
      } catch (RuntimeException e) {
        last = e;
        if (!isBindFailure(e) || config.port() != 0) {
          break;
        }
        LOG.warn("port race while starting the broker (attempt {}/{}), retrying", attempt, START_ATTEMPTS);
      }
    }
    if (temporary) {
      deleteRecursively(dir);
    }
    throw new IllegalStateException("the embedded Kafka broker did not start: " + last.getMessage(), last);
  }

  private static KafkaRaftServer startServer(BrokerConfig config, Path dir, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.toString());
    p.put("num.partitions", String.valueOf(config.partitions()));
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    p.put("server.max.startup.time.ms", String.valueOf(config.startupTimeout().toMillis()));
    KafkaConfig kafkaConfig = KafkaConfig.fromProps(p, false);
    try {
      if (!Files.exists(dir.resolve("meta.properties"))) {
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(1)
            .setClusterId(Uuid.randomUuid().toString())
            .setDirectories(List.of(dir.toString()))
            .setMetadataLogDirectory(dir.toString())
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
            .setControllerListenerName("CONTROLLER")
            .setUnstableFeatureVersionsEnabled(false)
            .run();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka storage in " + dir + ": " + e.getMessage(), e);
    }
    KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      server.awaitShutdown();
      throw e;
    }
    return server;
  }

  private void createTopics(BrokerConfig config) {
    TopicSetup.ensure(bootstrapServers, config.partitions(), (short) 1,
        Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(config.retention().toMillis())), config.startupTimeout());
  }

  /** Creates (idempotently) another topic, e.g. for a test, and waits for its partitions' leaders. */
  public void createTopic(String name, int partitions) {
    TopicSetup.ensure(bootstrapServers, List.of(new NewTopic(name, partitions, (short) 1)), java.time.Duration.ofSeconds(30));
  }

  /** The address clients connect to, e.g. {@code 127.0.0.1:41234}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** How long start-up took, from formatting to every Sentinel partition having a leader. */
  public long startupMillis() {
    return startupMillis;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (temporary) {
      deleteRecursively(dataDir);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }
}
