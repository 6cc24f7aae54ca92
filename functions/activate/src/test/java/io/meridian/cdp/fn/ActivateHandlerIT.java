package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.activation.WebhookRequests;
import io.meridian.cdp.activation.WebhookTarget;
import io.meridian.cdp.aws.MotoServer;
import io.meridian.cdp.aws.SecretsManagerSecretStore;
import io.meridian.cdp.event.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The activate handler against a real HTTP receiver on loopback and its signing secret in moto's
 * Secrets Manager: the body is the mapped payload, signed as local webhooks are; every failure is
 * thrown (so that Lambda retries and dead-letters).
 */
class ActivateHandlerIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private static final String SECRET = "whsec-3f9a1c7e5b2d4f6a8c0e";
  private static final Map<String, Object> INPUT =
      Fixtures.json("eventbridge/activate-webhook.json");

  private Receiver receiver;
  private String secretArn;

  @BeforeEach
  void receiverAndSecret() throws Exception {
    receiver = new Receiver();
    String name = "cdp-test/crm-vip-" + System.nanoTime();
    secretArn = MOTO.secretsManager().createSecret(b -> b.name(name).secretString(SECRET)).arn();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private ActivateHandler handler(Integer timeoutMillis, String secretArn) {
    WebhookTarget crm =
        new WebhookTarget(
            "crm-vip",
            "acme",
            receiver.url(),
            "secretsmanager:" + secretArn,
            Json.MAPPER.valueToTree(
                Map.of(
                    "email", "$.detail.traits.email",
                    "action", "$.detail.change",
                    "segment", "$.detail.segment.id",
                    "list_id", 42)),
            timeoutMillis);
    return new ActivateHandler(
        List.of(crm), new SecretsManagerSecretStore(MOTO.secretsManager()), Clock.systemUTC());
  }

  @Test
  void postsTheMappedPayloadSignedWithTheSecretFromSecretsManager() throws Exception {
    Map<String, Object> out = handler(null, secretArn).handleRequest(INPUT, null);

    assertThat(receiver.requests).hasSize(1);
    Receiver.Request r = receiver.requests.get(0);
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body)
        .isEqualTo(
            Json.MAPPER.readTree(
                "{\"email\":\"jane.doe@example.com\",\"action\":\"entered\",\"segment\":\"vip\","
                    + "\"list_id\":42}"));
    assertThat(r.signedWith(SECRET)).isTrue();
    assertThat(r.signedWith("another-secret")).isFalse();
    String eventId = "3f1c2a9e-5b7d-8e41-9c03-7a2b6d5e4f10";
    assertThat(r.header(WebhookRequests.EVENT_ID)).isEqualTo(eventId);
    assertThat(r.header(WebhookRequests.DELIVERY_ID))
        .isEqualTo(WebhookRequests.deliveryId(eventId, "acme", "crm-vip"));
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(out)
        .containsEntry("destination", "crm-vip")
        .containsEntry("eventId", eventId)
        .containsEntry("status", 204);
  }

  @Test
  void aServerErrorOrARefusalIsThrownSoThatLambdaRetriesAndDeadLetters() {
    receiver.status = 503;
    assertThatThrownBy(() -> handler(null, secretArn).handleRequest(INPUT, null))
        .isInstanceOf(ActivateHandler.WebhookFailedException.class)
        .hasMessage("destination 'crm-vip' (tenant acme): HTTP 503");
    receiver.status = 404;
    assertThatThrownBy(() -> handler(null, secretArn).handleRequest(INPUT, null))
        .isInstanceOf(ActivateHandler.WebhookFailedException.class)
        .hasMessageStartingWith("destination 'crm-vip' (tenant acme): HTTP 404 (not retryable");
  }

  @Test
  void aReceiverThatDoesNotAnswerInTimeIsAFailure() {
    receiver.hang = true;
    long started = System.nanoTime();
    assertThatThrownBy(() -> handler(300, secretArn).handleRequest(INPUT, null))
        .isInstanceOf(ActivateHandler.WebhookFailedException.class)
        .hasMessageContaining("within 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aMissingSecretIsAFailureThatNamesTheReferenceNeverAValue() {
    String missing = secretArn.replace("crm-vip", "nothing-here");
    assertThatThrownBy(() -> handler(null, missing).handleRequest(INPUT, null))
        .isInstanceOf(ActivateHandler.WebhookFailedException.class)
        .hasMessageContaining("signing secret unavailable: secret secretsmanager:" + missing)
        .hasMessageNotContaining(SECRET);
    assertThat(receiver.requests).isEmpty();
  }

  @Test
  void refusesAnUnknownDestinationAndAnotherTenantsEvent() {
    Map<String, Object> unknown = new HashMap<>(INPUT);
    unknown.put("destination", "ads");
    assertThatThrownBy(() -> handler(null, secretArn).handleRequest(unknown, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no webhook destination 'ads' in WEBHOOK_DESTINATIONS (it has [crm-vip])");

    JsonNode event = Json.MAPPER.valueToTree(INPUT.get("event"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("detail")).put("tenant", "globex");
    Map<String, Object> other = new HashMap<>(INPUT);
    other.put("event", Json.MAPPER.convertValue(event, Map.class));
    assertThatThrownBy(() -> handler(null, secretArn).handleRequest(other, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("destination 'crm-vip' receives events of tenant acme only, not of 'globex'");
    assertThat(receiver.requests).isEmpty();
  }
}
