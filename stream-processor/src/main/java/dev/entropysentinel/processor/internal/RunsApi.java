package dev.entropysentinel.processor.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.entropysentinel.processor.SentinelTopology;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The processor's HTTP API on the JDK server. A run lives in one instance's store; an instance asked
 * about a run it does not hold forwards the request to the instance that does (Streams metadata),
 * and {@code GET /runs} gathers every instance's runs, so any instance answers for all.
 */
public final class RunsApi implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  /** Marks a request one instance forwards to another, so it is answered locally and not forwarded again. */
  private static final String LOCAL = "local=true";

  private final HttpServer server;
  private final PrometheusMeterRegistry registry;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile KafkaStreams streams;
  private volatile HostInfo self;

  private RunsApi(HttpServer server, PrometheusMeterRegistry registry) {
    this.server = server;
    this.registry = registry;
  }

  /**
   * Binds the port (0 = any) before Streams starts, so the bound port can be advertised to the other instances.
   *
   * @throws IllegalStateException naming the address when it cannot be bound
   */
  public static RunsApi bind(String host, int port, PrometheusMeterRegistry registry) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
      server.setExecutor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "sentinel-http");
        t.setDaemon(true);
        return t;
      }));
      return new RunsApi(server, registry);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind the HTTP API to " + host + ":" + port + ": " + e.getMessage()
          + " (choose another --http-port, or 0 for any free port)", e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Starts answering for {@code streams}, advertised as {@code hostPort}. */
  public void serve(KafkaStreams kafkaStreams, String hostPort) {
    this.streams = kafkaStreams;
    this.self = HostInfo.buildFromEndpoint(hostPort);
    server.createContext("/health", this::health);
    server.createContext("/metrics", this::metrics);
    server.createContext("/runs", this::runs);
    server.start();
  }

  /** Serves {@code handler} under {@code path} on the same server (the dashboard at {@code /}). */
  public void mount(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
  }

  private void health(HttpExchange x) throws IOException {
    KafkaStreams.State state = streams.state();
    boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    send(x, up ? 200 : 503, JSON.writeValueAsBytes(java.util.Map.of("status", up ? "UP" : "DOWN", "streams", state.name(),
        "instance", self.host() + ":" + self.port())), "application/json");
  }

  private void metrics(HttpExchange x) throws IOException {
    send(x, 200, registry.scrape().getBytes(StandardCharsets.UTF_8), "text/plain; version=0.0.4; charset=utf-8");
  }

  private void runs(HttpExchange x) throws IOException {
    try {
      if (!"GET".equals(x.getRequestMethod())) {
        sendJson(x, 405, RunViews.error("only GET is supported"));
        return;
      }
      String path = x.getRequestURI().getPath();
      boolean local = LOCAL.equals(x.getRequestURI().getQuery());
      if (path.equals("/runs") || path.equals("/runs/")) {
        sendJson(x, 200, local ? localSummaries() : allSummaries());
        return;
      }
      String runId = URLDecoder.decode(path.substring("/runs/".length()), StandardCharsets.UTF_8);
      run(x, runId, local);
    } catch (InvalidStateStoreException e) {
      sendJson(x, 503, RunViews.error("state is being restored or rebalanced, retry shortly: " + e.getMessage()));
    } catch (RuntimeException e) {
      sendJson(x, 500, RunViews.error(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  private void run(HttpExchange x, String runId, boolean local) throws IOException {
    KeyQueryMetadata where = streams.queryMetadataForKey(SentinelTopology.RUN_STATE_STORE, runId,
        Serdes.String().serializer());
    HostInfo owner = where == null ? null : where.activeHost();
    if (!local && owner != null && owner.port() >= 0 && !owner.equals(self)) {
      HttpResponse<byte[]> remote = forward(owner, "/runs/" + encode(runId));
      send(x, remote.statusCode(), remote.body(), "application/json");
      return;
    }
    RunState state = store().get(runId);
    if (state == null) {
      sendJson(x, 404, RunViews.error("no run \"" + runId + "\" (no record of it has been processed yet)"));
      return;
    }
    sendJson(x, 200, RunViews.detail(state));
  }

  private List<Object> localSummaries() {
    List<Object> out = new ArrayList<>();
    try (KeyValueIterator<String, RunState> all = store().all()) {
      all.forEachRemaining(kv -> out.add(RunViews.summary(kv.value)));
    }
    return out;
  }

  private ArrayNode allSummaries() throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
      HostInfo host = instance.hostInfo();
      if (host.equals(self)) {
        continue;
      }
      HttpResponse<byte[]> remote = forward(host, "/runs");
      if (remote.statusCode() != 200) {
        throw new IllegalStateException("instance " + host.host() + ":" + host.port() + " answered " + remote.statusCode());
      }
      JSON.readTree(remote.body()).forEach(rows::add);
    }
    for (Object summary : localSummaries()) {
      rows.add(JSON.valueToTree(summary));
    }
    rows.sort(Comparator.comparing(n -> n.path("runId").asText()));
    ArrayNode array = JSON.createArrayNode();
    rows.forEach(array::add);
    return array;
  }

  private HttpResponse<byte[]> forward(HostInfo host, String path) {
    URI uri = URI.create("http://" + host.host() + ":" + host.port() + path + "?" + LOCAL);
    try {
      return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("instance " + host.host() + ":" + host.port() + " did not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + uri, e);
    }
  }

  private ReadOnlyKeyValueStore<String, RunState> store() {
    return streams.store(StoreQueryParameters.fromNameAndType(SentinelTopology.RUN_STATE_STORE,
        QueryableStoreTypes.keyValueStore()));
  }

  private static String encode(String runId) {
    return java.net.URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void sendJson(HttpExchange x, int status, Object body) throws IOException {
    send(x, status, JSON.writeValueAsBytes(body), "application/json");
  }

  private static void send(HttpExchange x, int status, byte[] body, String type) throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (var out = x.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
