package io.meridian.cdp.local.activation;

import io.meridian.cdp.activation.Backoff;
import io.meridian.cdp.activation.WebhookSignature;
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

/**
 * POSTs each payload to one webhook URL, signed, with retries (docs/ACTIVATION.md):
 *
 * <ul>
 *   <li>2xx: delivered (the response body is ignored);
 *   <li>408, 429, 5xx, a timeout, a connection error or a response that is not HTTP: retried after
 *       a random wait of up to {@code min(maxMillis, initialMillis * 2^(attempt-1))} (full jitter;
 *       a {@code Retry-After} in seconds on 429/503 lengthens the wait, up to {@code maxMillis});
 *       dead-lettered after {@code maxAttempts};
 *   <li>any other status (other 4xx, 3xx — redirects are not followed): dead-lettered at once,
 *       since sending the same request again cannot succeed.
 * </ul>
 */
final class WebhookDeliverer implements Deliverer {
  static final String EVENT_ID = "Meridian-Event-Id";
  static final String DELIVERY_ID = "Meridian-Delivery-Id";
  static final String ATTEMPT = "Meridian-Attempt";
  static final String TIMESTAMP = "Meridian-Timestamp";
  static final String USER_AGENT = "meridian-cdp-webhook/1";
  private static final HttpResponse.BodyHandler<Void> DISCARD =
      HttpResponse.BodyHandlers.discarding();

  private final URI url;
  private final String secret;
  private final Duration timeout;
  private final int maxAttempts;
  private final Backoff backoff;
  private final Clock clock;
  private final HttpClient client;

  WebhookDeliverer(
      URI url, String secret, Duration timeout, int maxAttempts, Backoff backoff, Clock clock) {
    this.url = url;
    this.secret = secret;
    this.timeout = timeout;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
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
          HttpResponse<Void> response = client.send(request(delivery, attempt), DISCARD);
          status = response.statusCode();
          if (status >= 200 && status < 300) {
            return Outcome.ok(attempt, status);
          }
          if (!retryable(status)) {
            return Outcome.failed(
                attempt, status, "HTTP " + status + " is not retried (only 408, 429 and 5xx are)");
          }
          error = "HTTP " + status;
          retryAfterMillis = retryAfterMillis(response);
        } catch (HttpConnectTimeoutException e) {
          status = 0;
          error = "could not connect within " + timeout.toMillis() + " ms";
        } catch (HttpTimeoutException e) {
          status = 0;
          error = "no response within " + timeout.toMillis() + " ms";
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

  private HttpRequest request(Delivery delivery, int attempt) {
    long now = clock.instant().getEpochSecond();
    return HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", USER_AGENT)
        .header(EVENT_ID, delivery.eventId())
        .header(DELIVERY_ID, delivery.deliveryId())
        .header(ATTEMPT, Integer.toString(attempt))
        .header(TIMESTAMP, Long.toString(now))
        .header(WebhookSignature.HEADER, WebhookSignature.header(secret, now, delivery.body()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
        .build();
  }

  static boolean retryable(int status) {
    return status == 408 || status == 429 || status >= 500;
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
