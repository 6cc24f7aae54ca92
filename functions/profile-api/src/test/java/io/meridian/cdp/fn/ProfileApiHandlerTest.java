package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import java.nio.file.Path;
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
  void theWriteKeyCannotReadProfiles() throws Exception {
    APIGatewayV2HTTPResponse r = handle("profile-with-write-key.json");
    assertThat(r.getStatusCode()).isEqualTo(401);
    assertThat(r.getBody()).contains("write keys cannot read profiles");
  }
}
