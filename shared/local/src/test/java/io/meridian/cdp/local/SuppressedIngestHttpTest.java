package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.privacy.PrivacyKeys;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.TestTenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tracking API over real HTTP with a tenant's suppression list: calls carrying an erased
 * person's identifier are answered 200 and counted, and never reach the spool.
 */
class SuppressedIngestHttpTest {
  @TempDir Path temp;

  @Test
  void aSuppressedIdentifierIsAcceptedCountedAndNeverSpooled() throws Exception {
    String key = WriteKeys.generate();
    Tenants tenants = TestTenants.single("acme", "web", key);
    LocalFileObjectStore lake = new LocalFileObjectStore(temp.resolve("lake"));
    PrivacyKeys keys = new PrivacyKeys(ref -> "http-test-privacy-key", PrivacyKeys::localRef);
    Suppression suppression = new Suppression(lake, keys, Duration.ZERO, Clock.systemUTC());
    suppression.add(
        "acme", "er-http", List.of(suppression.hash("acme", "email", "erased@example.com")));
    try (Spool spool = new Spool(temp.resolve("spool"));
        HttpIngestServer server =
            new HttpIngestServer(
                "127.0.0.1",
                0,
                new IngestService(
                    () -> tenants,
                    spool,
                    new RateLimiter(),
                    new SegmentCallValidator(),
                    suppression),
                Clock.systemUTC(),
                2)) {
      server.start();
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/v1/batch"))
                      .header("Content-Type", "application/json")
                      .header(
                          "Authorization",
                          "Basic "
                              + Base64.getEncoder()
                                  .encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u-9\","
                                  + "\"traits\":{\"email\":\" Erased@Example.COM\"}},"
                                  + "{\"type\":\"track\",\"event\":\"Kept\",\"userId\":\"u-1\"}]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      var body = Json.MAPPER.readTree(r.body());
      assertThat(body.path("received").asInt()).isEqualTo(2);
      assertThat(body.path("suppressed").asInt()).isEqualTo(1);
      List<Envelope> spooled = new ArrayList<>();
      spool.drain((chunk, id) -> spooled.addAll(chunk));
      assertThat(spooled).hasSize(1);
      assertThat(spooled.get(0).payload()).contains("Kept").doesNotContain("Erased");
    }
  }
}
