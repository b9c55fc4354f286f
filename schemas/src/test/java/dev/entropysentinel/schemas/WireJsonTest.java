package dev.entropysentinel.schemas;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class WireJsonTest {

  @Provide
  Arbitrary<WireRecord> records() {
    return Arbitraries.oneOf(WireArbitraries.all());
  }

  @Property(tries = 500)
  void everyRecordSurvivesARoundTrip(@ForAll("records") WireRecord record) {
    WireSerde<? extends WireRecord> serde = WireSerde.of(record.getClass());
    assertThat(serde.deserialize("t", WireJson.write(record))).isEqualTo(record);
  }

  @Property(tries = 1000)
  void corruptedBytesAreEitherReadOrRejectedNamingAField(@ForAll("records") WireRecord record,
      @ForAll @IntRange(min = 0, max = 10_000) int position, @ForAll byte replacement, @ForAll boolean truncate) {
    byte[] bytes = WireJson.write(record);
    int at = position % bytes.length;
    byte[] corrupted = truncate ? java.util.Arrays.copyOf(bytes, at) : bytes.clone();
    if (!truncate) {
      corrupted[at] = replacement;
    }
    try {
      WireRecord read = WireJson.read(corrupted, record.getClass());
      assertThat(read).isNotNull();
    } catch (InvalidRecordException e) {
      assertThat(e.field()).isNotBlank();
      assertThat(e.getMessage()).startsWith(e.field() + ": ");
    }
  }

  @Test
  void badJsonIsRejectedAsNotValidJson() {
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> WireJson.read("{\"runId\": ".getBytes(UTF_8), EvalResult.class));
    assertThat(e.field()).isEqualTo("$");
    assertThat(e.getMessage()).contains("not valid JSON");
  }

  @Test
  void anUnknownMajorVersionIsRejected() {
    ObjectNode json = json(sampleEval());
    json.put("schemaVersion", "2.0");
    assertThatThrownBy(() -> read(json, EvalResult.class)).isInstanceOf(InvalidRecordException.class)
        .hasMessageStartingWith("schemaVersion: major version 2");
  }

  @Test
  void anotherMajorIsReportedBeforeTheFieldsItLacks() {
    byte[] v2 = "{\"schemaVersion\":\"2.0\",\"run\":{\"id\":\"r\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> WireJson.read(v2, StepStats.class)).hasMessageStartingWith("schemaVersion: major version 2");
  }

  @Test
  void aNewerMinorVersionWithAdditiveFieldsIsRead() {
    ObjectNode json = json(sampleEval());
    json.put("schemaVersion", "1.7");
    json.put("aFieldFromTheFuture", 42);
    EvalResult read = read(json, EvalResult.class);
    assertThat(read.score()).isEqualTo(sampleEval().score());
    assertThat(read.schemaVersion()).isEqualTo("1.7");
  }

  @Test
  void aMissingRequiredFieldIsNamed() {
    ObjectNode json = json(sampleEval());
    json.remove("step");
    assertThatThrownBy(() -> read(json, EvalResult.class)).isInstanceOf(InvalidRecordException.class)
        .hasMessage("step: is required");
  }

  @Test
  void aMissingNestedFieldIsNamedWithItsPath() {
    ObjectNode json = json(WireArbitraries.stepStats().sample());
    ((ObjectNode) json.get("covariance")).remove("sum");
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> read(json, StepStats.class));
    assertThat(e.field()).isEqualTo("covariance.sum");
  }

  @Test
  void aRecordWithoutSkippedUpdatesReadsAsNoneSkipped() {
    StepStats s = WireArbitraries.stepStats().filter(x -> x.skippedUpdates() > 0).sample();
    ObjectNode json = json(s);
    json.remove("skippedUpdates");
    assertThat(read(json, StepStats.class).skippedUpdates()).isZero();
    assertThat(read(json(s), StepStats.class).skippedUpdates()).isEqualTo(s.skippedUpdates());
  }

  @Test
  void aNegativeSkippedUpdateCountIsRejectedNamingTheField() {
    ObjectNode json = json(WireArbitraries.stepStats().sample());
    json.put("skippedUpdates", -1);
    assertThatThrownBy(() -> read(json, StepStats.class)).isInstanceOf(InvalidRecordException.class)
        .hasMessageStartingWith("skippedUpdates:");
  }

  @Test
  void notANumberIsRejectedWhereANumberMustBeFinite() {
    ObjectNode json = json(WireArbitraries.stepStats().sample());
    json.put("entropySum", "NaN");
    assertThatThrownBy(() -> read(json, StepStats.class)).isInstanceOf(InvalidRecordException.class)
        .hasMessageStartingWith("entropySum: must be a finite number");
    json.put("entropySum", "Infinity");
    assertThatThrownBy(() -> read(json, StepStats.class)).hasMessageStartingWith("entropySum: must be a finite number");
  }

  @Test
  void aRawNaNTokenIsNotValidJson() {
    String text = new String(WireJson.write(sampleEval()), UTF_8).replaceFirst("\"score\":[^,]+", "\"score\":NaN");
    assertThatThrownBy(() -> WireJson.read(text.getBytes(UTF_8), EvalResult.class)).isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("NaN");
  }

  @Test
  void aNegativeStepIsRejected() {
    ObjectNode json = json(sampleEval());
    json.put("step", -3);
    assertThatThrownBy(() -> read(json, EvalResult.class)).hasMessage("step: must be >= 0, was -3");
  }

  @Test
  void anOversizedStringIsRejected() {
    ObjectNode json = json(sampleEval());
    json.put("runId", "r".repeat(10_000));
    assertThatThrownBy(() -> read(json, EvalResult.class)).hasMessage("runId: is 10000 characters, at most 256 allowed");
  }

  @Test
  void aWrongTypeIsNamed() {
    ObjectNode json = json(sampleEval());
    json.put("sampleCount", "many");
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> read(json, EvalResult.class));
    assertThat(e.field()).isEqualTo("sampleCount");
  }

  @Test
  void anUnknownEnumValueIsNamed() {
    ObjectNode json = json(WireArbitraries.commands().sample());
    json.put("action", "REBOOT");
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> read(json, ControlCommand.class));
    assertThat(e.field()).isEqualTo("action");
  }

  @Test
  void emptyAndOversizedPayloadsAreRejectedBeforeParsing() {
    assertThatThrownBy(() -> WireJson.read(new byte[0], EvalResult.class)).hasMessageStartingWith("$: empty record");
    assertThatThrownBy(() -> WireJson.read(new byte[WireJson.MAX_RECORD_BYTES + 1], EvalResult.class))
        .hasMessageStartingWith("$: record is");
  }

  @Test
  void constructorsRejectInconsistentCounts() {
    StepStats s = WireArbitraries.stepStats().sample();
    assertThatThrownBy(() -> new StepStats(s.schemaVersion(), s.runId(), s.host(), 3, 2, s.step(), s.timestampMs(), s.method(),
        Map.of(), 10, 1, 4, 1, 5, 1, 0, 0, 0, 0, 1, 10, Covariance.empty(), 0, 0, 0, 0, 0))
        .hasMessage("rank: must be < worldSize (2), was 3");
    assertThatThrownBy(() -> new StepStats(s.schemaVersion(), s.runId(), s.host(), 0, 1, s.step(), s.timestampMs(), s.method(),
        Map.of(), 10, 1, 4, 1, 5, 1, 0, 0, 0, 0, 1, 10, Covariance.empty(), 0, 0, 0, 0, 0))
        .hasMessage("correctCount: must be <= responseCount (4), was 5");
  }

  @Test
  void aDeadLetterKeepsTheBytesWhole() {
    byte[] value = {0, 1, 2, (byte) 0xff};
    DeadLetter d = DeadLetter.of(Topics.STEP_STATS, 2, 17, 5, null, value, "runId: is required");
    DeadLetter back = WireJson.read(WireJson.write(d), DeadLetter.class);
    assertThat(java.util.Base64.getDecoder().decode(back.valueBase64())).containsExactly(value);
    assertThat(back.reason()).isEqualTo("runId: is required");
  }

  @Test
  void derivedMeansComeFromSumsAndCounts() {
    StepStats s = new StepStats(SchemaVersion.CURRENT, "r", "h", 0, 1, 1, 0, "grpo", Map.of(), 200, 50, 8, 6, 3, 400,
        0, 0, 0, 0, 1, 200, new Covariance(200, 2, 1, List.of(new Covariance.TopGroup(0.02, 4, 6))), 0.2, 1, 10, -0.01, -0.012);
    assertThat(s.entropyMean()).isEqualTo(0.25);
    assertThat(s.rewardMean()).isEqualTo(0.75);
    assertThat(s.accuracy()).isEqualTo(0.375);
    assertThat(s.responseLengthMean()).isEqualTo(50);
    assertThat(s.covariance().mean()).isEqualTo(0.01);
    assertThat(s.covariance().topGroups().get(0).mean()).isEqualTo(1.5);
  }

  @Test
  void aStepStatsRecordOfVersion10WithoutAbsentFieldsReadsAsFullyMeasured() {
    StepStats s = WireArbitraries.stepStats().filter(x -> x.absentFields().isEmpty()).sample();
    ObjectNode json = json(s);
    assertThat(json.has("absentFields")).as("omitted when empty, so 1.0 readers see the 1.0 shape").isFalse();
    json.put("schemaVersion", "1.0");
    StepStats read = read(json, StepStats.class);
    assertThat(read.absentFields()).isEmpty();
    assertThat(read.measured("entropySum")).isTrue();
  }

  @Test
  void absentFieldsAreSortedWithoutRepeatsAndOnlyMeasurementsMayBeAbsent() {
    ObjectNode json = json(WireArbitraries.stepStats().sample());
    json.putArray("absentFields").add("rewardSum").add("covariance").add("rewardSum");
    StepStats read = read(json, StepStats.class);
    assertThat(read.absentFields()).containsExactly("covariance", "rewardSum");
    assertThat(read.measured("rewardSum")).isFalse();
    assertThat(read.measured("entropySum")).isTrue();
    json.putArray("absentFields").add("runId");
    assertThatThrownBy(() -> read(json, StepStats.class)).isInstanceOf(InvalidRecordException.class)
        .hasMessageStartingWith("absentFields: unknown field \"runId\"; absentable: [clipHighCount");
  }

  private static EvalResult sampleEval() {
    return new EvalResult(SchemaVersion.CURRENT, "run-1", 40, 1000, "countdown", 0.42, 256, Map.of("pass@4", 0.61));
  }

  private static ObjectNode json(Object record) {
    return WireJson.mapper().valueToTree(record);
  }

  private static <T> T read(ObjectNode json, Class<T> type) {
    return WireJson.read(json.toString().getBytes(UTF_8), type);
  }
}
