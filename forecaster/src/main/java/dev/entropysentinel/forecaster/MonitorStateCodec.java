package dev.entropysentinel.forecaster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * {@link MonitorState} to and from bytes (JSON), for the stream processor's changelogged store.
 *
 * <p>Compact: a {@link SampledSeries} is its count, stride and one base64 block of its steps (as
 * varint gaps, mostly one byte) followed by its columns (float64), not an array of boxed points. Exact: doubles round-trip
 * bit for bit, so a state read back decides as the one never written; deterministic (maps by key,
 * sets in enum order), so equal states give equal bytes. Versioned: a state of another
 * major {@link MonitorState#VERSION} is refused with a message saying so; unknown fields (a newer
 * minor version) are ignored.
 */
public final class MonitorStateCodec {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .addModule(new SimpleModule("sampled-series")
          .addSerializer(SampledSeries.class, new SeriesSerializer())
          .addDeserializer(SampledSeries.class, new SeriesDeserializer()))
      .build();

  /** Bytes of the longest varint of an int. */
  private static final int VARINT_MAX = 5;

  private MonitorStateCodec() {}

  /** Steps go up by small gaps: each gap as an unsigned LEB128 varint, one byte for gaps below 128. */
  private static void putVarint(ByteBuffer out, int value) {
    int v = value;
    while ((v & ~0x7F) != 0) {
      out.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }

  private static int getVarint(ByteBuffer in) {
    int value = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      byte b = in.get();
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new BufferUnderflowException();
  }

  /** The state as JSON bytes. */
  public static byte[] toBytes(MonitorState state) {
    try {
      return MAPPER.writeValueAsBytes(state);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("monitor state could not be written: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads a state written by {@link #toBytes}.
   *
   * @throws IllegalArgumentException when the bytes are not a state, or one of another major version
   */
  public static MonitorState fromBytes(byte[] bytes) {
    int version = version(bytes);
    if (version != MonitorState.VERSION) {
      throw new IllegalArgumentException("monitor state has major version " + version + " but this build reads only "
          + "version " + MonitorState.VERSION + "; run the matching sentinel version or reset the processor's state");
    }
    try {
      return MAPPER.readValue(bytes, MonitorState.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("monitor state is not readable: " + e.getMessage(), e);
    }
  }

  /** The top-level {@code version} field, found without binding the rest (whose layout it governs). */
  private static int version(byte[] bytes) {
    try (JsonParser p = MAPPER.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("monitor state is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("version".equals(field)) {
          if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException("monitor state version must be an integer, was " + p.getText());
          }
          return p.getIntValue();
        }
        p.skipChildren();
      }
      throw new IllegalArgumentException("monitor state has no version field");
    } catch (IOException e) {
      throw new IllegalArgumentException("monitor state is not readable: " + e.getMessage(), e);
    }
  }

  private static final class SeriesSerializer extends StdSerializer<SampledSeries> {
    SeriesSerializer() {
      super(SampledSeries.class);
    }

    @Override
    public void serialize(SampledSeries s, JsonGenerator g, SerializerProvider provider) throws IOException {
      ByteBuffer data = ByteBuffer.allocate(s.size() * (VARINT_MAX + s.width() * Double.BYTES));
      int previous = 0;
      for (int i = 0; i < s.size(); i++) {
        putVarint(data, s.step(i) - previous);
        previous = s.step(i);
      }
      for (int c = 0; c < s.width(); c++) {
        for (int i = 0; i < s.size(); i++) {
          data.putDouble(s.value(c, i));
        }
      }
      g.writeStartObject();
      g.writeNumberField("count", s.count());
      g.writeNumberField("stride", s.stride());
      g.writeNumberField("size", s.size());
      g.writeNumberField("width", s.width());
      g.writeBinaryField("data", Arrays.copyOf(data.array(), data.position()));
      g.writeEndObject();
    }
  }

  private static final class SeriesDeserializer extends StdDeserializer<SampledSeries> {
    SeriesDeserializer() {
      super(SampledSeries.class);
    }

    @Override
    public SampledSeries deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      JsonNode node = p.readValueAsTree();
      int size = node.path("size").asInt(-1);
      int width = node.path("width").asInt(-1);
      byte[] bytes = node.path("data").binaryValue();
      if (size < 0 || width < 1 || bytes == null) {
        throw ctx.weirdStringException(String.valueOf(node), SampledSeries.class, "series needs size, width and data");
      }
      ByteBuffer data = ByteBuffer.wrap(bytes);
      int[] steps = new int[size];
      double[][] columns = new double[width][size];
      try {
        int previous = 0;
        for (int i = 0; i < size; i++) {
          steps[i] = previous + getVarint(data);
          previous = steps[i];
        }
        for (int c = 0; c < width; c++) {
          for (int i = 0; i < size; i++) {
            columns[c][i] = data.getDouble();
          }
        }
      } catch (BufferUnderflowException e) {
        throw ctx.weirdStringException(String.valueOf(node), SampledSeries.class, "series data ends early");
      }
      if (data.hasRemaining()) {
        throw ctx.weirdStringException(String.valueOf(node), SampledSeries.class, "series data is longer than its points");
      }
      try {
        return new SampledSeries(node.path("count").asLong(), node.path("stride").asInt(), steps, columns);
      } catch (IllegalArgumentException e) {
        throw ctx.weirdStringException(String.valueOf(node), SampledSeries.class, e.getMessage());
      }
    }
  }
}
