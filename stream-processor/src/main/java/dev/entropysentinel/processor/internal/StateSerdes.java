package dev.entropysentinel.processor.internal;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.entropysentinel.forecaster.MonitorStateCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serdes of the processor's state-store values (internal layouts, versioned by their records). */
public final class StateSerdes {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private StateSerdes() {}

  /** JSON of a state record; non-finite numbers kept as such (a state may hold NaN before its first value). */
  public static <T> Serde<T> json(Class<T> type) {
    return Serdes.serdeFrom((topic, value) -> write(value),
        (topic, bytes) -> bytes == null ? null : read(bytes, type));
  }

  /** A run's state: {@code [meta length][meta JSON][monitor state bytes]} (the monitor has its own codec). */
  public static Serde<RunState> runState() {
    return Serdes.serdeFrom((topic, state) -> {
      if (state == null) {
        return null;
      }
      byte[] meta = write(state.meta());
      byte[] monitor = MonitorStateCodec.toBytes(state.monitor());
      return ByteBuffer.allocate(4 + meta.length + monitor.length).putInt(meta.length).put(meta).put(monitor).array();
    }, (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int metaLength = in.getInt();
      RunState.Meta meta = read(Arrays.copyOfRange(bytes, 4, 4 + metaLength), RunState.Meta.class);
      return new RunState(meta, MonitorStateCodec.fromBytes(Arrays.copyOfRange(bytes, 4 + metaLength, bytes.length)));
    });
  }

  private static byte[] write(Object value) {
    try {
      return value == null ? null : MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new SerializationException("cannot read " + type.getSimpleName() + " state: " + e.getMessage(), e);
    }
  }

}
