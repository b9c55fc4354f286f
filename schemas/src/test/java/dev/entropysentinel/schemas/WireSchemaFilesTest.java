package dev.entropysentinel.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The JSON Schema files in src/main/resources are the published contract: real records must validate. */
class WireSchemaFilesTest {
  private static final Map<Class<? extends WireRecord>, String> FILES = Map.of(
      RunInfo.class, "run-info", StepStats.class, "step-stats", EvalResult.class, "eval-result", Forecast.class, "forecast",
      ControlCommand.class, "control-command", ControlAck.class, "control-ack", Alert.class, "alert",
      DeadLetter.class, "dead-letter");
  private static final Map<String, JsonSchema> SCHEMAS = FILES.values().stream()
      .collect(Collectors.toMap(n -> n, WireSchemaFilesTest::load));

  private static JsonSchema load(String name) {
    try (InputStream in = WireSchemaFilesTest.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
      assertThat(in).as("schema file %s", name).isNotNull();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Provide
  Arbitrary<WireRecord> records() {
    return Arbitraries.oneOf(WireArbitraries.all());
  }

  @Property(tries = 300)
  void everySerializedRecordValidatesAgainstItsSchemaFile(@ForAll("records") WireRecord record) throws IOException {
    JsonNode json = WireJson.mapper().readTree(WireJson.write(record));
    Set<ValidationMessage> errors = SCHEMAS.get(FILES.get(record.getClass())).validate(json);
    assertThat(errors).as("%s as %s", record.getClass().getSimpleName(), json).isEmpty();
  }

  @Test
  void eachSchemaRequiresExactlyTheRecordsFields() throws IOException {
    for (Map.Entry<Class<? extends WireRecord>, String> e : FILES.entrySet()) {
      JsonNode schema;
      try (InputStream in = getClass().getResourceAsStream("/schemas/" + e.getValue() + ".schema.json")) {
        schema = WireJson.mapper().readTree(in);
      }
      Set<String> required = new HashSet<>();
      schema.get("required").forEach(n -> required.add(n.asText()));
      Set<String> components = Arrays.stream(e.getKey().getRecordComponents()).map(c -> c.getName())
          .filter(name -> !optional(e.getKey()).contains(name)).collect(Collectors.toSet());
      assertThat(required).as(e.getValue()).isEqualTo(components);
      optional(e.getKey()).forEach(name -> assertThat(schema.get("properties").has(name)).as(e.getValue() + " describes " + name).isTrue());
    }
  }

  /** Fields of later minor versions: the reader injects their default when a record lacks them. */
  private static Set<String> optional(Class<?> record) {
    Class<?>[] types = Arrays.stream(record.getRecordComponents()).map(c -> c.getType()).toArray(Class<?>[]::new);
    try {
      java.lang.reflect.Parameter[] params = record.getDeclaredConstructor(types).getParameters();
      Set<String> out = new HashSet<>();
      for (int i = 0; i < params.length; i++) {
        if (params[i].isAnnotationPresent(com.fasterxml.jackson.annotation.JacksonInject.class)) {
          out.add(record.getRecordComponents()[i].getName());
        }
      }
      return out;
    } catch (NoSuchMethodException ex) {
      throw new AssertionError(ex);
    }
  }

  @Test
  void aRecordMissingAFieldFailsItsSchemaToo() throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
        WireJson.mapper().readTree(WireJson.write(WireArbitraries.evals().sample()));
    json.remove("score");
    assertThat(SCHEMAS.get("eval-result").validate(json)).extracting(ValidationMessage::getMessage)
        .anySatisfy(m -> assertThat(m).contains("score"));
  }
}
