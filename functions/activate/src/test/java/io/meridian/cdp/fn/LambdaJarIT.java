package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.activation.WebhookTarget;
import io.meridian.cdp.aws.MotoServer;
import io.meridian.cdp.event.Json;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deployable (shrunk) jar of activate, built by its production constructor from the environment
 * in a JVM of its own ({@link DeployedJar}): its destinations from {@code WEBHOOK_DESTINATIONS},
 * the signing secret from moto's Secrets Manager through the jar's own SDK, the signed POST to a
 * receiver on loopback.
 */
class LambdaJarIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  @Test
  void theDeployableJarSignsAndPostsTheMappedPayload() throws Exception {
    String secret = "whsec-jar-5d1e9b7c3a";
    String arn =
        MOTO.secretsManager()
            .createSecret(b -> b.name("cdp-jar/crm-vip").secretString(secret))
            .arn();
    try (Receiver receiver = new Receiver()) {
      WebhookTarget crm =
          new WebhookTarget(
              "crm-vip",
              "acme",
              receiver.url(),
              "secretsmanager:" + arn,
              Json.MAPPER.readTree("{\"email\": \"$.detail.traits.email\"}"),
              5000);
      Map<String, String> env = new HashMap<>();
      env.put("AWS_REGION", "us-east-1");
      env.put("AWS_ACCESS_KEY_ID", "testing");
      env.put("AWS_SECRET_ACCESS_KEY", "testing");
      env.put("AWS_ENDPOINT_URL", MOTO.endpoint().toString());
      env.put("AWS_EC2_METADATA_DISABLED", "true");
      env.put("WEBHOOK_DESTINATIONS", WebhookTarget.toJson(List.of(crm)));

      JsonNode out =
          Json.MAPPER.readTree(
              DeployedJar.invoke(
                      Path.of(System.getProperty("lambda.jar")),
                      "io.meridian.cdp.fn.ActivateHandler",
                      "json",
                      Fixtures.path("eventbridge/activate-webhook.json"),
                      env,
                      List.of())
                  .response());

      assertThat(out.path("status").asInt()).isEqualTo(204);
      assertThat(receiver.requests).hasSize(1);
      Receiver.Request r = receiver.requests.get(0);
      assertThat(Json.MAPPER.readTree(r.body()))
          .isEqualTo(Json.MAPPER.readTree("{\"email\":\"jane.doe@example.com\"}"));
      assertThat(r.signedWith(secret)).isTrue();
    }
  }

  @Test
  void theDeployableJarHoldsSecretsManagerButNoDuckDbNoHadoopAndOnlyLinuxNatives()
      throws Exception {
    List<String> entries;
    try (JarFile jar = new JarFile(System.getProperty("lambda.jar"))) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
    assertThat(entries)
        .contains(
            "io/meridian/cdp/fn/ActivateHandler.class",
            "software/amazon/awssdk/services/secretsmanager/SecretsManagerClient.class");
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/duckdb/") || e.startsWith("org/apache/hadoop/"))
        .noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    assertThat(entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib)")))
        .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"));
  }
}
