package io.meridian.cdp.local.activation;

import io.meridian.cdp.activation.Backoff;
import io.meridian.cdp.activation.WebhookRequests;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * POSTs each payload to one webhook URL, signed, with retries (docs/ACTIVATION.md):
 *
 * <ul>
 *   <li>2xx: delivered (the response body is ignored);
 *   <li>408, 429, 5xx, a timeout (no complete response within {@code timeoutMillis}, headers and
 *       body), a connection error or a response that is not HTTP: retried after a random wait of up
 *       to {@code min(maxMillis, initialMillis * 2^(attempt-1))} (full jitter; a {@code
 *       Retry-After} in seconds on 429/503 lengthens the wait, up to {@code maxMillis});
 *       dead-lettered after {@code maxAttempts};
 *   <li>any other status (other 4xx, 3xx — redirects are not followed): dead-lettered at once,
 *       since sending the same request again cannot succeed.
 * </ul>
 */
final class WebhookDeliverer implements Deliverer {
  private static final HttpResponse.BodyHandler<Void> DISCARD =
      HttpResponse.BodyHandlers.discarding();
  private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

  private static ScheduledThreadPoolExecutor watchdog() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "activation-webhook-watchdog");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  private final URI url;
  private final String secret;
  private final Duration timeout;
  private final int maxAttempts;
  private final Backoff backoff;
  private final Clock clock;
  private final HttpClient client;

  WebhookDeliverer(
      URI url,
      String secret,
      Duration timeout,
      int maxAttempts,
      Backoff backoff,
      Clock clock,
      SSLContext tls) {
    this.url = url;
    this.secret = secret;
    this.timeout = timeout;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.clock = clock;
    HttpClient.Builder builder = HttpClient.newBuilder();
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.client =
        builder
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            // Completions run on the client's own selector thread instead of being handed to a
            // pool: nothing here blocks (the body is discarded), and skipping the hand-off raised
            // deliveries/s by half in `cdp bench activation` (docs/BENCHMARKS.md).
            .executor(Runnable::run)
            .build();
  }

  @Override
  public Outcome deliver(Delivery delivery) {
    int status = 0;
    String error = null;
    int attempt = 1;
    try {
      for (; attempt <= maxAttempts; attempt++) {
        long retryAfterMillis = 0;
        try {
          HttpResponse<Void> response = exchange(request(delivery, attempt));
          status = response.statusCode();
          if (status >= 200 && status < 300) {
            return Outcome.ok(attempt, status);
          }
          if (!WebhookRequests.retryable(status)) {
            return Outcome.failed(
                attempt, status, "HTTP " + status + " is not retried (only 408, 429 and 5xx are)");
          }
          error = "HTTP " + status;
          retryAfterMillis = retryAfterMillis(response);
        } catch (HttpConnectTimeoutException e) {
          status = 0;
          error = "could not connect within " + timeout.toMillis() + " ms";
        } catch (HttpTimeoutException | TimeoutException e) {
          status = 0;
          error = "no response within " + timeout.toMillis() + " ms";
        } catch (SSLException e) {
          status = 0;
          error = "TLS failure: " + describe(e);
        } catch (ConnectException e) {
          status = 0;
          error = "could not connect: " + describe(e);
        } catch (IOException e) {
          status = 0;
          error = "invalid or interrupted response: " + describe(e);
        }
        if (attempt < maxAttempts) {
          long wait =
              Math.max(
                  backoff.delayMillis(attempt), Math.min(retryAfterMillis, backoff.maxMillis()));
          Thread.sleep(wait);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed(
          Math.min(attempt, maxAttempts),
          status,
          "the run's deadline passed during attempt "
              + Math.min(attempt, maxAttempts)
              + (error == null ? "" : "; last error: " + error));
    }
    return Outcome.failed(
        maxAttempts, status, "gave up after " + maxAttempts + " attempts: " + error);
  }

  /**
   * One request and its whole response, bounded by the timeout. {@link HttpRequest#timeout} bounds
   * only the wait for the response headers, not a body that never ends; a watchdog interrupts the
   * blocking {@code send} once the timeout has passed. (The blocking {@code send} is kept because
   * {@code sendAsync(...).get(timeout)} measured three times slower in {@code cdp bench
   * activation}.)
   */
  private HttpResponse<Void> exchange(HttpRequest request)
      throws IOException, InterruptedException, TimeoutException {
    Watch watch = new Watch(Thread.currentThread());
    ScheduledFuture<?> alarm =
        WATCHDOG.schedule(watch::fire, timeout.toMillis() + 50, TimeUnit.MILLISECONDS);
    try {
      return client.send(request, DISCARD);
    } catch (InterruptedException e) {
      if (watch.fired()) {
        throw new TimeoutException("response not complete within " + timeout.toMillis() + " ms");
      }
      throw e;
    } finally {
      alarm.cancel(false);
      if (watch.finish()) {
        Thread.interrupted(); // the watchdog's interrupt, not the deadline's
      }
    }
  }

  /** The watchdog of one exchange: interrupts its thread once, unless the exchange finished. */
  private static final class Watch {
    private final Thread thread;
    private boolean finished;
    private boolean fired;

    Watch(Thread thread) {
      this.thread = thread;
    }

    synchronized void fire() {
      if (!finished) {
        fired = true;
        thread.interrupt();
      }
    }

    synchronized boolean fired() {
      return fired;
    }

    /** Marks the exchange finished; returns whether the watchdog had interrupted it. */
    synchronized boolean finish() {
      finished = true;
      return fired;
    }
  }

  private HttpRequest request(Delivery delivery, int attempt) {
    return WebhookRequests.signed(
        url,
        secret,
        timeout,
        delivery.eventId(),
        delivery.deliveryId(),
        attempt,
        clock.instant().getEpochSecond(),
        delivery.body());
  }

  private static long retryAfterMillis(HttpResponse<?> response) {
    Optional<String> value = response.headers().firstValue("Retry-After");
    if (value.isEmpty() || !value.get().strip().matches("\\d{1,6}")) {
      return 0;
    }
    return Long.parseLong(value.get().strip()) * 1000;
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    if (message == null && e.getCause() != null) {
      message = e.getCause().getMessage();
    }
    return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  @Override
  public void close() {
    // java.net.http.HttpClient has no close() before Java 21; its selector thread ends once the
    // client is unreachable.
  }
}
