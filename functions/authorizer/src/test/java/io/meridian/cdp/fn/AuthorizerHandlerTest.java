package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.tenant.SourceRef;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthorizerHandlerTest {
  private static final String FIXTURE = "api-gateway/authorizer-request.json";
  private static final Optional<SourceRef> ACME_WEB = Optional.of(new SourceRef("acme", "web"));

  private final AuthorizerHandler handler = new AuthorizerHandler(Fixtures.config());

  @Test
  void theStreamEntryPointAnswersAKnownWriteKeyWithItsTenantAndSourceAsContext() throws Exception {
    Map<String, Object> answer =
        Json.MAPPER.readValue(
            invoke(Files.readAllBytes(fixture())),
            new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});

    assertThat(answer)
        .containsEntry("isAuthorized", true)
        .containsEntry("context", Map.of("tenant", "acme", "source", "web"))
        .hasSize(2);
  }

  @Test
  void theStreamEntryPointDeniesWithoutContext() throws Exception {
    ObjectNode event = event();
    event.putArray("identitySource").add(basic("wk_unknown:"));

    assertThat(Json.MAPPER.readValue(invoke(Json.MAPPER.writeValueAsBytes(event)), Map.class))
        .isEqualTo(Map.of("isAuthorized", false));
    assertThat(Json.MAPPER.readValue(invoke("[]".getBytes(StandardCharsets.UTF_8)), Map.class))
        .as("JSON that is not an authorizer event")
        .isEqualTo(Map.of("isAuthorized", false));
  }

  @Test
  void readsTheIdentitySourceFirst() throws Exception {
    assertThat(handler.authorize(event(), null)).isEqualTo(ACME_WEB);
  }

  @Test
  void readsTheAuthorizationHeaderWhenTheIdentitySourceIsAbsent() throws Exception {
    ObjectNode event = event();
    event.remove("identitySource");

    assertThat(handler.authorize(event, null)).isEqualTo(ACME_WEB);
  }

  @Test
  void deniesAnUnknownWriteKey() {
    assertThat(handler.authorize(withAuthorization(basic("wk_unknown:")), null)).isEmpty();
  }

  @Test
  void deniesCredentialsThatAreNotBasicOrNotBase64() {
    assertThat(handler.authorize(withAuthorization("Bearer abc"), null)).isEmpty();
    assertThat(handler.authorize(withAuthorization("Basic %%%"), null)).isEmpty();
    assertThat(handler.authorize(Json.MAPPER.createObjectNode().putObject("headers"), null))
        .isEmpty();
    assertThat(handler.authorize(null, null)).isEmpty();
  }

  @Test
  void takesTheUserNameOfBasicCredentialsWithOrWithoutAPassword() {
    assertThat(
            handler.authorize(withAuthorization(basic("wk_test_acme_web_7Qz3mN8pL2xR5vK9")), null))
        .isEqualTo(ACME_WEB);
    assertThat(
            handler.authorize(
                withAuthorization(basic("wk_test_acme_web_7Qz3mN8pL2xR5vK9:ignored")), null))
        .isEqualTo(ACME_WEB);
  }

  private byte[] invoke(byte[] event) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new java.io.ByteArrayInputStream(event)) {
      handler.handleRequest(in, out, null);
    }
    return out.toByteArray();
  }

  private static java.nio.file.Path fixture() {
    return Fixtures.path(FIXTURE);
  }

  private static ObjectNode event() throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(fixture()));
  }

  private static JsonNode withAuthorization(String value) {
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.putArray("identitySource").add(value);
    event.putObject("headers").put("authorization", value);
    return event;
  }

  private static String basic(String credentials) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }
}
