package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.profile.CuratedProfiles;
import io.meridian.cdp.profile.ProfileApi;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.TestTenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profile API served by the local server, over events ingested through the same server. */
class ProfileApiHttpTest {
  private static final String WRITE = WriteKeys.generate();
  private static final String READ = "rk_acme-http-read-key-0000000000000000";
  private static final String OTHER_READ = "rk_globex-http-read-key-000000000000000";

  @TempDir Path temp;

  @Test
  void aProfileIngestedOverHttpIsReadOverHttpWithTheTenantsReadKeyOnly() throws Exception {
    Tenants tenants =
        new Tenants(
            CdpConfig.empty()
                .withTenant(
                    new TenantConfig(
                            "acme",
                            null,
                            null,
                            null,
                            List.of(new SourceConfig("web", List.of(WriteKeys.hash(WRITE)))),
                            null,
                            null,
                            null,
                            null)
                        .withReadKeyHash(WriteKeys.hash(READ)))
                .withTenant(
                    TenantConfig.named("globex", null)
                        .withReadKeyHash(WriteKeys.hash(OTHER_READ))));
    LocalFileObjectStore lake = new LocalFileObjectStore(temp.resolve("lake"));
    HttpClient client = HttpClient.newHttpClient();
    try (Spool spool = new Spool(temp.resolve("spool"));
        HttpIngestServer server =
            new HttpIngestServer(
                    "127.0.0.1",
                    0,
                    new IngestService(
                        () -> tenants, spool, new RateLimiter(), new SegmentCallValidator()),
                    Clock.systemUTC(),
                    2)
                .serveProfiles(
                    new ProfileApi(
                        () -> tenants,
                        new CuratedProfiles(
                            new CuratedStore(lake, temp.resolve("work")),
                            Duration.ZERO,
                            Clock.systemUTC())))) {
      server.start();
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> sent =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/identify"))
                  .header("Authorization", TestTenants.basicAuth(WRITE))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"userId\":\"u-42\",\"traits\":{\"email\":\"Zoe@Example.com\","
                              + "\"plan\":\"pro\"}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(sent.statusCode()).isEqualTo(200);
      new LocalPipeline(
              spool,
              lake,
              () -> tenants,
              new SegmentCallValidator(),
              temp.resolve("work"),
              Clock.systemUTC())
          .runOnce();

      String query = "/v1/profiles?identifier_type=email&identifier=zoe%40example.com";
      HttpResponse<String> read = get(client, base + query, READ);
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode profile = Json.MAPPER.readTree(read.body());
      assertThat(profile.path("traits").path("plan").asText()).isEqualTo("pro");
      assertThat(profile.path("identifiers").findValuesAsText("value"))
          .containsExactlyInAnyOrder("u-42", "zoe@example.com");

      String byId = base + "/v1/profiles/" + profile.path("profile_id").asText();
      assertThat(get(client, byId, READ).statusCode()).isEqualTo(200);
      assertThat(get(client, byId, WRITE).statusCode()).isEqualTo(401);
      assertThat(get(client, byId, OTHER_READ).statusCode()).isEqualTo(404);
      assertThat(get(client, base + query, OTHER_READ).statusCode()).isEqualTo(404);
    }
  }

  private static HttpResponse<String> get(HttpClient client, String url, String key)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", TestTenants.basicAuth(key))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
