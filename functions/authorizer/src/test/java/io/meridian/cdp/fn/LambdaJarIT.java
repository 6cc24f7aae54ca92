package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deployable jar of the authorizer, run on its own (see {@link LambdaJar}). */
class LambdaJarIT {
  @Test
  void theDeployableJarAloneAuthorizesTheFixtureRequest() throws Exception {
    try (LambdaJar jar = LambdaJar.open()) {
      Object handler =
          jar.construct(
              "io.meridian.cdp.fn.AuthorizerHandler",
              List.of(jar.type("io.meridian.cdp.tenant.CdpConfig")),
              jar.config());
      // a stream handler: given the invocation's bytes, as the Lambda runtime does
      String answer = jar.handleStream(handler, "api-gateway/authorizer-request.json");

      Map<?, ?> result = io.meridian.cdp.event.Json.MAPPER.readValue(answer, Map.class);
      assertThat(result.get("isAuthorized")).isEqualTo(true);
      assertThat(result.get("context")).isEqualTo(Map.of("tenant", "acme", "source", "web"));
    }
  }
}
