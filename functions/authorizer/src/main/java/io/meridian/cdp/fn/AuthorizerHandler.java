package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.telemetry.LogContext;
import io.meridian.cdp.aws.telemetry.Metrics;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.HttpBasic;
import io.meridian.cdp.tenant.SourceRef;
import io.meridian.cdp.tenant.WriteKeyResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The HTTP API's Lambda authorizer (payload format 2.0, simple responses): resolves the write key
 * sent as the user name of HTTP Basic credentials to its tenant and source with {@link
 * WriteKeyResolver} (the same hashes of {@code cdp.yaml} ingest-api checks), and answers {@code
 * {"isAuthorized": true, "context": {"tenant": …, "source": …}}}, or {@code {"isAuthorized":
 * false}}. API Gateway caches the answer per {@code Authorization} header, so most requests never
 * invoke this function. The write key is never logged.
 *
 * <p>Environment, read once at cold start: {@code CONFIG_BUCKET} and {@code CONFIG_KEY} (where
 * {@code cdp.yaml} lives), {@code AWS_REGION} (set by Lambda). A key added to {@code cdp.yaml}
 * works after the next cold start, as for ingest-api.
 */
public final class AuthorizerHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizerHandler.class);
  private final WriteKeyResolver resolver;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public AuthorizerHandler() throws IOException {
    this(configFromS3());
  }

  AuthorizerHandler(CdpConfig config) {
    this.resolver = new WriteKeyResolver(config);
  }

  /**
   * The Lambda entry point: the authorizer's event as JSON in, the simple response as JSON out. The
   * event is read as a tree and the answer written with a generator, so that the cold start loads
   * no more of Jackson than the config already did: neither the runtime's own serializer nor
   * databind's bean and map (de)serializers (docs/BENCHMARKS.md, cold start).
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Optional<SourceRef> owner = authorize(Json.MAPPER.readTree(input), context);
    try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(output)) {
      json.writeStartObject();
      json.writeBooleanField("isAuthorized", owner.isPresent());
      if (owner.isPresent()) {
        json.writeObjectFieldStart("context");
        json.writeStringField("tenant", owner.get().tenant());
        json.writeStringField("source", owner.get().source());
        json.writeEndObject();
      }
      json.writeEndObject();
    }
  }

  /**
   * Decides one request: the tenant and source its write key belongs to, or empty to deny it.
   *
   * @param event the authorizer's event (payload format 2.0); null or any other JSON is denied
   */
  public Optional<SourceRef> authorize(JsonNode event, Context context) {
    String requestId = requestId(event);
    LogContext.begin(context, requestId);
    Optional<SourceRef> owner = writeKey(authorization(event)).flatMap(resolver::resolve);
    if (owner.isEmpty()) {
      LOG.info("denied request {}: missing, malformed or unknown write key", requestId);
      // Only denials are counted: one metrics line per allowed request would be noise.
      Metrics.stage("authorize").count("RequestsDenied", 1).publish();
      return owner;
    }
    LogContext.tenant(owner.get().tenant());
    return owner;
  }

  /** The {@code Authorization} header: from the identity source, else from the headers. */
  static Optional<String> authorization(JsonNode event) {
    if (event == null || !event.isObject()) {
      return Optional.empty();
    }
    JsonNode first = event.path("identitySource").path(0);
    if (first.isTextual()) {
      return Optional.of(first.textValue());
    }
    for (Map.Entry<String, JsonNode> header : event.path("headers").properties()) {
      if ("authorization".equalsIgnoreCase(header.getKey()) && header.getValue().isTextual()) {
        return Optional.of(header.getValue().textValue());
      }
    }
    return Optional.empty();
  }

  /** The user name of HTTP Basic credentials {@code Basic base64(writeKey:)}. */
  static Optional<String> writeKey(Optional<String> authorization) {
    return authorization.flatMap(HttpBasic::user);
  }

  private static String requestId(JsonNode event) {
    JsonNode id = event == null ? null : event.path("requestContext").path("requestId");
    return id != null && id.isValueNode() ? id.asText() : "(no request id)";
  }

  private static CdpConfig configFromS3() throws IOException {
    try (S3Client s3 = AwsEnvironment.s3()) {
      return AwsEnvironment.config(s3);
    }
  }
}
