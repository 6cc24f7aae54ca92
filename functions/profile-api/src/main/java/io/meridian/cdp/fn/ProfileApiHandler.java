package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.CurateTask;
import io.meridian.cdp.aws.telemetry.LogContext;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.privacy.PiiKeys;
import io.meridian.cdp.privacy.PiiProtection;
import io.meridian.cdp.profile.CuratedProfiles;
import io.meridian.cdp.profile.ProfileApi;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.Tenants;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * API Gateway (HTTP API, payload 2.0) → the profile API. The tenant config is read once per cold
 * start, like the ingest API's; curated snapshots are re-checked at most every 30 seconds.
 */
public final class ProfileApiHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  /** How long a warm function serves a tenant's snapshot before looking for a newer one. */
  static final Duration RECHECK = Duration.ofSeconds(30);

  private final ProfileApi api;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public ProfileApiHandler() throws IOException {
    this(lake(), configFromS3(), CurateTask.WORK_DIR, AwsEnvironment.piiKeys());
  }

  /** Without key material: a lookup of a hashed or tokenized kind fails with a message. */
  ProfileApiHandler(ObjectStore lake, CdpConfig config, Path workDir) {
    this(lake, config, workDir, store -> null);
  }

  ProfileApiHandler(
      ObjectStore lake, CdpConfig config, Path workDir, Function<ObjectStore, PiiKeys> keysOf) {
    Tenants tenants = new Tenants(config);
    this.api =
        new ProfileApi(
            () -> tenants,
            new CuratedProfiles(new CuratedStore(lake, workDir), RECHECK, Clock.systemUTC()),
            // Lookups follow the tenants' PII policies (ADR 0019): the value looked up is hashed
            // or tokenized as the stored identifiers are, with the same key material (ADR 0020).
            new PiiProtection(tenants::tenant, keysOf.apply(lake)));
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    LogContext.begin(context, event.getRequestContext().getRequestId());
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (event.getHeaders() != null) {
      headers.putAll(event.getHeaders());
    }
    ProfileApi.Response r =
        api.handle(
            event.getRequestContext().getHttp().getMethod(),
            event.getRawPath(),
            event.getRawQueryString(),
            headers.get("authorization"));
    Map<String, String> out = new LinkedHashMap<>();
    out.put("Content-Type", "application/json");
    out.putAll(r.headers());
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(r.status())
        .withHeaders(out)
        .withBody(r.body())
        .withIsBase64Encoded(false)
        .build();
  }

  private static ObjectStore lake() {
    return AwsEnvironment.lake(
        AwsEnvironment.s3(), AwsEnvironment.require(AwsEnvironment.LAKE_BUCKET));
  }

  private static CdpConfig configFromS3() throws IOException {
    try (S3Client s3 = AwsEnvironment.s3()) {
      return AwsEnvironment.config(s3);
    }
  }
}
