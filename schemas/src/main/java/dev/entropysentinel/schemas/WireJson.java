package dev.entropysentinel.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON on the wire. Writing always emits every field (nulls included; an empty {@code absentFields} of step-stats is left out). Reading ignores unknown
 * fields (newer minor versions add them), requires every field of the record (but the optional fields of later minor versions), and turns every
 * failure into an {@link InvalidRecordException} whose message names the field and the problem.
 */
public final class WireJson {
  /** Largest record we read; anything bigger is refused before parsing. */
  public static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;

  /**
   * The value of an optional field a record of an earlier minor version lacks ({@link
   * StepStats#absentFields()} since 1.1): injected when the JSON has no such field, the JSON's value
   * otherwise. Every other field stays required.
   */
  static final String NONE_ABSENT = "wire.noneAbsent";
  static final String NONE_SKIPPED = "wire.noneSkipped";

  private static final Pattern QUOTED = Pattern.compile("'([^']+)'");

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .serializationInclusion(JsonInclude.Include.ALWAYS)
      .injectableValues(new InjectableValues.Std().addValue(NONE_ABSENT, java.util.List.of()).addValue(NONE_SKIPPED, 0L))
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxStringLength(DeadLetter.MAX_PAYLOAD + 16).maxNestingDepth(32).build());
  }

  private WireJson() {}

  /** The shared, configured mapper (thread-safe); for tools that write JSON the same way. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] write(Object record) {
    try {
      return MAPPER.writeValueAsBytes(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + record.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads one record of {@code type}.
   *
   * @throws InvalidRecordException naming the field and the problem, for any unreadable input
   */
  public static <T> T read(byte[] bytes, Class<T> type) {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidRecordException("$", "empty record: expected a JSON object for " + type.getSimpleName());
    }
    if (bytes.length > MAX_RECORD_BYTES) {
      throw new InvalidRecordException("$", "record is " + bytes.length + " bytes, at most " + MAX_RECORD_BYTES + " allowed");
    }
    try {
      return parse(bytes, type);
    } catch (InvalidRecordException e) {
      throw newerMajorFirst(bytes, e);
    }
  }

  /**
   * A record of another major version is reported as such, not as the first field this reader
   * misses in it: the field names of another major mean nothing here.
   */
  private static InvalidRecordException newerMajorFirst(byte[] bytes, InvalidRecordException failure) {
    if ("schemaVersion".equals(failure.field())) {
      return failure;
    }
    try {
      JsonNode version = MAPPER.readTree(bytes).path("schemaVersion");
      if (version.isTextual()) {
        SchemaVersion.check(version.asText());
      }
    } catch (InvalidRecordException versionFailure) {
      return versionFailure;
    } catch (IOException | RuntimeException unreadable) {
      return failure;
    }
    return failure;
  }

  private static <T> T parse(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof InvalidRecordException invalid) {
        throw invalid;
      }
      throw new InvalidRecordException(path(e), problem(e), e);
    } catch (InvalidFormatException e) {
      throw new InvalidRecordException(path(e), "cannot read value " + e.getValue() + " as " + e.getTargetType().getSimpleName(), e);
    } catch (MismatchedInputException e) {
      String message = e.getOriginalMessage();
      if (message.startsWith("Missing required creator property") || message.startsWith("Missing creator property")) {
        // Jackson's path already ends at the missing property; older versions stop at its parent.
        Matcher m = QUOTED.matcher(message);
        String name = m.find() ? m.group(1) : "?";
        String at = path(e);
        String field = at.equals(name) || at.endsWith("." + name) ? at : ("$".equals(at) ? name : at + "." + name);
        throw new InvalidRecordException(field, "is required", e);
      }
      if (message.startsWith("Cannot map `null` into type")) {
        throw new InvalidRecordException(path(e), "must not be null", e);
      }
      throw new InvalidRecordException(path(e), problem(e), e);
    } catch (StreamReadException e) {
      throw new InvalidRecordException("$", "not valid JSON: " + problem(e), e);
    } catch (JsonMappingException e) {
      throw new InvalidRecordException(path(e), problem(e), e);
    } catch (IOException e) {
      throw new InvalidRecordException("$", "cannot read: " + e.getMessage(), e);
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.length() == 0 ? "$" : b.toString();
  }

  private static String problem(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    m = m == null ? e.getClass().getSimpleName() : m;
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
