package dev.entropysentinel.trainer.emit;

import dev.entropysentinel.schemas.Alert;
import dev.entropysentinel.schemas.ControlAck;
import dev.entropysentinel.schemas.EvalResult;
import dev.entropysentinel.schemas.RunInfo;
import dev.entropysentinel.schemas.StepStats;
import dev.entropysentinel.schemas.TopicSetup;
import dev.entropysentinel.schemas.Topics;
import dev.entropysentinel.schemas.WireJson;
import dev.entropysentinel.trainer.stats.StatsSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the trainer's records to Kafka, keyed by run id, with an idempotent producer ({@code
 * acks=all}). Every record first goes to a {@link Spool} on the training thread (a local append,
 * never a wait for the broker); a sender thread sends the spool in order and moves its
 * acknowledged position only after the broker acknowledged. So an outage only delays records, a
 * restart with the same spool directory sends what was left, and the normal path sends each record
 * once. When the spool is full a record is not spooled and this is reported (what, and what to do).
 */
public final class KafkaEmitter implements StatsSink {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEmitter.class);
  private static final int READ_BATCH = 500;
  /** Partitions of topics the trainer has to create itself (as the embedded broker's default). */
  private static final int TOPIC_PARTITIONS = 3;
  /** The admin client refuses an API timeout below its request timeout (30 s). */
  private static final Duration TOPIC_SETUP_TIMEOUT = Duration.ofSeconds(30);

  private final EmitterConfig config;
  private final Spool spool;
  private final ProducerFactory producers;
  private final Thread sender;
  private final Object lock = new Object();
  private final TreeSet<Long> inFlight = new TreeSet<>();
  private volatile boolean running = true;
  private boolean closed;
  private long generation;
  private String failure;
  private long notSpooled;

  /** Creates Kafka producers and readies the topics; a seam for tests without a broker. */
  @FunctionalInterface
  public interface ProducerFactory {
    Producer<String, byte[]> create(Properties properties);

    /**
     * Creates missing Sentinel topics and waits for their partition leaders before the idempotent
     * producer writes (servers.md).
     *
     * @throws RuntimeException when the broker cannot be reached in time
     */
    default void awaitTopics(String bootstrap) {
      TopicSetup.ensure(bootstrap, TOPIC_PARTITIONS, (short) 1, Map.of(), TOPIC_SETUP_TIMEOUT);
    }
  }

  /**
   * Opens the spool (resuming it) and starts the sender thread.
   *
   * @throws IOException when the spool directory cannot be used
   */
  public static KafkaEmitter start(EmitterConfig config) throws IOException {
    return start(config, p -> new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()));
  }

  public static KafkaEmitter start(EmitterConfig config, ProducerFactory producers) throws IOException {
    Spool spool = Spool.open(config.spoolDir(), config.spoolMaxBytes());
    Spool.Recovery r = spool.recovery();
    if (r.corruptTail() != null) {
      LOG.warn("spool {}: {}", spool.dir(), r.corruptTail());
    }
    if (r.pending() > 0) {
      LOG.info("spool {}: resuming {} records not yet acknowledged by the broker (from position {})", spool.dir(),
          r.pending(), r.acked().next());
    }
    return new KafkaEmitter(config, spool, producers);
  }

  private KafkaEmitter(EmitterConfig config, Spool spool, ProducerFactory producers) {
    this.config = config;
    this.spool = spool;
    this.producers = producers;
    this.sender = new Thread(this::sendLoop, "sentinel-emitter");
    sender.setDaemon(true);
    sender.start();
  }

  /** The spool, for its positions. */
  public Spool spool() {
    return spool;
  }

  /** Records that did not fit in the spool. */
  public long notSpooled() {
    synchronized (lock) {
      return notSpooled;
    }
  }

  @Override
  public void accept(StepStats s) {
    spool(Topics.STEP_STATS, s.runId(), WireJson.write(s), "step-stats run " + s.runId() + " step " + s.step() + " rank " + s.rank());
  }

  @Override
  public void accept(EvalResult e) {
    spool(Topics.EVALS, e.runId(), WireJson.write(e), "eval run " + e.runId() + " step " + e.step());
  }

  @Override
  public void accept(RunInfo r) {
    spool(Topics.RUNS, r.runId(), WireJson.write(r), "run record " + r.runId() + " (method " + r.method() + ")");
  }

  @Override
  public void accept(ControlAck a) {
    spool(Topics.CONTROL_ACKS, a.runId(), WireJson.write(a), "control ack run " + a.runId() + " seq " + a.seq() + " " + a.status());
  }

  @Override
  public void accept(Alert a) {
    spool(Topics.ALERTS, a.runId(), WireJson.write(a), "alert run " + a.runId() + " " + a.type() + " " + a.status());
  }

  private void spool(String topic, String key, byte[] value, String what) {
    if (spool.append(topic, key, value) < 0) {
      long n;
      synchronized (lock) {
        n = ++notSpooled;
      }
      if (n == 1 || n % 100 == 0) {
        LOG.error("spool {} is full ({} of {} bytes, the broker at {} has not acknowledged since position {}): {} was NOT "
            + "spooled ({} records so far) and will not reach Kafka; training goes on and --out keeps a copy. Bring the "
            + "broker back or raise --spool-max-bytes.", spool.dir(), spool.bytes(), spool.maxBytes(), config.bootstrap(),
            spool.acked().next(), what, n);
      }
      return;
    }
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  private Properties producerProperties() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, config.deliveryTimeout().toMillis()));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, config.deliveryTimeout().toMillis()));
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.maxBlock().toMillis());
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1000);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "sentinel-trainer-emitter");
    return p;
  }

  /** Readies the topics; while the broker is unreachable, records wait in the spool. */
  private void awaitTopics() throws InterruptedException {
    while (running) {
      try {
        producers.awaitTopics(config.bootstrap());
        return;
      } catch (RuntimeException e) {
        LOG.warn("the broker at {} is not ready ({}); records wait in the spool {}", config.bootstrap(), e.getMessage(), spool.dir());
        synchronized (lock) {
          lock.wait(1000);
        }
      }
    }
  }

  private void sendLoop() {
    try {
      awaitTopics();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Producer<String, byte[]> producer = producers.create(producerProperties());
    SpoolPosition next = spool.acked();
    try {
      while (running) {
        long gen;
        Producer<String, byte[]> retired = null;
        synchronized (lock) {
          if (failure != null) {
            SpoolPosition from = inFlight.isEmpty() ? next : new SpoolPosition(inFlight.first());
            LOG.warn("a record was not delivered to {} within the delivery timeout ({}): {}; resending from spool position {} "
                + "with a new producer (records the broker wrote without acknowledging may arrive twice; the processor "
                + "drops them by run, rank and step)", config.bootstrap(), config.deliveryTimeout(), failure, from.next());
            retired = producer;
            producer = producers.create(producerProperties());
            generation++;
            inFlight.clear();
            failure = null;
            spool.acknowledge(from);
            next = from;
          }
          gen = generation;
        }
        if (retired != null) {
          // Outside the lock: closing aborts the old batches, whose callbacks take the lock (and are ignored,
          // being of an older generation). Closing under the lock deadlocked with them.
          retired.close(Duration.ZERO);
        }
        acknowledge(next);
        int room;
        synchronized (lock) {
          room = config.maxInFlight() - inFlight.size();
        }
        List<Spool.Entry> batch = room <= 0 ? List.of() : spool.read(next, Math.min(room, READ_BATCH));
        if (batch.isEmpty()) {
          synchronized (lock) {
            if (running && failure == null) {
              lock.wait(100);
            }
          }
          continue;
        }
        for (Spool.Entry e : batch) {
          try {
            // Metadata first, synchronously: a send whose metadata wait times out fails through its callback
            // while later records may still go out, which would break the order and force a resend with duplicates.
            producer.partitionsFor(e.topic());
            synchronized (lock) {
              inFlight.add(e.seq());
            }
            producer.send(new ProducerRecord<>(e.topic(), e.key(), e.value()), (meta, error) -> delivered(gen, e.seq(), error));
            next = SpoolPosition.after(e.seq());
          } catch (KafkaException ex) {
            // Not handed to the producer (e.g. no metadata within max.block.ms): it stays in the spool; retry it.
            synchronized (lock) {
              inFlight.remove(e.seq());
            }
            LOG.warn("cannot hand spooled record {} to the producer ({}); the broker at {} may be down, retrying",
                e.seq(), ex.getMessage(), config.bootstrap());
            break;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.error("the spool in {} became unreadable, records are no longer sent: {}", spool.dir(), e.getMessage(), e);
    } finally {
      producer.close(Duration.ZERO);
    }
  }

  private void delivered(long gen, long seq, Exception error) {
    synchronized (lock) {
      if (gen != generation) {
        return;
      }
      if (error == null) {
        inFlight.remove(seq);
      } else if (failure == null) {
        failure = "record " + seq + ": " + error;
      }
      lock.notifyAll();
    }
  }

  /** Saves the position below which everything was acknowledged. */
  private void acknowledge(SpoolPosition next) throws IOException {
    SpoolPosition upTo;
    synchronized (lock) {
      upTo = inFlight.isEmpty() ? next : new SpoolPosition(inFlight.first());
    }
    spool.acknowledge(upTo);
  }

  /**
   * Waits up to the close timeout for every spooled record to be acknowledged, then stops. What is
   * left stays in the spool and is sent by the next trainer started with the same spool directory.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = System.nanoTime() + config.closeTimeout().toNanos();
    while (spool.acked().compareTo(spool.end()) < 0 && System.nanoTime() < deadline && sender.isAlive()) {
      synchronized (lock) {
        try {
          lock.wait(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    running = false;
    synchronized (lock) {
      lock.notifyAll();
    }
    try {
      sender.join(config.closeTimeout().toMillis());
      long left = spool.end().next() - spool.acked().next();
      if (left > 0) {
        LOG.warn("{} records were not acknowledged by {} within {}; they stay in {} and are sent when a trainer starts "
            + "again with --spool-dir {}", left, config.bootstrap(), config.closeTimeout(), spool.dir(), spool.dir());
      }
      spool.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the spool in " + spool.dir() + ": " + e.getMessage(), e);
    }
  }
}
