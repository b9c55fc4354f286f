package dev.entropysentinel.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.alerting.AlertingConfig;
import dev.entropysentinel.alerting.AlertingService;
import dev.entropysentinel.alerting.DeliveryPolicy;
import dev.entropysentinel.alerting.ReceiverConfig;
import dev.entropysentinel.alerting.WebhookSecret;
import dev.entropysentinel.forecaster.MonitorConfig;
import dev.entropysentinel.influx.InfluxSink;
import dev.entropysentinel.influx.InfluxSinkConfig;
import dev.entropysentinel.influx.InfluxWriter;
import dev.entropysentinel.kafka.embedded.EmbeddedKafkaBroker;
import dev.entropysentinel.processor.ProcessorApp;
import dev.entropysentinel.processor.ProcessorConfig;
import dev.entropysentinel.processor.ProcessorSettings;
import dev.entropysentinel.report.JsonlRecorder;
import dev.entropysentinel.report.ReportModel;
import dev.entropysentinel.report.ReportPage;
import dev.entropysentinel.report.RunRecords;
import dev.entropysentinel.report.TopicFeed;
import dev.entropysentinel.schemas.CommandSigner;
import dev.entropysentinel.schemas.ControlParameters;
import dev.entropysentinel.trainer.loss.LossConfig;
import dev.entropysentinel.trainer.loss.LossPreset;
import dev.entropysentinel.trainer.loss.Method;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One demo from start to report: starts the servers in dependency order, the agents as child
 * processes, prints progress until the agents end (or Ctrl-C), lets the processor catch up, then
 * writes the report and closes everything in reverse order. {@link #finish} runs exactly once,
 * from the main thread or from the shutdown hook Ctrl-C triggers, so an interrupted demo still
 * leaves its records and report behind.
 */
final class DemoSession {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** KL-Cov as INTERVENE applies it on the built-in trainer: the tiny preset's ratio and coefficient, not the paper's 7B ones. */
  static final Map<String, String> TINY_KL_COV = tinyKlCov();
  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  private final DemoSettings settings;
  private final PrintWriter out;
  private final PrintWriter err;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final ChildProcesses children = new ChildProcesses();
  private final Map<DemoAgent, Process> running = new LinkedHashMap<>();
  private ProcessorApp processor;
  private DemoPlan plan;
  private List<String> lastBoard = List.of();
  private boolean finished;
  private volatile boolean interrupted;

  private static Map<String, String> tinyKlCov() {
    LossConfig klCov = LossPreset.TINY.apply(LossConfig.builder(Method.KL_COV)).build();
    return ControlParameters.klCov(klCov.klCovRatio(), klCov.klCoef());
  }

  private DemoSession(DemoSettings settings, PrintWriter out, PrintWriter err) {
    this.settings = settings;
    this.out = out;
    this.err = err;
  }

  /** Runs a demo; returns the exit code (0, or 1 when an agent failed). */
  static int run(DemoSettings settings, PrintWriter out, PrintWriter err) throws Exception {
    DemoSession session = new DemoSession(settings, out, err);
    Thread hook = new Thread(() -> {
      session.interrupted = true;
      session.finish();
    }, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      session.start();
      session.watch();
      return session.finish();
    } finally {
      session.finish();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running finish(), which the call above waited for
      }
    }
  }

  private void start() throws IOException {
    Path dir = settings.out();
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(dir.resolve("runs"));
    Files.createDirectories(dir.resolve("topics"));
    Path key = controlKey(dir);
    String bootstrap = settings.bootstrap();
    if (bootstrap == null) {
      say("starting the embedded Kafka broker ...");
      EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
      opened.add(broker);
      bootstrap = broker.bootstrapServers();
    }
    say("kafka    " + bootstrap);
    MonitorConfig monitor = MonitorConfig.ofDefaults().withDryRun(false)
        .withCollapseFraction(settings.collapseFraction()).withInterventionChanges(TINY_KL_COV);
    processor = ProcessorApp.start(new ProcessorConfig(bootstrap, "sentinel-demo-" + System.currentTimeMillis(),
        dir.resolve("state"), "127.0.0.1", settings.httpPort(), 1, Duration.ofMillis(100), 3,
        ProcessorSettings.ofDefaults(CommandSigner.fromFile(key)).withMonitor(monitor).withPolicy(settings.policy())), true);
    opened.add(processor);
    say("dashboard http://127.0.0.1:" + processor.httpPort() + "/   (policy " + settings.policy().name().toLowerCase(
        java.util.Locale.ROOT) + ", collapse below " + settings.collapseFraction() + " of the starting entropy)");
    JsonlRecorder recorder = new JsonlRecorder(dir.resolve("topics"));
    opened.add(recorder);
    opened.add(TopicFeed.start(bootstrap, recorder, "sentinel-demo-recorder"));
    WebhookSecret secret = WebhookSecret.random();
    WebhookPrinter printer = WebhookPrinter.start(secret, out);
    opened.add(printer);
    opened.add(AlertingService.start(new AlertingConfig(List.of(new ReceiverConfig("demo-webhook",
        ReceiverConfig.Kind.WEBHOOK, printer.url(), secret, DeliveryPolicy.ofDefaults())),
        "http://127.0.0.1:" + processor.httpPort() + "/#run={run}"), bootstrap, "sentinel-demo-alerting-"
        + System.currentTimeMillis(), Clock.systemUTC()));
    say("webhook  " + printer.url() + " (prints every alert whose signature verifies)");
    if (settings.influx() != null) {
      String user = System.getenv("SENTINEL_INFLUX_USER");
      opened.add(InfluxSink.start(InfluxSinkConfig.of(settings.influx(), settings.influxDatabase()),
          new InfluxWriter(settings.influx(), settings.influxDatabase(), user,
              user == null ? null : System.getenv("SENTINEL_INFLUX_PASSWORD")),
          bootstrap, "sentinel-demo-influx-" + System.currentTimeMillis(), Clock.systemUTC()));
      say("influx   " + settings.influx() + " database " + settings.influxDatabase());
    }
    plan = DemoPlan.of(settings.quick(), settings.seed(), bootstrap, key, dir);
    Files.createDirectories(dir.resolve("verl-job"));
    children.start(plan.standInJob(), dir.resolve("logs").resolve("verl-job.log"));
    say("job      stand-in verl job writing a real verl log to " + dir.relativize(dir.resolve("verl-job/train.log")));
    for (DemoAgent agent : plan.agents()) {
      Path log = dir.resolve("logs").resolve(agent.runId() + ".log");
      running.put(agent, children.start(agent.args(), log));
      say("agent    " + agent.runId() + ": " + agent.role() + " (log " + dir.relativize(log) + ")");
    }
  }

  /** A fresh control key in the demo directory, readable by the owner only (the agents read it too). */
  private static Path controlKey(Path dir) throws IOException {
    Path key = dir.resolve("control.key");
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Files.deleteIfExists(key);
    Files.createFile(key, PosixFilePermissions.asFileAttribute(Set.of(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
    Files.writeString(key, Base64.getEncoder().encodeToString(bytes) + "\n", StandardCharsets.US_ASCII);
    return key;
  }

  /** Prints the progress lines whenever they change, until every agent has ended. */
  private void watch() throws InterruptedException {
    while (!interrupted && running.values().stream().anyMatch(Process::isAlive)) {
      showBoard(false);
      for (int i = 0; i < settings.refreshSeconds() * 10 && running.values().stream().anyMatch(Process::isAlive); i++) {
        Thread.sleep(100);
      }
    }
  }

  private void showBoard(boolean always) {
    JsonNode runs = runs();
    if (runs == null) {
      return;
    }
    List<String> board = ProgressBoard.render(runs, plan.agents());
    if (always || !board.equals(lastBoard)) {
      board.forEach(this::say);
      lastBoard = board;
    }
  }

  private JsonNode runs() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processor.httpPort()
          + "/runs")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Ends the demo once: stops the agents still running, lets the processor take in their last
   * records, prints the final lines and writes the report, then closes the services.
   *
   * @return 0, or 1 when an agent ended with an error
   */
  synchronized int finish() {
    if (finished) {
      return 0;
    }
    finished = true;
    children.close();
    int exit = 0;
    if (processor != null && plan != null) {
      catchUp();
      say("--- final ---");
      showBoard(true);
      for (Map.Entry<DemoAgent, Process> e : running.entrySet()) {
        int code = e.getValue().exitValue();
        if (code != 0 && !interrupted) {
          exit = 1;
          err.println("demo: agent " + e.getKey().runId() + " exited " + code + "; see " + settings.out()
              .relativize(settings.out().resolve("logs").resolve(e.getKey().runId() + ".log")));
        }
      }
    }
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        err.println("demo: closing " + opened.get(i).getClass().getSimpleName() + " failed: " + e.getMessage());
      }
    }
    say("records  " + settings.out().resolve("topics") + " (one JSON-lines file per topic)");
    exit = Math.max(exit, writeReport());
    err.flush();
    return exit;
  }

  /** The HTML report from the recorded topics, as {@code sentinel report --from DIR/topics} writes it; 1 when it failed. */
  private int writeReport() {
    Path index = settings.out().resolve("index.html");
    try {
      ReportModel model = ReportModel.of(RunRecords.read(settings.out().resolve("topics")), "report",
          System.currentTimeMillis(), ReportModel.Options.ofDefaults());
      ReportPage.write(model, index);
      say("report   " + index + " (" + model.runs().size() + " runs; open it in a browser)");
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("demo: the report could not be written to " + index + ": " + e.getMessage());
      return 1;
    }
  }

  /** Waits until two answers of the processor a second apart agree, so the final lines show the last steps. */
  private void catchUp() {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    JsonNode previous = null;
    while (System.nanoTime() < deadline) {
      JsonNode now = runs();
      if (now != null && now.equals(previous)) {
        return;
      }
      previous = now;
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
