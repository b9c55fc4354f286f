package dev.entropysentinel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entropysentinel.schemas.TopicSetup;
import dev.entropysentinel.schemas.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sentinel topic}: put bytes on a topic and read a topic back, so a user can look at the
 * dead-letter topic, replay a fixed record or check a deployment without Kafka's own tools.
 */
@Command(
    name = "topic",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = "Produce to and read from a Kafka topic (e.g. sentinel.dlq).",
    subcommands = {TopicCommand.Produce.class, TopicCommand.Read.class})
final class TopicCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: choose produce or read");
  }

  @Command(name = "produce", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
      description = "Sends the bytes of --file (or standard input) as one record, or one record per line with "
          + "--lines, and prints where each landed.")
  static final class Produce implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, host:port")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "topic to write to, e.g. sentinel.step-stats")
    String topic;

    @Option(names = "--key", description = "record key (Sentinel topics are keyed by run id)")
    String key;

    @Option(names = "--file", description = "read the record from this file (default: standard input)")
    Path file;

    @Option(names = "--lines", description = "one record per line instead of one record for all the input")
    boolean lines;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
      byte[] input;
      try (InputStream in = file == null ? System.in : Files.newInputStream(file)) {
        input = in.readAllBytes();
      } catch (IOException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--file: cannot read " + file + ": " + e.getMessage());
      }
      List<byte[]> records = new ArrayList<>();
      if (lines) {
        for (String line : new String(input, StandardCharsets.UTF_8).split("\n")) {
          if (!line.isEmpty()) {
            records.add(line.getBytes(StandardCharsets.UTF_8));
          }
        }
      } else {
        records.add(input);
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
      p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
      p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSetup.DLQ_MAX_MESSAGE_BYTES);
      PrintWriter out = spec.commandLine().getOut();
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (byte[] value : records) {
          var meta = producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
              value)).get(60, TimeUnit.SECONDS);
          out.printf("sent %d bytes to %s-%d at offset %d%n", value.length, meta.topic(), meta.partition(), meta.offset());
        }
      } catch (ExecutionException | TimeoutException e) {
        spec.commandLine().getErr().println("topic produce: cannot write to " + topic + " on " + bootstrap + ": "
            + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
        return 1;
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "read", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
      description = "Prints a topic's committed records from the beginning as JSON lines {topic, partition, offset, key, "
          + "value} (value as JSON when it is JSON, else as text, else base64) and exits once it is idle.")
  static final class Read implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, host:port")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "topic to read, e.g. sentinel.dlq")
    String topic;

    @Option(names = "--key", description = "only records with this key")
    String key;

    @Option(names = "--max", defaultValue = "0", description = "stop after this many records; 0 reads to the end (default: ${DEFAULT-VALUE})")
    int max;

    @Option(names = "--idle-s", defaultValue = "3", description = "stop after this many seconds without a new record (default: ${DEFAULT-VALUE})")
    int idleSeconds;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (max < 0 || idleSeconds < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), max < 0 ? "--max must be >= 0, was " + max
            : "--idle-s must be >= 1, was " + idleSeconds);
      }
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicSetup.DLQ_MAX_MESSAGE_BYTES);
      p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
      PrintWriter out = spec.commandLine().getOut();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (partitions == null || partitions.isEmpty()) {
          spec.commandLine().getErr().println("topic read: no topic " + topic + " on " + bootstrap);
          return 1;
        }
        List<TopicPartition> assigned = partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        int printed = 0;
        long idleSince = System.nanoTime();
        while (System.nanoTime() - idleSince < TimeUnit.SECONDS.toNanos(idleSeconds)) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            idleSince = System.nanoTime();
            String k = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (key != null && !key.equals(k)) {
              continue;
            }
            out.println(line(r, k));
            if (max > 0 && ++printed >= max) {
              out.flush();
              return 0;
            }
          }
        }
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        spec.commandLine().getErr().println("topic read: cannot reach Kafka at " + bootstrap + ": " + e.getMessage());
        return 1;
      }
      out.flush();
      return 0;
    }

    private static String line(ConsumerRecord<byte[], byte[]> r, String key) {
      ObjectNode json = WireJson.mapper().createObjectNode();
      json.put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset()).put("key", key);
      byte[] v = r.value();
      if (v == null) {
        json.putNull("value");
      } else {
        try {
          json.set("value", WireJson.mapper().readTree(v));
        } catch (IOException notJson) {
          String text = utf8(v);
          if (text != null) {
            json.put("value", text);
          } else {
            json.put("valueBase64", Base64.getEncoder().encodeToString(v));
          }
        }
      }
      return json.toString();
    }

    private static String utf8(byte[] bytes) {
      try {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        return null;
      }
    }
  }
}
