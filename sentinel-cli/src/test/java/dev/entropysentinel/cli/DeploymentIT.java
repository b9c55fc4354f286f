package dev.entropysentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.entropysentinel.alerting.AlertingConfig;
import dev.entropysentinel.alerting.AlertingConfigFile;
import dev.entropysentinel.schemas.Topics;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose deployment under {@code docker/} checked offline: {@code docker-compose config -q}
 * accepts it, Kafka runs the build's version, every Sentinel service's command is one this CLI
 * parses, every topic is created, secrets are compose secrets, the receivers file loads, the
 * dashboards use the provisioned datasource, and the Dockerfile builds every module on Java 17.
 */
class DeploymentIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path COMPOSE = ROOT.resolve("docker/compose.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static JsonNode services;
  private static JsonNode config;

  @BeforeAll
  static void resolveTheComposeFile() throws Exception {
    String binary = requireBinary("docker-compose");
    Run quiet = run(binary, "-f", COMPOSE.toString(), "config", "-q");
    assertThat(quiet.exit).as("docker-compose config -q: " + quiet.output).isZero();
    Run full = run(binary, "-f", COMPOSE.toString(), "config");
    assertThat(full.exit).as(full.output).isZero();
    config = YAML.readTree(full.output);
    services = config.get("services");
  }

  @Test
  void kafkaRunsTheBuildsVersionInKraftMode() throws IOException {
    Matcher m = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    assertThat(services.get("kafka").get("image").asText()).isEqualTo("apache/kafka:" + m.group(1));
    assertThat(services.get("kafka-init").get("image").asText()).isEqualTo("apache/kafka:" + m.group(1));
    assertThat(services.get("kafka").get("environment").get("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    String init = services.get("kafka-init").get("command").toString();
    assertThat(Topics.ALL).allSatisfy(topic -> assertThat(init).contains(topic));
  }

  @Test
  void everyLongRunningServiceHasAHealthCheckAndRestarts() {
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names).contains("kafka", "processor", "alerting", "influx-sink", "influxdb", "grafana", "alertmanager");
    for (String name : names) {
      if (name.equals("kafka-init")) {
        continue;
      }
      assertThat(services.get(name).has("healthcheck")).as(name + " healthcheck").isTrue();
      assertThat(services.get(name).get("restart").asText()).as(name + " restart").isEqualTo("unless-stopped");
    }
    assertThat(services.get("processor").get("deploy").get("replicas").asInt()).isEqualTo(2);
    assertThat(services.get("influxdb").get("image").asText()).isEqualTo("influxdb:1.8");
  }

  @Test
  void everySentinelCommandIsOneThisCliParses() {
    String processor = services.get("processor").get("command").get(0).asText();
    assertThat(processor).startsWith("exec sentinel process ");
    String shellFree = processor.substring("exec sentinel ".length()).replaceAll("\"\\$+\\(hostname -i\\)\"", "10.0.0.2");
    Sentinel.commandLine().parseArgs(shellFree.split(" "));
    for (String service : List.of("alerting", "influx-sink")) {
      List<String> args = new ArrayList<>();
      services.get(service).get("command").forEach(a -> args.add(a.asText()));
      Sentinel.commandLine().parseArgs(args.toArray(String[]::new));
      assertThat(services.get(service).get("image").asText()).isEqualTo("entropy-sentinel:dev");
    }
  }

  @Test
  void secretsAreComposeSecretsAndTheReceiversFileLoadsWithThem(@TempDir Path dir) throws IOException {
    config.get("secrets").forEach(secret -> assertThat(secret.has("file")).isTrue());
    assertThat(services.get("alerting").get("secrets").toString()).contains("webhook_secret", "slack_webhook_url");
    assertThat(services.get("grafana").get("environment").get("GF_SECURITY_ADMIN_PASSWORD__FILE").asText())
        .startsWith("/run/secrets/");
    Files.writeString(dir.resolve("webhook_secret"), "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
    Files.writeString(dir.resolve("slack_webhook_url"), "https://hooks.slack.test/services/T/B/X");
    String yaml = Files.readString(ROOT.resolve("docker/alerting.yaml")).replace("/run/secrets/", dir + "/");
    AlertingConfig alerting = new AlertingConfigFile(Map.<String, String>of()::get).parse(yaml);
    assertThat(alerting.receivers()).hasSize(3);
    assertThat(alerting.runUrl("r")).contains("/d/sentinel-run/");
  }

  @Test
  void dashboardsUseTheProvisionedDatasource() throws IOException {
    JsonNode datasource = YAML.readTree(ROOT.resolve("docker/grafana/provisioning/datasources/influxdb.yaml").toFile())
        .get("datasources").get(0);
    String uid = datasource.get("uid").asText();
    assertThat(datasource.get("type").asText()).isEqualTo("influxdb");
    try (var files = Files.list(ROOT.resolve("docker/grafana/dashboards"))) {
      for (Path f : files.toList()) {
        JsonNode dash = new ObjectMapper().readTree(f.toFile());
        List<String> uids = dash.findValues("datasource").stream().map(d -> d.get("uid").asText()).distinct().toList();
        assertThat(uids).as(f.getFileName().toString()).containsOnly(uid, "-- Grafana --");
      }
    }
  }

  @Test
  void theDockerfileBuildsEveryModuleOnJava17() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher release = Pattern.compile("<maven.compiler.release>(\\d+)</maven.compiler.release>").matcher(pom);
    assertThat(release.find()).isTrue();
    assertThat(dockerfile).contains("FROM eclipse-temurin:" + release.group(1) + "-jdk AS build", "FROM eclipse-temurin:" + release.group(1) + "-jre");
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
    while (module.find()) {
      assertThat(dockerfile).as("module " + module.group(1)).contains("COPY " + module.group(1) + " " + module.group(1));
    }
    assertThat(Files.readString(ROOT.resolve("docker/sentinel.sh"))).contains(Sentinel.class.getName());
  }

  private record Run(int exit, String output) {}

  private static Run run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish within 60 s");
    }
    return new Run(p.exitValue(), out);
  }

  /** The binary's path; fails under CI=true when it is missing, skips otherwise. */
  private static String requireBinary(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name).toString();
      }
    }
    String why = name + " is not on PATH: apt-get install " + name + " (./run-tests does)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why);
    }
    Assumptions.abort(why);
    return null;
  }
}
