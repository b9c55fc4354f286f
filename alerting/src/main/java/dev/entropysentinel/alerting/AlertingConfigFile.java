package dev.entropysentinel.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the receivers YAML and checks it before anything is delivered. Every problem names the key
 * ({@code receivers[1].secretFile: file /x is not readable}). Secrets and secret URLs (a Slack
 * webhook URL is a credential) are referenced, never written inline: {@code secretFile} /
 * {@code secretEnv}, {@code urlFile} / {@code urlEnv}.
 *
 * <pre>
 * runUrl: http://grafana:3000/d/sentinel-run/run?var-run={run}
 * delivery: {maxAttempts: 6, initialBackoffMs: 500, backoffMultiplier: 2, jitter: 0.5, timeoutMs: 10000, queueCapacity: 10000}
 * receivers:
 *   - {name: ops, type: webhook, url: https://ops.example/hook, secretFile: /run/secrets/webhook_secret}
 *   - {name: slack, type: slack, urlEnv: SLACK_WEBHOOK_URL}
 *   - {name: am, type: alertmanager, url: http://alertmanager:9093, delivery: {timeoutMs: 3000}}
 * </pre>
 */
public final class AlertingConfigFile {
  private static final Set<String> TOP = Set.of("runUrl", "delivery", "receivers");
  private static final Set<String> RECEIVER = Set.of("name", "type", "url", "urlFile", "urlEnv", "secretFile", "secretEnv", "delivery");
  private static final Set<String> DELIVERY = Set.of("maxAttempts", "initialBackoffMs", "backoffMultiplier", "jitter", "timeoutMs", "queueCapacity");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Function<String, String> env;

  /** @param env the environment secrets are looked up in ({@code System::getenv} in production) */
  public AlertingConfigFile(Function<String, String> env) {
    this.env = env;
  }

  /**
   * Loads and validates {@code file}.
   *
   * @throws AlertingConfigException naming the file and the bad key
   */
  public AlertingConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AlertingConfigException(file + ": cannot read: " + e.getMessage());
    }
    try {
      return parse(text);
    } catch (AlertingConfigException e) {
      throw new AlertingConfigException(file + ": " + e.getMessage());
    }
  }

  /** Parses YAML text; see {@link #load}. */
  public AlertingConfig parse(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new AlertingConfigException("not valid YAML: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new AlertingConfigException("the file must be a mapping with keys " + TOP);
    }
    onlyKeys(root, "", TOP);
    DeliveryPolicy defaults = policy(root.get("delivery"), "delivery", DeliveryPolicy.ofDefaults());
    String runUrl = root.hasNonNull("runUrl") ? root.get("runUrl").asText() : "http://localhost:3000/d/sentinel-run/sentinel-run?var-run={run}";
    JsonNode list = root.get("receivers");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new AlertingConfigException("receivers: must be a non-empty list of receivers");
    }
    List<ReceiverConfig> receivers = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      receivers.add(receiver(list.get(i), "receivers[" + i + "]", defaults));
    }
    try {
      return new AlertingConfig(receivers, runUrl);
    } catch (IllegalArgumentException e) {
      throw new AlertingConfigException(e.getMessage());
    }
  }

  private ReceiverConfig receiver(JsonNode node, String at, DeliveryPolicy defaults) {
    if (!node.isObject()) {
      throw new AlertingConfigException(at + ": must be a mapping with keys " + RECEIVER);
    }
    onlyKeys(node, at + ".", RECEIVER);
    String name = requiredText(node, at, "name");
    String typeText = requiredText(node, at, "type");
    ReceiverConfig.Kind kind = null;
    for (ReceiverConfig.Kind k : ReceiverConfig.Kind.values()) {
      if (k.yaml().equals(typeText)) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new AlertingConfigException(at + ".type: must be webhook, slack or alertmanager, was \"" + typeText + "\"");
    }
    URI url = url(node, at);
    WebhookSecret secret = null;
    boolean hasSecret = node.has("secretFile") || node.has("secretEnv");
    if (kind == ReceiverConfig.Kind.WEBHOOK) {
      if (!hasSecret) {
        throw new AlertingConfigException(at + ": a webhook needs secretFile or secretEnv (a whsec_… signing secret)");
      }
      String where = node.has("secretFile") ? at + ".secretFile" : at + ".secretEnv";
      try {
        secret = WebhookSecret.parse(referenced(node, at, "secretFile", "secretEnv"));
      } catch (IllegalArgumentException e) {
        throw new AlertingConfigException(where + ": " + e.getMessage());
      }
    } else if (hasSecret) {
      throw new AlertingConfigException(at + ": secretFile/secretEnv only apply to type webhook, this is " + typeText);
    }
    DeliveryPolicy policy = policy(node.get("delivery"), at + ".delivery", defaults);
    return new ReceiverConfig(name, kind, url, secret, policy);
  }

  private URI url(JsonNode node, String at) {
    int given = (node.has("url") ? 1 : 0) + (node.has("urlFile") ? 1 : 0) + (node.has("urlEnv") ? 1 : 0);
    if (given != 1) {
      throw new AlertingConfigException(at + ": give exactly one of url, urlFile, urlEnv (found " + given + ")");
    }
    String key = node.has("url") ? "url" : node.has("urlFile") ? "urlFile" : "urlEnv";
    String text = node.has("url") ? node.get("url").asText() : referenced(node, at, "urlFile", "urlEnv");
    try {
      URI uri = new URI(text.strip());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new AlertingConfigException(at + "." + key + ": must be an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new AlertingConfigException(at + "." + key + ": not a URL: " + e.getMessage());
    }
  }

  /** The value behind a {@code xFile} / {@code xEnv} reference. */
  private String referenced(JsonNode node, String at, String fileKey, String envKey) {
    if (node.has(fileKey) && node.has(envKey)) {
      throw new AlertingConfigException(at + ": give either " + fileKey + " or " + envKey + ", not both");
    }
    if (node.has(fileKey)) {
      Path path = Path.of(requiredText(node, at, fileKey));
      try {
        String value = Files.readString(path, StandardCharsets.UTF_8).strip();
        if (value.isEmpty()) {
          throw new AlertingConfigException(at + "." + fileKey + ": file " + path + " is empty");
        }
        return value;
      } catch (IOException e) {
        throw new AlertingConfigException(at + "." + fileKey + ": file " + path + " is not readable: " + e.getMessage());
      }
    }
    String name = requiredText(node, at, envKey);
    String value = env.apply(name);
    if (value == null || value.isBlank()) {
      throw new AlertingConfigException(at + "." + envKey + ": environment variable " + name + " is not set");
    }
    return value.strip();
  }

  private static DeliveryPolicy policy(JsonNode node, String at, DeliveryPolicy base) {
    if (node == null || node.isNull()) {
      return base;
    }
    if (!node.isObject()) {
      throw new AlertingConfigException(at + ": must be a mapping with keys " + DELIVERY);
    }
    onlyKeys(node, at + ".", DELIVERY);
    try {
      return new DeliveryPolicy(
          (int) number(node, at, "maxAttempts", base.maxAttempts()),
          Duration.ofMillis((long) number(node, at, "initialBackoffMs", base.initialBackoff().toMillis())),
          number(node, at, "backoffMultiplier", base.backoffMultiplier()),
          number(node, at, "jitter", base.jitter()),
          Duration.ofMillis((long) number(node, at, "timeoutMs", base.timeout().toMillis())),
          (int) number(node, at, "queueCapacity", base.queueCapacity()));
    } catch (IllegalArgumentException e) {
      throw new AlertingConfigException(at + "." + e.getMessage());
    }
  }

  private static double number(JsonNode node, String at, String key, double fallback) {
    JsonNode v = node.get(key);
    if (v == null) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw new AlertingConfigException(at + "." + key + ": must be a number, was " + v);
    }
    return v.asDouble();
  }

  private static String requiredText(JsonNode node, String at, String key) {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new AlertingConfigException(at + "." + key + ": is required (a non-empty string)");
    }
    return v.asText();
  }

  private static void onlyKeys(JsonNode node, String prefix, Set<String> allowed) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (!allowed.contains(key)) {
        String hint = key.toLowerCase(java.util.Locale.ROOT).contains("secret") || key.toLowerCase(java.util.Locale.ROOT).contains("token")
            ? "; secrets are never inline: use secretFile or secretEnv" : "";
        throw new AlertingConfigException(prefix + key + ": unknown key (allowed: " + new java.util.TreeSet<>(allowed) + ")" + hint);
      }
    }
  }

  /** The receivers file is invalid; the message names the key and the fix. */
  public static final class AlertingConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AlertingConfigException(String message) {
      super(message);
    }
  }
}
