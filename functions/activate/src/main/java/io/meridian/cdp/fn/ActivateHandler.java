package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.activation.WebhookRequests;
import io.meridian.cdp.activation.WebhookTarget;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.SecretsManagerSecretStore;
import io.meridian.cdp.aws.telemetry.LogContext;
import io.meridian.cdp.aws.telemetry.Metrics;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.secret.SecretStore;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target of the activation bus's rule of each webhook destination (ADR 0033). Its input is
 * {@code {"destination": "<name>", "event": <the event as EventBridge received it>}} (the rule's
 * input transformer). It applies the destination's payload template to the event, signs the body
 * with the destination's secret ({@code Meridian-Signature}, as in local mode, docs/ACTIVATION.md)
 * and POSTs it once, waiting at most the destination's timeout for the whole response.
 *
 * <p>A 2xx answer returns a small report. Anything else — another status, no complete response in
 * time, no connection, a secret that cannot be read — throws {@link WebhookFailedException}, so
 * that Lambda retries the asynchronous invocation and then sends it to the destination's
 * dead-letter queue. An input that cannot be delivered at all (an unknown destination, an event of
 * another tenant, no event id) throws {@link IllegalArgumentException}.
 *
 * <p>Environment: {@code WEBHOOK_DESTINATIONS} (JSON list of {@link WebhookTarget}, set by the CDK
 * app from {@code cdp:destinations}: names, tenants, URLs, payload templates, secret references —
 * never a secret), {@code AWS_REGION} (set by Lambda).
 */
public final class ActivateHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(ActivateHandler.class);

  /** A delivery that did not succeed: Lambda retries it, then dead-letters it. */
  public static final class WebhookFailedException extends RuntimeException {
    WebhookFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Map<String, WebhookTarget> destinations = new LinkedHashMap<>();
  private final SecretStore secrets;
  private final Clock clock;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public ActivateHandler() {
    this(
        WebhookTarget.parseList(AwsEnvironment.require(AwsEnvironment.WEBHOOK_DESTINATIONS)),
        new SecretsManagerSecretStore(AwsEnvironment.secretsManager()),
        Clock.systemUTC());
  }

  /**
   * @param destinations the webhook destinations this function delivers to
   * @param secrets resolves their signing secrets
   */
  ActivateHandler(List<WebhookTarget> destinations, SecretStore secrets, Clock clock) {
    destinations.forEach(d -> this.destinations.put(d.name(), d));
    this.secrets = secrets;
    this.clock = clock;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    // correlation: the bus event's id, the same for every destination that receives it
    LogContext.begin(
        context,
        input.get("event") instanceof Map<?, ?> e && e.get("id") instanceof String id ? id : null);
    WebhookTarget destination = destination(input.get("destination"));
    LogContext.tenant(destination.tenant());
    ObjectNode event = event(input.get("event"), destination);
    JsonNode detail = event.get("detail");
    String eventId = detail.path("event_id").asText("");
    if (eventId.isEmpty()) {
      throw new IllegalArgumentException(
          "destination '" + destination.name() + "': the event has no detail.event_id");
    }
    String deliveryId =
        WebhookRequests.deliveryId(eventId, destination.tenant(), destination.name());
    String where = "destination '" + destination.name() + "' (tenant " + destination.tenant() + ")";
    String secret;
    try {
      secret = secrets.secret(destination.secretRef());
    } catch (RuntimeException e) {
      throw new WebhookFailedException(
          where + ": signing secret unavailable: " + e.getMessage(), e);
    }
    int status =
        post(
            destination,
            where,
            WebhookRequests.signed(
                destination.uri(),
                secret,
                destination.timeout(),
                eventId,
                deliveryId,
                1,
                clock.instant().getEpochSecond(),
                body(destination, event)));
    LOG.info(
        "activate tenant={} destination={} event_id={} delivered status={}",
        destination.tenant(),
        destination.name(),
        eventId,
        status);
    Metrics.stage("activate").count("WebhooksDelivered", 1).publish();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("destination", destination.name());
    out.put("tenant", destination.tenant());
    out.put("eventId", eventId);
    out.put("deliveryId", deliveryId);
    out.put("status", status);
    return out;
  }

  private WebhookTarget destination(Object name) {
    WebhookTarget d = name instanceof String s ? destinations.get(s) : null;
    if (d == null) {
      throw new IllegalArgumentException(
          "no webhook destination '"
              + name
              + "' in WEBHOOK_DESTINATIONS (it has "
              + destinations.keySet()
              + ")");
    }
    return d;
  }

  private static ObjectNode event(Object event, WebhookTarget destination) {
    JsonNode node = Json.MAPPER.valueToTree(event);
    if (!(node instanceof ObjectNode envelope) || !node.path("detail").isObject()) {
      throw new IllegalArgumentException(
          "destination '" + destination.name() + "': the input has no event with a detail");
    }
    String tenant = node.path("detail").path("tenant").asText("");
    if (!tenant.equals(destination.tenant())) {
      // the rule's pattern names the tenant: another tenant's event here is a wiring mistake
      throw new IllegalArgumentException(
          "destination '"
              + destination.name()
              + "' receives events of tenant "
              + destination.tenant()
              + " only, not of '"
              + tenant
              + "'");
    }
    return envelope;
  }

  private static byte[] body(WebhookTarget destination, ObjectNode event) {
    try {
      return Json.MAPPER.writeValueAsBytes(destination.mapping().apply(event));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written as JSON", e);
    }
  }

  /**
   * One attempt, bounded as a whole by the destination's timeout (headers and body: the request's
   * own timeout covers only the headers).
   */
  private int post(WebhookTarget destination, String where, java.net.http.HttpRequest request) {
    long timeout = destination.timeout().toMillis();
    CompletableFuture<HttpResponse<Void>> response =
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    int status;
    try {
      status = response.get(timeout, TimeUnit.MILLISECONDS).statusCode();
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new WebhookFailedException(
          where + ": no complete response within " + timeout + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String what =
          cause instanceof java.net.http.HttpTimeoutException
              ? "no response within " + timeout + " ms"
              : cause instanceof java.net.ConnectException
                  ? "could not connect"
                  : "invalid or interrupted response";
      throw new WebhookFailedException(
          where + ": " + what + " (" + cause.getClass().getSimpleName() + ")", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.cancel(true);
      throw new WebhookFailedException(where + ": interrupted", e);
    }
    if (status < 200 || status >= 300) {
      throw new WebhookFailedException(
          where
              + ": HTTP "
              + status
              + (WebhookRequests.retryable(status)
                  ? ""
                  : " (not retryable: the same request will fail again; it is retried by Lambda all"
                      + " the same and then dead-lettered)"),
          null);
    }
    return status;
  }
}
