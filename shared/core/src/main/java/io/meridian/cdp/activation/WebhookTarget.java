package io.meridian.cdp.activation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.secret.SecretRef;
import io.meridian.cdp.tenant.Ids;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A webhook destination as the {@code activate} function delivers to it on AWS (ADR 0033): the CDK
 * app writes the list of them as JSON into the function's environment ({@link #toJson}), the
 * function reads it back ({@link #parseList}). It holds a reference to the signing secret, never
 * the secret. Validated on construction.
 *
 * @param name the destination's name
 * @param tenant the tenant whose events it receives
 * @param url https (http only to a loopback address, for tests)
 * @param secret {@link SecretRef} of the signing secret ({@code secretsmanager:<arn>} on AWS)
 * @param payload optional {@link PayloadMapping} template; none sends the whole event
 * @param timeoutMillis the longest an attempt waits for the whole response (default 5000)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookTarget(
    @JsonProperty("name") String name,
    @JsonProperty("tenant") String tenant,
    @JsonProperty("url") String url,
    @JsonProperty("secret") String secret,
    @JsonProperty("payload") JsonNode payload,
    @JsonProperty("timeoutMillis") Integer timeoutMillis) {

  public WebhookTarget {
    Ids.require("destination", name);
    Ids.require("tenant", tenant);
    String where = "destination '" + name + "': ";
    DestinationConfig.checkUrl(url, where);
    try {
      SecretRef.parse(secret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + "secret: " + e.getMessage(), e);
    }
    try {
      PayloadMapping.parse(payload);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
    if (timeoutMillis != null && (timeoutMillis < 1 || timeoutMillis > 300_000)) {
      throw new IllegalArgumentException(
          where + "timeoutMillis must be between 1 and 300000, not " + timeoutMillis);
    }
  }

  /** The compiled payload template. */
  public PayloadMapping mapping() {
    return PayloadMapping.parse(payload);
  }

  public URI uri() {
    return URI.create(url);
  }

  public SecretRef secretRef() {
    return SecretRef.parse(secret);
  }

  /** The longest an attempt waits for the whole response. */
  public Duration timeout() {
    return Duration.ofMillis(timeoutMillis == null ? 5_000 : timeoutMillis);
  }

  /** The JSON text of {@code targets}. */
  public static String toJson(List<WebhookTarget> targets) {
    try {
      return ActivationJson.MAPPER.writeValueAsString(targets);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("webhook targets could not be written as JSON", e);
    }
  }

  /**
   * Reads a list written by {@link #toJson}.
   *
   * @throws IllegalArgumentException when it is not such a list, naming what is wrong
   */
  public static List<WebhookTarget> parseList(String json) {
    try {
      return List.copyOf(
          ActivationJson.MAPPER.readValue(json, new TypeReference<List<WebhookTarget>>() {}));
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException i ? i : e;
      throw new IllegalArgumentException(
          "webhook destinations are not a valid JSON list: " + cause.getMessage(), e);
    }
  }
}
