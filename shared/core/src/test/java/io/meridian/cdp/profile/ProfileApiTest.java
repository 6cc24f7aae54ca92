package io.meridian.cdp.profile;

import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static io.meridian.cdp.tenant.TestTenants.basicAuth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileApiTest {
  private static final String ACME_READ = "rk_acme-read-key-for-tests-000000000000";
  private static final String GLOBEX_READ = "rk_globex-read-key-for-tests-00000000000";
  private static final String ACME_WRITE = "wk_acme-write-key-for-tests-00000000000";

  @TempDir Path work;
  private CuratedStore store;
  private ProfileApi api;

  @BeforeEach
  void lake() throws IOException {
    store = new CuratedStore(new InMemoryObjectStore(), work);
    Tenants tenants =
        new Tenants(
            CdpConfig.empty()
                .withTenant(
                    new TenantConfig(
                            "acme",
                            null,
                            null,
                            "US",
                            List.of(new SourceConfig("web", List.of(WriteKeys.hash(ACME_WRITE)))),
                            null,
                            null,
                            null,
                            null)
                        .withReadKeyHash(WriteKeys.hash(ACME_READ)))
                .withTenant(
                    TenantConfig.named("globex", "Globex")
                        .withReadKeyHash(WriteKeys.hash(GLOBEX_READ))));
    api =
        new ProfileApi(() -> tenants, new CuratedProfiles(store, Duration.ZERO, Clock.systemUTC()));
    String consent = "{\"consent\":{\"categoryPreferences\":{\"advertising\":false}}}";
    writeClean(
        store.objects(),
        work,
        "acme",
        "2026-11-01",
        "a",
        List.of(
            new Call("m1", "page", null, null, "anon-1", null, null, 100, consent),
            new Call(
                "m2",
                "identify",
                null,
                "u-1",
                null,
                "{\"email\":\"Ann@Example.com\",\"phone\":\"(415) 555-0100\",\"plan\":\"pro\"}",
                null,
                200),
            new Call(
                "m3", "track", "Order Completed", null, "anon-1", null, "{\"revenue\":42}", 300),
            new Call("m4", "identify", null, "u-1", "anon-1", null, null, 400)));
    // the same email at another tenant: a different person there
    writeClean(
        store.objects(),
        work,
        "globex",
        "2026-11-01",
        "a",
        List.of(
            new Call(
                "g1", "identify", null, "g-1", null, "{\"email\":\"ann@example.com\"}", null, 50)));
    curate("acme");
    curate("globex");
  }

  private void curate(String tenant) throws IOException {
    new ResolveIdentities(store)
        .run(tenant, TenantConfig.named(tenant, tenant).identityRules(), "US");
    new BuildProfiles(store).run(tenant, TenantConfig.named(tenant, tenant).identityRules());
  }

  private ProfileApi.Response get(String pathAndQuery, String key) {
    int q = pathAndQuery.indexOf('?');
    return api.handle(
        "GET",
        q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
        q < 0 ? null : pathAndQuery.substring(q + 1),
        key == null ? null : basicAuth(key));
  }

  private static JsonNode json(ProfileApi.Response r) throws IOException {
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void findsAProfileByAnyIdentifierWrittenAsPeopleWriteIt() throws IOException {
    ProfileApi.Response byEmail =
        get("/v1/profiles?identifier_type=email&identifier=ANN%40example.COM", ACME_READ);
    assertThat(byEmail.status()).isEqualTo(200);
    JsonNode p = json(byEmail);
    assertThat(p.path("tenant").asText()).isEqualTo("acme");
    assertThat(p.path("traits").path("plan").asText()).isEqualTo("pro");
    assertThat(p.path("computed_traits").path("event_count").asLong()).isEqualTo(4);
    assertThat(p.path("computed_traits").path("lifetime_revenue").asDouble()).isEqualTo(42.0);
    assertThat(p.path("computed_traits").path("event_counts").path("Order Completed").asLong())
        .isEqualTo(1);
    assertThat(p.path("consent").path("advertising").asBoolean(true)).isFalse();
    assertThat(p.path("identifiers").findValuesAsText("value"))
        .contains("u-1", "ann@example.com", "+14155550100", "anon-1");

    ProfileApi.Response byPhone =
        get("/v1/profiles?identifier_type=phone&identifier=415-555-0100", ACME_READ);
    assertThat(json(byPhone).path("profile_id")).isEqualTo(p.path("profile_id"));

    ProfileApi.Response byId = get("/v1/profiles/" + p.path("profile_id").asText(), ACME_READ);
    assertThat(byId.status()).isEqualTo(200);
    assertThat(json(byId)).isEqualTo(p);
    assertThat(byId.headers()).containsEntry("Cache-Control", "no-store");
  }

  @Test
  void aMergedAwayProfileIdAnswersWithTheSurvivor() throws IOException {
    JsonNode p = json(get("/v1/profiles?identifier_type=user_id&identifier=u-1", ACME_READ));
    assertThat(p.path("merged_profile_ids")).hasSize(1);
    String mergedAway = p.path("merged_profile_ids").get(0).asText();
    JsonNode viaOldId = json(get("/v1/profiles/" + mergedAway, ACME_READ));
    assertThat(viaOldId.path("profile_id")).isEqualTo(p.path("profile_id"));
  }

  @Test
  void anotherTenantsReadKeyFindsNothingOfThisTenant() throws IOException {
    JsonNode acme = json(get("/v1/profiles?identifier_type=user_id&identifier=u-1", ACME_READ));
    String acmeProfile = acme.path("profile_id").asText();
    assertThat(get("/v1/profiles/" + acmeProfile, GLOBEX_READ).status()).isEqualTo(404);
    assertThat(get("/v1/profiles?identifier_type=user_id&identifier=u-1", GLOBEX_READ).status())
        .isEqualTo(404);
    JsonNode globexAnn =
        json(get("/v1/profiles?identifier_type=email&identifier=ann@example.com", GLOBEX_READ));
    assertThat(globexAnn.path("tenant").asText()).isEqualTo("globex");
    assertThat(globexAnn.path("profile_id").asText()).isNotEqualTo(acmeProfile);
    assertThat(globexAnn.path("identifiers").findValuesAsText("value")).doesNotContain("u-1");
  }

  @Test
  void onlyAReadKeyReads() throws IOException {
    String path = "/v1/profiles?identifier_type=user_id&identifier=u-1";
    ProfileApi.Response none = get(path, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.headers()).containsKey("WWW-Authenticate");
    ProfileApi.Response write = get(path, ACME_WRITE);
    assertThat(write.status()).isEqualTo(401);
    assertThat(json(write).path("message").asText()).contains("write keys cannot read profiles");
    assertThat(get(path, "rk_unknown").status()).isEqualTo(401);
    ProfileApi.Response bearer =
        api.handle(
            "GET", "/v1/profiles", "identifier_type=user_id&identifier=u-1", "Bearer " + ACME_READ);
    assertThat(bearer.status()).isEqualTo(200);
  }

  @Test
  void badRequestsGetSpecificAnswers() throws IOException {
    ProfileApi.Response post =
        api.handle("POST", "/v1/profiles/p_00000000000000000000", null, basicAuth(ACME_READ));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers()).containsEntry("Allow", "GET");
    ProfileApi.Response missing = get("/v1/profiles?identifier=u-1", ACME_READ);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(json(missing).path("code").asText()).isEqualTo("missing_parameter");
    ProfileApi.Response unknownType =
        get("/v1/profiles?identifier_type=crm_id&identifier=1", ACME_READ);
    assertThat(unknownType.status()).isEqualTo(400);
    assertThat(json(unknownType).path("message").asText())
        .contains("'crm_id' is not configured", "email");
    ProfileApi.Response badId = get("/v1/profiles/p_'%20OR%201=1", ACME_READ);
    assertThat(badId.status()).isEqualTo(400);
    assertThat(get("/v1/profiles/p_00000000000000000000", ACME_READ).status()).isEqualTo(404);
    assertThat(
            get("/v1/profiles?identifier_type=email&identifier=not-an-email", ACME_READ).status())
        .isEqualTo(404);
  }

  @Test
  void aNewSnapshotIsServedOnceItsPointerMoves() throws IOException {
    String path = "/v1/profiles?identifier_type=user_id&identifier=u-2";
    assertThat(get(path, ACME_READ).status()).isEqualTo(404);
    writeClean(
        store.objects(),
        work,
        "acme",
        "2026-11-02",
        "a",
        List.of(
            new Call("m9", "identify", null, "u-2", null, "{\"plan\":\"free\"}", null, 90_000)));
    curate("acme");
    assertThat(json(get(path, ACME_READ)).path("traits").path("plan").asText()).isEqualTo("free");
  }
}
