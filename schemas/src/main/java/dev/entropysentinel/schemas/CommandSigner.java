package dev.entropysentinel.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies {@link ControlCommand}s with HMAC-SHA256, so a trainer obeys only a monitor
 * that shares its key.
 *
 * <p>The signed bytes are every field but the signature, each written as its 4-byte big-endian
 * length followed by its UTF-8 bytes, parameters sorted by key and written the same way. Joining
 * fields with a separator instead would be ambiguous: a reason or value containing the separator
 * could move content from one field to another under the same signature.
 *
 * <p>Keys come from a file or an environment variable, never from a command-line flag (flags show
 * in {@code ps}).
 */
public final class CommandSigner {
  /** Environment variable holding the control key when no key file is given. */
  public static final String KEY_ENV = "SENTINEL_CONTROL_SECRET";
  /** Shortest key accepted: HMAC-SHA256 keys below 128 bits are guessable. */
  public static final int MIN_KEY_BYTES = 16;

  private static final String ALGORITHM = "HmacSHA256";
  private static final String PREFIX = "hmac-sha256=";
  private final SecretKeySpec key;

  /** @throws IllegalArgumentException when the key is shorter than 16 bytes */
  public CommandSigner(byte[] secret) {
    if (secret == null || secret.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("control signing key must be at least " + MIN_KEY_BYTES + " bytes, was "
          + (secret == null ? "missing" : secret.length + " bytes"));
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
  }

  /**
   * A signer whose key is the content of {@code file}, without a trailing newline.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or is too short
   */
  public static CommandSigner fromFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the control key file " + file + ": " + e.getMessage()
          + " (create it with e.g. `head -c 32 /dev/urandom | base64 > " + file + "`)", e);
    }
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    try {
      return new CommandSigner(java.util.Arrays.copyOf(bytes, end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("control key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A signer whose key is the value of environment variable {@code name}.
   *
   * @throws IllegalArgumentException when it is unset or too short
   */
  public static CommandSigner fromEnv(String name, Map<String, String> environment) {
    String value = environment.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("no control key: give --secret-file FILE or set the environment variable " + name);
    }
    try {
      return new CommandSigner(value.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("environment variable " + name + ": " + e.getMessage(), e);
    }
  }

  /** The signer from {@code file} when given, else from {@link #KEY_ENV} in {@code environment}. */
  public static CommandSigner fromFileOrEnv(Path file, Map<String, String> environment) {
    return file != null ? fromFile(file) : fromEnv(KEY_ENV, environment);
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

  /** The exact bytes a signature covers: length-prefixed fields, parameters sorted by key. */
  static byte[] signedBytes(ControlCommand c) {
    Fields fields = new Fields()
        .add(c.schemaVersion()).add(c.runId()).add(Long.toString(c.seq())).add(Long.toString(c.issuedAtMs()))
        .add(c.action().name()).add(c.reason()).add(Long.toString(c.forecastStep())).add(Boolean.toString(c.dryRun()))
        .add(Integer.toString(c.parameters().size()));
    for (Map.Entry<String, String> e : new TreeMap<>(c.parameters()).entrySet()) {
      fields.add(e.getKey()).add(e.getValue());
    }
    return fields.bytes();
  }

  private String signatureOf(ControlCommand c) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return PREFIX + HexFormat.of().formatHex(mac.doFinal(signedBytes(c)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  /** Length-prefixed UTF-8 fields. */
  private static final class Fields {
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    Fields add(String field) {
      byte[] b = field.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
      out.writeBytes(b);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
