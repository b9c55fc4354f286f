package dev.entropysentinel.alerting.internal;

import dev.entropysentinel.alerting.DeliveryPolicy;
import dev.entropysentinel.alerting.Receiver;
import dev.entropysentinel.schemas.Alert;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to one receiver, in order, on its own thread and queue, so a slow or dead receiver only
 * delays itself. Each alert goes through a resilience4j {@link Retry} (exponential backoff with
 * jitter, the receiver's attempt budget); each attempt is bounded by the policy's timeout. 5xx,
 * 408, 429, timeouts and broken connections are retried; other 4xx mean the request itself is
 * wrong and fail at once.
 */
public final class ReceiverWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiverWorker.class);

  private final Receiver receiver;
  private final DeliveryPolicy policy;
  private final HttpClient client;
  private final Clock clock;
  private final Retry retry;
  private final ArrayBlockingQueue<Runnable> queue;
  private final ThreadPoolExecutor executor;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder attempts = new LongAdder();
  private volatile boolean closed;

  /** What became of one alert at this receiver. */
  public record Outcome(String receiver, boolean delivered, int attempts, String reason) {}

  public ReceiverWorker(Receiver receiver, DeliveryPolicy policy, Clock clock) {
    this.receiver = receiver;
    this.policy = policy;
    this.clock = clock;
    this.client = HttpClient.newBuilder().connectTimeout(policy.timeout()).build();
    this.retry = Retry.of("alerting-" + receiver.name(), RetryConfig.custom()
        .maxAttempts(policy.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
            policy.initialBackoff(), policy.backoffMultiplier(), policy.jitter()))
        .retryOnException(e -> e instanceof RetryableException)
        .build());
    retry.getEventPublisher().onRetry(e -> LOG.warn("receiver {}: attempt {} failed ({}), retrying in {} ms",
        receiver.name(), e.getNumberOfRetryAttempts(), message(e.getLastThrowable()), e.getWaitInterval().toMillis()));
    this.queue = new ArrayBlockingQueue<>(policy.queueCapacity());
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, queue, r -> {
      Thread t = new Thread(r, "alerting-" + receiver.name());
      t.setDaemon(true);
      return t;
    });
  }

  public String name() {
    return receiver.name();
  }

  /** Whether one more alert fits in this receiver's queue. */
  public boolean hasRoom() {
    return queue.remainingCapacity() > 0;
  }

  /**
   * Queues an alert; {@code done} runs on this receiver's thread once it was delivered or the
   * budget is spent (not after {@link #close()}: an interrupted delivery is neither). Call only
   * when {@link #hasRoom()}.
   */
  public void submit(Alert alert, Consumer<Outcome> done) {
    String id = AlertKeys.deliveryId(alert);
    executor.execute(() -> {
      Outcome outcome = deliver(alert, id);
      if (!closed) {
        done.accept(outcome);
      }
    });
  }

  private Outcome deliver(Alert alert, String id) {
    int[] tries = {0};
    try {
      retry.executeCallable(() -> {
        tries[0]++;
        attempts.increment();
        attempt(alert, id);
        return null;
      });
      delivered.increment();
      return new Outcome(receiver.name(), true, tries[0], null);
    } catch (Exception e) {
      failed.increment();
      String reason = "receiver " + receiver.name() + ": " + message(e) + " (after " + tries[0] + " attempt"
          + (tries[0] == 1 ? "" : "s") + ")";
      if (closed) {
        return new Outcome(receiver.name(), false, tries[0], "interrupted by shutdown");
      }
      LOG.error("giving up on alert {} ({} {}): {}", alert.alertId(), alert.status(), id, reason);
      return new Outcome(receiver.name(), false, tries[0], reason);
    }
  }

  private void attempt(Alert alert, String id) throws InterruptedException {
    HttpRequest request = receiver.request(alert, id, clock.instant()).timeout(policy.timeout()).build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RetryableException(request.uri() + ": " + message(e));
    }
    int code = response.statusCode();
    if (code / 100 == 2) {
      return;
    }
    String what = request.uri() + " answered HTTP " + code + abbreviate(response.body());
    if (code >= 500 || code == 408 || code == 429) {
      throw new RetryableException(what);
    }
    throw new IllegalStateException(what + "; not retried: the receiver rejects the request itself");
  }

  public long delivered() {
    return delivered.sum();
  }

  public long failed() {
    return failed.sum();
  }

  public long attempts() {
    return attempts.sum();
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static String abbreviate(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String b = body.strip();
    return ": " + (b.length() > 200 ? b.substring(0, 200) + "…" : b);
  }

  /** A failure worth another attempt (5xx, 408, 429, timeout, broken connection). */
  static final class RetryableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetryableException(String message) {
      super(message, null, false, false);
    }
  }
}
