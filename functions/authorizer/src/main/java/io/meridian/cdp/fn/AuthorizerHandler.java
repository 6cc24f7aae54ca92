package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.type.TypeReference;
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
import java.util.List;
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
  private static final Map<String, Object> DENY = Map.of("isAuthorized", false);

  private final WriteKeyResolver resolver;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public AuthorizerHandler() throws IOException {
    this(configFromS3());
  }

  AuthorizerHandler(CdpConfig config) {
    this.resolver = new WriteKeyResolver(config);
  }

  /**
   * The Lambda entry point: the authorizer's event as JSON in, the simple response as JSON out,
   * with the Jackson the config already loaded — sparing the cold start the runtime's own
   * serializer (docs/BENCHMARKS.md, cold start).
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Map<String, Object> event = Json.MAPPER.readValue(input, new TypeReference<>() {});
    Json.MAPPER.writeValue(output, handleRequest(event, context));
  }

  /** Decides one request (the stream entry point after reading it; tests call it directly). */
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    Object requestId = requestId(event);
    LogContext.begin(context, requestId == null ? null : requestId.toString());
    Optional<SourceRef> owner = writeKey(authorization(event)).flatMap(resolver::resolve);
    if (owner.isEmpty()) {
      LOG.info("denied request {}: missing, malformed or unknown write key", requestId);
      // Only denials are counted: one metrics line per allowed request would be noise.
      Metrics.stage("authorize").count("RequestsDenied", 1).publish();
      return DENY;
    }
    LogContext.tenant(owner.get().tenant());
    return Map.of(
        "isAuthorized",
        true,
        "context",
        Map.of("tenant", owner.get().tenant(), "source", owner.get().source()));
  }

  /** The {@code Authorization} header: from the identity source, else from the headers. */
  static Optional<String> authorization(Map<String, Object> event) {
    if (event == null) {
      return Optional.empty();
    }
    if (event.get("identitySource") instanceof List<?> sources
        && !sources.isEmpty()
        && sources.get(0) instanceof String value) {
      return Optional.of(value);
    }
    if (event.get("headers") instanceof Map<?, ?> headers) {
      for (Map.Entry<?, ?> header : headers.entrySet()) {
        if ("authorization".equalsIgnoreCase(String.valueOf(header.getKey()))
            && header.getValue() instanceof String value) {
          return Optional.of(value);
        }
      }
    }
    return Optional.empty();
  }

  /** The user name of HTTP Basic credentials {@code Basic base64(writeKey:)}. */
  static Optional<String> writeKey(Optional<String> authorization) {
    return authorization.flatMap(HttpBasic::user);
  }

  private static Object requestId(Map<String, Object> event) {
    if (event != null && event.get("requestContext") instanceof Map<?, ?> request) {
      return request.get("requestId");
    }
    return "(no request id)";
  }

  private static CdpConfig configFromS3() throws IOException {
    try (S3Client s3 = AwsEnvironment.s3()) {
      return AwsEnvironment.config(s3);
    }
  }
}
