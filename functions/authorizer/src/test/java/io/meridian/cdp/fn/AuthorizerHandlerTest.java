package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizerHandlerTest {
  private final AuthorizerHandler handler = new AuthorizerHandler(Fixtures.config());

  @Test
  void authorizesAKnownWriteKeyWithItsTenantAndSourceAsContext() {
    Map<String, Object> answer =
        handler.handleRequest(Fixtures.json("api-gateway/authorizer-request.json"), null);

    assertThat(answer)
        .containsEntry("isAuthorized", true)
        .containsEntry("context", Map.of("tenant", "acme", "source", "web"));
  }

  @Test
  void theStreamEntryPointAnswersTheInvocationAsJson() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (var in =
        java.nio.file.Files.newInputStream(Fixtures.path("api-gateway/authorizer-request.json"))) {
      handler.handleRequest(in, out, null);
    }
    assertThat(io.meridian.cdp.event.Json.MAPPER.readValue(out.toByteArray(), Map.class))
        .isEqualTo(
            handler.handleRequest(Fixtures.json("api-gateway/authorizer-request.json"), null))
        .containsEntry("isAuthorized", true);
  }

  @Test
  void readsTheAuthorizationHeaderWhenTheIdentitySourceIsAbsent() {
    Map<String, Object> event = new HashMap<>(Fixtures.json("api-gateway/authorizer-request.json"));
    event.remove("identitySource");

    assertThat(handler.handleRequest(event, null)).containsEntry("isAuthorized", true);
  }

  @Test
  void deniesAnUnknownWriteKey() {
    assertThat(handler.handleRequest(withAuthorization(basic("wk_unknown:")), null))
        .isEqualTo(Map.of("isAuthorized", false));
  }

  @Test
  void deniesCredentialsThatAreNotBasicOrNotBase64() {
    assertThat(handler.handleRequest(withAuthorization("Bearer abc"), null))
        .containsEntry("isAuthorized", false);
    assertThat(handler.handleRequest(withAuthorization("Basic %%%"), null))
        .containsEntry("isAuthorized", false);
    assertThat(handler.handleRequest(Map.of("headers", Map.of()), null))
        .containsEntry("isAuthorized", false);
    assertThat(handler.handleRequest(null, null)).containsEntry("isAuthorized", false);
  }

  @Test
  void takesTheUserNameOfBasicCredentialsWithOrWithoutAPassword() {
    assertThat(
            handler.handleRequest(
                withAuthorization(basic("wk_test_acme_web_7Qz3mN8pL2xR5vK9")), null))
        .containsEntry("isAuthorized", true);
    assertThat(
            handler.handleRequest(
                withAuthorization(basic("wk_test_acme_web_7Qz3mN8pL2xR5vK9:ignored")), null))
        .containsEntry("isAuthorized", true);
  }

  private static Map<String, Object> withAuthorization(String value) {
    return Map.of("identitySource", List.of(value), "headers", Map.of("authorization", value));
  }

  private static String basic(String credentials) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }
}
