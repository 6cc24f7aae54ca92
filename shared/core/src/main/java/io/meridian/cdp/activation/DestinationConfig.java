package io.meridian.cdp.activation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.secret.SecretRef;
import io.meridian.cdp.tenant.Ids;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * One activation destination of a tenant, as written under {@code destinations:} in cdp.yaml
 * (docs/ACTIVATION.md). Validated on construction; every message names the destination.
 *
 * @param id unique within the tenant; same rules as tenant ids
 * @param type {@code webhook} or {@code file}
 * @param pattern an EventBridge event pattern (a YAML mapping, or a JSON string), checked with
 *     event-ruler, EventBridge's own matcher
 * @param consentPurpose optional purpose (e.g. {@code advertising}): profiles whose consent for it
 *     is false are not sent and are counted as excluded
 * @param payload optional {@link PayloadMapping} template; none means the whole event
 * @param url webhook only: https, or http to a loopback host for local testing
 * @param secret webhook only: a {@link SecretRef} to the signing secret, never the secret itself
 * @param timeoutMillis webhook only: per-request timeout (default 5000)
 * @param maxAttempts webhook only: attempts before dead-lettering (default 5)
 * @param backoff webhook only: waits between attempts (defaults: {@link Backoff#defaults()})
 * @param concurrency requests in flight to this destination at once (default 8)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DestinationConfig(
    @JsonProperty("id") String id,
    @JsonProperty("type") String type,
    @JsonProperty("pattern") JsonNode pattern,
    @JsonProperty("consentPurpose") String consentPurpose,
    @JsonProperty("payload") JsonNode payload,
    @JsonProperty("url") String url,
    @JsonProperty("secret") String secret,
    @JsonProperty("timeoutMillis") Integer timeoutMillis,
    @JsonProperty("maxAttempts") Integer maxAttempts,
    @JsonProperty("backoff") Backoff backoff,
    @JsonProperty("concurrency") Integer concurrency) {

  public DestinationConfig {
    Ids.require("destination", id);
    String where = "destination '" + id + "': ";
    DestinationType kind = kind(type, where);
    pattern = BusPatterns.checked(pattern, consentPurpose, where);
    BusPatterns.checkPurpose(consentPurpose, where);
    try {
      PayloadMapping.parse(payload);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
    if (kind == DestinationType.WEBHOOK) {
      checkUrl(url, where);
      if (secret == null) {
        throw new IllegalArgumentException(
            where
                + "a webhook needs 'secret', a reference to its signing secret (env:NAME,"
                + " file:NAME or secretsmanager:NAME)");
      }
      try {
        SecretRef.parse(secret);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + "secret: " + e.getMessage(), e);
      }
      range(where, "timeoutMillis", timeoutMillis, 1, 300_000);
      range(where, "maxAttempts", maxAttempts, 1, 100);
      if (backoff != null) {
        backoff = new Backoff(backoff.initialMillis(), backoff.maxMillis());
      }
    } else {
      for (Map.Entry<String, Object> only :
          new java.util.TreeMap<String, Object>(
                  mapOfNonNull(
                      "url", url,
                      "secret", secret,
                      "timeoutMillis", timeoutMillis,
                      "maxAttempts", maxAttempts,
                      "backoff", backoff))
              .entrySet()) {
        throw new IllegalArgumentException(
            where + "'" + only.getKey() + "' applies to webhook destinations only");
      }
    }
    range(where, "concurrency", concurrency, 1, 256);
  }

  /** The destination's type. */
  public DestinationType destinationType() {
    return DestinationType.valueOf(type.toUpperCase(Locale.ROOT));
  }

  /** The event pattern as JSON text. */
  public String patternJson() {
    return pattern.toString();
  }

  /**
   * The pattern of this destination's rule on a bus shared by all tenants (EventBridge on AWS): the
   * configured pattern, plus {@code detail.tenant = [tenant]}, plus, with a consent purpose, {@code
   * detail.consent.<purpose> = [true, {"exists": false}]} — so that the rule itself leaves out
   * profiles whose consent for the purpose is false, as the local bus does (which counts them).
   */
  public com.fasterxml.jackson.databind.node.ObjectNode busPattern(String tenant) {
    return BusPatterns.forTenant(
        (com.fasterxml.jackson.databind.node.ObjectNode) pattern, consentPurpose, tenant);
  }

  /** The compiled payload template. */
  public PayloadMapping payloadMapping() {
    return PayloadMapping.parse(payload);
  }

  /** The signing secret's reference (webhooks). */
  public SecretRef secretRef() {
    return SecretRef.parse(secret);
  }

  /** Per-request timeout in milliseconds (webhooks). */
  public int timeoutMillisOrDefault() {
    return timeoutMillis == null ? 5_000 : timeoutMillis;
  }

  /** Attempts before dead-lettering (webhooks). */
  public int maxAttemptsOrDefault() {
    return maxAttempts == null ? 5 : maxAttempts;
  }

  /** Waits between attempts (webhooks). */
  public Backoff backoffOrDefault() {
    return backoff == null ? Backoff.defaults() : backoff;
  }

  /** Requests in flight at once. */
  public int concurrencyOrDefault() {
    return concurrency == null ? 8 : concurrency;
  }

  /**
   * Whether {@code event} must not be sent here: the destination has a consent purpose and the
   * event's {@code detail.consent} says {@code false} for it (purpose names compared ignoring
   * case). A missing purpose does not exclude.
   */
  public boolean excludes(ActivationEvent event) {
    return consentPurpose != null && Consent.refuses(event, consentPurpose);
  }

  private static DestinationType kind(String type, String where) {
    if (type == null) {
      throw new IllegalArgumentException(where + "'type' is required: webhook or file");
    }
    for (DestinationType t : DestinationType.values()) {
      if (t.wireName().equals(type)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        where + "unknown type '" + type + "'; supported types are webhook and file");
  }

  static void checkUrl(String url, String where) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(where + "a webhook needs 'url'");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          where + "url '" + url + "' is malformed: " + e.getReason());
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          where + "url '" + url + "' must be absolute (scheme and host) and carry no user info");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return;
    }
    if (scheme.equals("http") && loopback(uri.getHost())) {
      return;
    }
    throw new IllegalArgumentException(
        where
            + "url '"
            + url
            + "' must use https (plain http is accepted only for localhost/loopback receivers in"
            + " local testing)");
  }

  private static boolean loopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // a name other than localhost would need DNS; never trust it as loopback
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void range(String where, String field, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new IllegalArgumentException(
          where + field + " must be between " + min + " and " + max + ", not " + value);
    }
  }

  private static Map<String, Object> mapOfNonNull(Object... keyValues) {
    Map<String, Object> out = new java.util.HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        out.put((String) keyValues[i], keyValues[i + 1]);
      }
    }
    return out;
  }
}
