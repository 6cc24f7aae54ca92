package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.TestTenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileApiHandlerTest {
  @TempDir Path temp;

  private APIGatewayV2HTTPResponse handle(String fixture) throws Exception {
    ProfileApiHandler handler =
        new ProfileApiHandler(ProfileLake.acme(temp), Fixtures.config(), temp.resolve("work"));
    return handler.handleRequest(
        Fixtures.event("api-gateway/" + fixture, APIGatewayV2HTTPEvent.class), null);
  }

  @Test
  void theReadKeyFindsAnnByHerEmail() throws Exception {
    APIGatewayV2HTTPResponse r = handle("profile-by-email.json");
    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(r.getHeaders()).containsEntry("Content-Type", "application/json");
    JsonNode p = Json.MAPPER.readTree(r.getBody());
    assertThat(p.path("tenant").asText()).isEqualTo("acme");
    assertThat(p.path("traits").path("plan").asText()).isEqualTo("pro");
    assertThat(p.path("identifiers").findValuesAsText("value"))
        .containsExactlyInAnyOrder("u-1001", "anon-7", "ann@example.com");
  }

  @Test
  void anotherTenantsReadKeyGets404ForThisTenantsProfile() throws Exception {
    String globexRead = "rk_test_globex_read_key_00000000";
    ProfileApiHandler handler =
        new ProfileApiHandler(
            ProfileLake.acme(temp),
            Fixtures.config()
                .withTenant(
                    TenantConfig.named("globex", null).withReadKeyHash(WriteKeys.hash(globexRead))),
            temp.resolve("work"));
    String json = Fixtures.text("api-gateway/profile-by-email.json");
    Map<String, Object> tree = Json.MAPPER.readValue(json, new TypeReference<>() {});
    @SuppressWarnings("unchecked")
    Map<String, Object> headers = (Map<String, Object>) tree.get("headers");
    headers.put("authorization", TestTenants.basicAuth(globexRead));

    APIGatewayV2HTTPResponse r =
        handler.handleRequest(
            Fixtures.eventFromJson(
                Json.MAPPER.writeValueAsString(tree), APIGatewayV2HTTPEvent.class),
            null);

    assertThat(r.getStatusCode()).isEqualTo(404);
    assertThat(r.getBody()).doesNotContain("ann@example.com", "u-1001");
  }

  @Test
  void theWriteKeyCannotReadProfiles() throws Exception {
    APIGatewayV2HTTPResponse r = handle("profile-with-write-key.json");
    assertThat(r.getStatusCode()).isEqualTo(401);
    assertThat(r.getBody()).contains("write keys cannot read profiles");
  }
}
