package io.meridian.cdp.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.Tenants;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Browser SDKs need CORS: a preflight is answered, and every answer allows any origin. */
class IngestServiceCorsTest {
  private final List<Envelope> stored = new ArrayList<>();
  private final IngestService service =
      new IngestService(
          () -> new Tenants(CdpConfig.empty()),
          stored::addAll,
          new RateLimiter(),
          new SegmentCallValidator());

  private IngestResponse call(String method, String body) {
    return service.handle(
        new IngestRequest(
            method,
            "/v1/t",
            "text/plain",
            null,
            null,
            body.getBytes(StandardCharsets.UTF_8),
            Instant.parse("2026-11-24T10:00:00Z"),
            "req-1"));
  }

  @Test
  void answersPreflightWithoutStoringAnything() {
    IngestResponse r = call("OPTIONS", "");
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.headers())
        .containsEntry("Access-Control-Allow-Origin", "*")
        .containsEntry("Access-Control-Allow-Methods", "POST, OPTIONS");
    assertThat(r.headers().get("Access-Control-Allow-Headers")).contains("Authorization");
    assertThat(stored).isEmpty();
  }

  @Test
  void errorAnswersCarryCorsHeadersSoBrowsersCanReadThem() {
    IngestResponse r = call("POST", "{\"userId\":\"u\",\"event\":\"e\",\"writeKey\":\"nope\"}");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers()).containsEntry("Access-Control-Allow-Origin", "*");
    assertThat(r.headers()).containsKey("WWW-Authenticate");
  }
}
