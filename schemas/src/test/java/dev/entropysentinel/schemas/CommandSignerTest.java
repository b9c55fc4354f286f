package dev.entropysentinel.schemas;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandSignerTest {
  private final CommandSigner signer = new CommandSigner("a-shared-secret-of-32-bytes-long".getBytes(UTF_8));
  private final ControlCommand command = command("entropy collapse", Map.of("method", "kl-cov", "klCoef", "2"));

  private static ControlCommand command(String reason, Map<String, String> parameters) {
    return new ControlCommand(SchemaVersion.CURRENT, "run-1", 3, 1000, ControlAction.INTERVENE, reason, parameters, 120,
        false, "unsigned");
  }

  @Test
  void aSignedCommandVerifies() {
    assertThat(signer.verify(signer.sign(command))).isTrue();
  }

  @Test
  void anyChangedFieldBreaksTheSignature() {
    ControlCommand signed = signer.sign(command);
    ControlCommand tampered = new ControlCommand(signed.schemaVersion(), signed.runId(), signed.seq(), signed.issuedAtMs(),
        ControlAction.STOP, signed.reason(), signed.parameters(), signed.forecastStep(), signed.dryRun(), signed.signature());
    assertThat(signer.verify(tampered)).isFalse();
    assertThat(signer.verify(command)).isFalse();
  }

  @Test
  void anotherKeyDoesNotVerify() {
    CommandSigner other = new CommandSigner("another-secret-of-32-bytes-long!".getBytes(UTF_8));
    assertThat(other.verify(signer.sign(command))).isFalse();
  }

  @Test
  void aShortKeyIsRefused() {
    assertThatThrownBy(() -> new CommandSigner(new byte[8])).hasMessageContaining("at least 16 bytes");
  }

  /**
   * The attack on separator-joined signing: text that looks like the next field, moved from the
   * reason into the run id (or the reverse), gave the same signed text. Length prefixes tell them apart.
   */
  @Test
  void contentMovedBetweenFieldsDoesNotKeepTheSignature() {
    ControlCommand original = new ControlCommand(SchemaVersion.CURRENT, "run-1\n3", 3, 1000, ControlAction.INTERVENE,
        "collapse\n120\nfalse\nklCoef=2", Map.of(), 120, false, "unsigned");
    ControlCommand shifted = new ControlCommand(SchemaVersion.CURRENT, "run-1", 3, 1000, ControlAction.INTERVENE,
        "collapse", Map.of("klCoef", "2"), 120, false, signer.sign(original).signature());
    assertThat(signer.verify(signer.sign(original))).isTrue();
    assertThat(signer.verify(shifted)).isFalse();
  }

  @Provide
  Arbitrary<ControlCommand> trickyCommands() {
    Arbitrary<String> tricky = Arbitraries.strings().withChars('a', '=', '\n', '1', '\0').ofMinLength(1).ofMaxLength(12)
        .filter(s -> !s.isBlank());
    return net.jqwik.api.Combinators.combine(tricky, tricky, WireArbitraries.controlParameters())
        .as((run, reason, params) -> new ControlCommand(SchemaVersion.CURRENT, run, 1, 2, ControlAction.INTERVENE, reason,
            params, 4, false, "unsigned"));
  }

  /** The signed bytes decode back to exactly the command's fields: no two commands share them. */
  @Property(tries = 300)
  void signedBytesAreAnUnambiguousEncodingOfTheFields(@ForAll("trickyCommands") ControlCommand c) {
    List<String> fields = decode(CommandSigner.signedBytes(c));
    List<String> expected = new ArrayList<>(List.of(c.schemaVersion(), c.runId(), "1", "2", "INTERVENE", c.reason(), "4",
        "false", Integer.toString(c.parameters().size())));
    new java.util.TreeMap<>(c.parameters()).forEach((k, v) -> {
      expected.add(k);
      expected.add(v);
    });
    assertThat(fields).isEqualTo(expected);
  }

  private static List<String> decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    List<String> fields = new ArrayList<>();
    while (in.hasRemaining()) {
      byte[] field = new byte[in.getInt()];
      in.get(field);
      fields.add(new String(field, UTF_8));
    }
    return fields;
  }

  @Test
  void aKeyFileIsReadWithoutItsTrailingNewline(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("control.key");
    Files.writeString(file, "a-shared-secret-of-32-bytes-long\n");
    assertThat(CommandSigner.fromFile(file).verify(signer.sign(command))).isTrue();
  }

  @Test
  void aMissingKeyFileIsNamedWithTheFix(@TempDir Path dir) {
    Path file = dir.resolve("absent.key");
    assertThatThrownBy(() -> CommandSigner.fromFile(file))
        .hasMessageContaining(file.toString()).hasMessageContaining("/dev/urandom");
  }

  @Test
  void withoutAFileTheKeyComesFromTheEnvironment() {
    CommandSigner fromEnv = CommandSigner.fromFileOrEnv(null, Map.of(CommandSigner.KEY_ENV, "a-shared-secret-of-32-bytes-long"));
    assertThat(fromEnv.verify(signer.sign(command))).isTrue();
    assertThatThrownBy(() -> CommandSigner.fromFileOrEnv(null, Map.of()))
        .hasMessageContaining("--secret-file").hasMessageContaining(CommandSigner.KEY_ENV);
  }
}
