package dev.entropysentinel.schemas;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies {@link ControlCommand}s with HMAC-SHA256 over a canonical text of every field
 * but the signature, so a trainer obeys only a monitor that shares its key.
 */
public final class CommandSigner {
  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;

  /** @throws IllegalArgumentException when the key is shorter than 16 bytes */
  public CommandSigner(byte[] secret) {
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException("control signing key must be at least 16 bytes, was "
          + (secret == null ? "missing" : secret.length + " bytes"));
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
  }

  /** Returns the command with its signature set. */
  public ControlCommand sign(ControlCommand command) {
    return command.withSignature(signatureOf(command));
  }

  /** True when the signature matches the command's fields under this key (constant time). */
  public boolean verify(ControlCommand command) {
    byte[] expected = signatureOf(command).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, command.signature().getBytes(StandardCharsets.US_ASCII));
  }

  private String signatureOf(ControlCommand c) {
    StringBuilder text = new StringBuilder()
        .append(c.schemaVersion()).append('\n').append(c.runId()).append('\n').append(c.seq()).append('\n')
        .append(c.issuedAtMs()).append('\n').append(c.action()).append('\n').append(c.reason()).append('\n')
        .append(c.forecastStep()).append('\n').append(c.dryRun()).append('\n');
    for (Map.Entry<String, String> e : new TreeMap<>(c.parameters()).entrySet()) {
      text.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return "hmac-sha256=" + HexFormat.of().formatHex(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }
}
