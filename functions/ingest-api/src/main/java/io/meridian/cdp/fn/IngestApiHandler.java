package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.KinesisEventSink;
import io.meridian.cdp.aws.telemetry.LogContext;
import io.meridian.cdp.aws.telemetry.Metrics;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.EventSink;
import io.meridian.cdp.ingest.IngestRequest;
import io.meridian.cdp.ingest.IngestResponse;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.ingest.SuppressionCheck;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.HttpBasic;
import io.meridian.cdp.tenant.SourceRef;
import io.meridian.cdp.tenant.Tenants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Segment-compatible Tracking API on AWS: an API Gateway HTTP API (payload format 2.0, {@code
 * $default} stage) invokes this handler, which hands the request to {@link IngestService} with
 * Kinesis as the {@link EventSink}, and maps the answer back. Events are durable in Kinesis before
 * the client gets its 200; when Kinesis cannot take them the client gets a 503 and retries.
 *
 * <p>Environment, read once at cold start: {@code STREAM_NAME} (the Kinesis stream), {@code
 * CONFIG_BUCKET} and {@code CONFIG_KEY} (where {@code cdp.yaml} lives; a config change takes effect
 * in new execution environments), {@code AWS_REGION} (set by Lambda). The tenant rate limit is
 * enforced per execution environment, so the effective limit scales with concurrency.
 *
 * <p>Every request writes one metrics line (stage {@code ingest}): {@code EventsAccepted}, {@code
 * EventsInvalid} (stored, to be quarantined), {@code EventsSuppressed} and {@code
 * RequestsRejected}; its log lines carry API Gateway's request id as correlation id and the tenant
 * of the write key (ADR 0034).
 */
public final class IngestApiHandler implements RequestStreamHandler {
  /** The metrics stage of ingestion. */
  static final String STAGE = "ingest";

  private final IngestService ingest;
  private final Tenants tenants;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public IngestApiHandler() throws IOException {
    this(AwsEnvironment.s3());
  }

  private IngestApiHandler(S3Client s3) throws IOException {
    this(
        AwsEnvironment.config(s3),
        new KinesisEventSink(
            AwsEnvironment.kinesis(), AwsEnvironment.require(AwsEnvironment.STREAM_NAME)),
        // Suppression lists live in the lake; without LAKE_BUCKET nobody is suppressed.
        AwsEnvironment.optional(AwsEnvironment.LAKE_BUCKET)
            .<SuppressionCheck>map(
                bucket -> AwsEnvironment.suppression(AwsEnvironment.lake(s3, bucket)))
            .orElse(SuppressionCheck.NONE));
  }

  IngestApiHandler(CdpConfig config, EventSink sink) {
    this(config, sink, SuppressionCheck.NONE);
  }

  /**
   * @param suppression the erased people whose calls are answered but never stored (ADR 0021)
   */
  IngestApiHandler(CdpConfig config, EventSink sink, SuppressionCheck suppression) {
    Tenants tenants = new Tenants(config);
    this.tenants = tenants;
    this.ingest =
        new IngestService(
            () -> tenants, sink, new RateLimiter(), new SegmentCallValidator(), suppression);
  }

  /**
   * The Lambda entry point: API Gateway's payload (format 2.0) as JSON in, the response as JSON
   * out, read and written with the Jackson the ingestion core loads anyway. A stream handler spares
   * the cold start the runtime's own event serializer (a shaded Jackson of ~800 classes: about 0.4
   * s of a cold start, docs/BENCHMARKS.md).
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    APIGatewayV2HTTPResponse response =
        handleRequest(toEvent(Json.MAPPER.readTree(input)), context);
    // written with a generator: databind's serializers are not needed in the cold start
    try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(output)) {
      json.writeStartObject();
      json.writeNumberField("statusCode", response.getStatusCode());
      json.writeObjectFieldStart("headers");
      for (Map.Entry<String, String> header : response.getHeaders().entrySet()) {
        json.writeStringField(header.getKey(), header.getValue());
      }
      json.writeEndObject();
      json.writeStringField("body", response.getBody());
      json.writeBooleanField("isBase64Encoded", false);
      json.writeEndObject();
    }
  }

  /** An API Gateway HTTP API event (payload format 2.0), the fields ingestion reads. */
  static APIGatewayV2HTTPEvent toEvent(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("the invocation is not an API Gateway HTTP API event");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    json.path("headers")
        .fields()
        .forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
    JsonNode context = json.path("requestContext");
    return APIGatewayV2HTTPEvent.builder()
        .withRawPath(json.path("rawPath").asText(null))
        .withHeaders(headers)
        .withBody(json.path("body").isTextual() ? json.get("body").asText() : null)
        .withIsBase64Encoded(json.path("isBase64Encoded").asBoolean(false))
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId(context.path("requestId").asText(null))
                .withTimeEpoch(context.path("timeEpoch").asLong())
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(context.path("http").path("method").asText(null))
                        .build())
                .build())
        .build();
  }

  /** Handles one event (the stream entry point after reading it; tests call it directly). */
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    IngestRequest request = toRequest(event);
    LogContext.begin(context, request.requestId());
    // The tenant of the header's write key, so that lines logged while handling carry it.
    LogContext.tenant(headerTenant(request).orElse(null));
    IngestResponse response = ingest.handle(request);
    LogContext.tenant(response.tenant());
    metrics(response).publish();
    return toResponse(response);
  }

  private Optional<String> headerTenant(IngestRequest request) {
    return Optional.ofNullable(request.authorization())
        .flatMap(HttpBasic::user)
        .flatMap(tenants::resolve)
        .map(SourceRef::tenant);
  }

  /** What one request counted. */
  static Metrics metrics(IngestResponse r) {
    boolean refused = r.status() >= 400;
    return Metrics.stage(STAGE)
        .count("EventsAccepted", r.stored() - r.invalid())
        .count("EventsInvalid", r.invalid())
        .count("EventsSuppressed", r.suppressed())
        .count("RequestsRejected", refused ? 1 : 0);
  }

  /** The request as the core sees it. API Gateway lower-cases header names; lookups ignore case. */
  static IngestRequest toRequest(APIGatewayV2HTTPEvent event) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (event.getHeaders() != null) {
      headers.putAll(event.getHeaders());
    }
    APIGatewayV2HTTPEvent.RequestContext request = event.getRequestContext();
    return new IngestRequest(
        request.getHttp().getMethod(),
        event.getRawPath(),
        headers.get("content-type"),
        headers.get("content-encoding"),
        headers.get("authorization"),
        body(event),
        Instant.ofEpochMilli(request.getTimeEpoch()),
        request.getRequestId());
  }

  private static byte[] body(APIGatewayV2HTTPEvent event) {
    String body = event.getBody();
    if (body == null) {
      return new byte[0];
    }
    return event.getIsBase64Encoded()
        ? Base64.getDecoder().decode(body)
        : body.getBytes(StandardCharsets.UTF_8);
  }

  static APIGatewayV2HTTPResponse toResponse(IngestResponse response) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.putAll(response.headers());
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(response.status())
        .withHeaders(headers)
        .withBody(response.body())
        .withIsBase64Encoded(false)
        .build();
  }
}
