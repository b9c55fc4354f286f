package dev.entropysentinel.schemas;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandSignerTest {
  private final CommandSigner signer = new CommandSigner("a-shared-secret-of-32-bytes-long".getBytes(UTF_8));
  private final ControlCommand command = new ControlCommand(SchemaVersion.CURRENT, "run-1", 3, 1000, ControlAction.INTERVENE,
      "entropy collapse", Map.of("method", "kl-cov", "klCoef", "2"), 120, false, "unsigned");

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
}
