package dev.entropysentinel.schemas;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka serde of one wire record type: JSON via {@link WireJson}. Deserialization failures
 * throw {@link InvalidRecordException} (a Kafka {@code SerializationException}) naming the field.
 */
public final class WireSerde<T extends WireRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
  private final Class<T> type;

  private WireSerde(Class<T> type) {
    this.type = type;
  }

  public static <T extends WireRecord> WireSerde<T> of(Class<T> type) {
    return new WireSerde<>(type);
  }

  public static WireSerde<RunInfo> runs() {
    return of(RunInfo.class);
  }

  public static WireSerde<ControlAck> controlAcks() {
    return of(ControlAck.class);
  }

  public static WireSerde<StepStats> stepStats() {
    return of(StepStats.class);
  }

  public static WireSerde<EvalResult> evals() {
    return of(EvalResult.class);
  }

  public static WireSerde<Forecast> forecasts() {
    return of(Forecast.class);
  }

  public static WireSerde<ControlCommand> control() {
    return of(ControlCommand.class);
  }

  public static WireSerde<Alert> alerts() {
    return of(Alert.class);
  }

  public static WireSerde<DeadLetter> deadLetters() {
    return of(DeadLetter.class);
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : WireJson.write(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : WireJson.read(data, type);
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
