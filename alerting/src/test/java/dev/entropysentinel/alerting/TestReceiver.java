package dev.entropysentinel.alerting;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver on 127.0.0.1 that misbehaves on cue: each request takes the next scripted
 * behaviour (500, hang, drop the connection, answer slowly), then answers 200 once the script is
 * used up. Every request is recorded with its headers, body and arrival time.
 */
public final class TestReceiver implements AutoCloseable {
  /** What the receiver does with one request. */
  public sealed interface Behaviour permits Ok, Status, Hang, Drop {}

  public record Ok() implements Behaviour {}

  public record Status(int code) implements Behaviour {}

  /** Holds the request this long, then answers 200 (the client has usually timed out by then). */
  public record Hang(Duration duration) implements Behaviour {}

  /** Closes the connection without an answer. */
  public record Drop() implements Behaviour {}

  /** One received request; {@code answered} is the behaviour it got. */
  public record Request(long nanoTime, Map<String, List<String>> headers, byte[] body, Behaviour answered) {
    public String header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    public boolean ok() {
      return answered instanceof Ok;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Deque<Behaviour> script = new ArrayDeque<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private Behaviour afterScript = new Ok();

  public TestReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Plays these behaviours to the next requests, in order. */
  public synchronized TestReceiver script(Behaviour... behaviours) {
    script.addAll(List.of(behaviours));
    return this;
  }

  /** What every request gets once the script is used up (default 200). */
  public synchronized TestReceiver always(Behaviour behaviour) {
    afterScript = behaviour;
    return this;
  }

  private synchronized Behaviour next() {
    return script.isEmpty() ? afterScript : script.poll();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    Behaviour b = next();
    requests.add(new Request(System.nanoTime(), Map.copyOf(exchange.getRequestHeaders()), body, b));
    if (b instanceof Drop) {
      exchange.close();
      return;
    }
    if (b instanceof Hang hang) {
      try {
        Thread.sleep(hang.duration().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int code = b instanceof Status s ? s.code() : 200;
    exchange.sendResponseHeaders(code, -1);
    exchange.close();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> accepted() {
    return requests.stream().filter(Request::ok).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
