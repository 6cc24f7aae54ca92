package io.meridian.cdp.activation;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The HTTP request of one webhook delivery attempt (docs/ACTIVATION.md, "Webhook delivery"), the
 * same in local mode (the local bus's deliverer) and on AWS (the {@code activate} function): a
 * {@code POST} of the mapped payload with the event id, the delivery id, the attempt, the timestamp
 * and the {@link WebhookSignature} over the body.
 */
public final class WebhookRequests {
  public static final String EVENT_ID = "Meridian-Event-Id";
  public static final String DELIVERY_ID = "Meridian-Delivery-Id";
  public static final String ATTEMPT = "Meridian-Attempt";
  public static final String TIMESTAMP = "Meridian-Timestamp";
  public static final String USER_AGENT = "meridian-cdp-webhook/1";

  private WebhookRequests() {}

  /**
   * The signed request of one attempt.
   *
   * @param timeout bounds the wait for the response headers ({@link HttpRequest#timeout})
   * @param unixSeconds when the attempt is signed
   */
  public static HttpRequest signed(
      URI url,
      String secret,
      Duration timeout,
      String eventId,
      String deliveryId,
      int attempt,
      long unixSeconds,
      byte[] body) {
    return HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", USER_AGENT)
        .header(EVENT_ID, eventId)
        .header(DELIVERY_ID, deliveryId)
        .header(ATTEMPT, Integer.toString(attempt))
        .header(TIMESTAMP, Long.toString(unixSeconds))
        .header(WebhookSignature.HEADER, WebhookSignature.header(secret, unixSeconds, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /** Whether an answer with {@code status} is worth another attempt: 408, 429 and 5xx. */
  public static boolean retryable(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  /**
   * The delivery id: stable for one event and one destination (a UUID-formatted SHA-256 prefix), so
   * receivers can de-duplicate retries and re-publishes.
   */
  public static String deliveryId(String eventId, String tenant, String destination) {
    byte[] hash;
    try {
      hash =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  String.join("\u0000", eventId, tenant, destination)
                      .getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x80);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    String hex = HexFormat.of().formatHex(hash, 0, 16);
    return String.join(
        "-",
        hex.substring(0, 8),
        hex.substring(8, 12),
        hex.substring(12, 16),
        hex.substring(16, 20),
        hex.substring(20, 32));
  }
}
