package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.privacy.PrivacyKeys;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.TestTenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IngestApiHandlerTest {
  private final RecordingSink sink = RecordingSink.working();
  private final IngestApiHandler handler = new IngestApiHandler(Fixtures.config(), sink);

  private static APIGatewayV2HTTPEvent event(String name) {
    return Fixtures.event("api-gateway/" + name, APIGatewayV2HTTPEvent.class);
  }

  private static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
    return Json.MAPPER.readTree(response.getBody());
  }

  @Test
  void logsJsonWithTheRequestIdAndTenantAndCountsTheRequestAsMetrics() {
    List<JsonNode> logs;
    JsonNode metrics;
    APIGatewayV2HTTPResponse response;
    try (LogCapture log = new LogCapture()) {
      // Kinesis refusing the events makes the service log an error. The fixture sends its write
      // key in the Authorization header: the tenant is known before the service runs.
      response =
          new IngestApiHandler(Fixtures.config(), RecordingSink.unavailable())
              .handleRequest(event("track.json"), LogCapture.context("lambda-req-1"));
      logs = log.logs();
      metrics = log.metricsOf("ingest").orElseThrow();
    }
    String apiRequestId = event("track.json").getRequestContext().getRequestId();

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(logs).isNotEmpty();
    for (JsonNode line : logs) {
      assertThat(line.path("level").asText()).isEqualTo("ERROR");
      assertThat(line.path("message").asText()).contains("could not store");
      assertThat(line.path("tenant").asText()).isEqualTo("acme");
      assertThat(line.path("correlation_id").asText()).isEqualTo(apiRequestId);
      assertThat(line.path("function_request_id").asText()).isEqualTo("lambda-req-1");
    }
    assertThat(metrics.path("RequestsRejected").asLong()).isEqualTo(1);
    assertThat(metrics.path("EventsAccepted").asLong()).isZero();
    assertThat(metrics.path("correlation_id").asText()).isEqualTo(apiRequestId);
  }

  @Test
  void countsTheAcceptedInvalidAndSuppressedEventsOfARequestWithItsTenant() {
    JsonNode metrics;
    try (LogCapture log = new LogCapture()) {
      handler.handleRequest(event("batch.json"), null);
      metrics = log.metricsOf("ingest").orElseThrow();
    }
    assertThat(LogCapture.metricNames(metrics))
        .containsExactly("EventsAccepted", "EventsInvalid", "EventsSuppressed", "RequestsRejected");
    assertThat(LogCapture.namespace(metrics)).isEqualTo("MeridianCDP");
    assertThat(metrics.path("Tenant").asText()).isEqualTo("acme");
    assertThat(metrics.path("EventsAccepted").asLong() + metrics.path("EventsInvalid").asLong())
        .isEqualTo(sink.envelopes.size());
    assertThat(metrics.path("RequestsRejected").asLong()).isZero();
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "track.json, 200, 1",
    "batch.json, 200, 4",
    "batch-base64-gzip.json, 200, 4",
    "bad-json.json, 400, 0",
    "no-write-key.json, 401, 0"
  })
  void answersEachFixtureWithItsStatusAndStoresItsCalls(String fixture, int status, int stored)
      throws Exception {
    APIGatewayV2HTTPResponse response = handler.handleRequest(event(fixture), null);

    assertThat(response.getStatusCode()).isEqualTo(status);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
    assertThat(response.getIsBase64Encoded()).isFalse();
    assertThat(body(response).get("success").asBoolean()).isEqualTo(status == 200);
    assertThat(sink.envelopes).hasSize(stored);
  }

  @Test
  void refusesWith403ACallAuthenticatedAsAnotherTenantThanTheKeyInItsBody() throws Exception {
    String globexKey = "wk_test_globex_app_key_000000000";
    IngestApiHandler twoTenants =
        new IngestApiHandler(
            Fixtures.config()
                .withTenant(
                    TenantConfig.named("globex", null)
                        .withSource(new SourceConfig("app", List.of(WriteKeys.hash(globexKey))))),
            sink);
    // batch.json carries acme's write key in its body; the header authenticates globex
    String json = Fixtures.text("api-gateway/batch.json");
    Map<String, Object> tree = Json.MAPPER.readValue(json, new TypeReference<>() {});
    @SuppressWarnings("unchecked")
    Map<String, Object> headers = (Map<String, Object>) tree.get("headers");
    headers.put("authorization", TestTenants.basicAuth(globexKey));
    APIGatewayV2HTTPEvent crossTenant =
        Fixtures.eventFromJson(Json.MAPPER.writeValueAsString(tree), APIGatewayV2HTTPEvent.class);

    APIGatewayV2HTTPResponse response = twoTenants.handleRequest(crossTenant, null);

    assertThat(response.getStatusCode()).isEqualTo(403);
    assertThat(body(response).path("code").asText()).isEqualTo("forbidden");
    assertThat(sink.envelopes).isEmpty();
  }

  @Test
  void answersButNeverStoresTheCallsOfAnErasedPerson() throws Exception {
    InMemoryObjectStore lake = new InMemoryObjectStore();
    Suppression suppression =
        new Suppression(
            lake,
            new PrivacyKeys(ref -> "test-privacy-key-0123456789", t -> PrivacyKeys.awsRef("t/", t)),
            Duration.ZERO,
            Clock.systemUTC());
    // what an erasure of the batch's person lists: their identifiers, as keyed hashes
    suppression.add(
        "acme",
        "erasure-1",
        List.of(
            suppression.hash("acme", "user_id", "u-1001"),
            suppression.hash("acme", "anonymous_id", "anon-77"),
            suppression.hash("acme", "email", "ada.lovelace@example.com")));
    IngestApiHandler withSuppression = new IngestApiHandler(Fixtures.config(), sink, suppression);

    APIGatewayV2HTTPResponse response = withSuppression.handleRequest(event("batch.json"), null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    // all four calls are the person's: the three valid ones and the invalid one (no event name),
    // which would otherwise be quarantined with its payload (ADR 0021 amendment)
    assertThat(body(response).path("suppressed").asInt()).isEqualTo(4);
    assertThat(sink.envelopes).isEmpty();
    assertThat(response.getBody()).doesNotContain("ada.lovelace", "u-1001");
  }

  @Test
  void theStreamEntryPointReadsTheInvocationAsTheRuntimeWouldAndWritesTheHttpApiResponse()
      throws Exception {
    for (String fixture :
        List.of("track.json", "batch-base64-gzip.json", "no-write-key.json", "bad-json.json")) {
      RecordingSink viaEvent = RecordingSink.working();
      RecordingSink viaStream = RecordingSink.working();
      APIGatewayV2HTTPResponse expected =
          new IngestApiHandler(Fixtures.config(), viaEvent).handleRequest(event(fixture), null);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      try (var in = java.nio.file.Files.newInputStream(Fixtures.path("api-gateway/" + fixture))) {
        new IngestApiHandler(Fixtures.config(), viaStream).handleRequest(in, out, null);
      }

      JsonNode written = Json.MAPPER.readTree(out.toByteArray());
      assertThat(written.path("statusCode").asInt())
          .as(fixture)
          .isEqualTo(expected.getStatusCode());
      assertThat(Json.MAPPER.convertValue(written.path("headers"), Map.class))
          .as(fixture)
          .isEqualTo(expected.getHeaders());
      assertThat(written.path("isBase64Encoded").asBoolean(true)).isFalse();
      // the same answer (the request id and receipt time come from the same event)
      assertThat(written.path("body").asText()).as(fixture).isEqualTo(expected.getBody());
      assertThat(viaStream.envelopes).as(fixture).isEqualTo(viaEvent.envelopes);
    }
  }

  @Test
  void storesATrackCallWithTheReceiptMetadataOfTheApiGatewayRequest() throws Exception {
    APIGatewayV2HTTPResponse response = handler.handleRequest(event("track.json"), null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(body(response).get("requestId").asText()).isEqualTo("Uq3kPj7SIAMEbxQ=");
    Envelope e = sink.envelopes.get(0);
    assertThat(e.tenant()).isEqualTo("acme");
    assertThat(e.source()).isEqualTo("web");
    assertThat(e.messageId()).isEqualTo("node-next-1795514398000-7f3c");
    assertThat(e.type()).isEqualTo("track");
    assertThat(e.receivedAt()).isEqualTo(Instant.parse("2026-11-24T10:00:00.123Z"));
    assertThat(e.requestId()).isEqualTo("Uq3kPj7SIAMEbxQ=");
    assertThat(e.payload()).isEqualTo(event("track.json").getBody());
  }

  @Test
  void keepsAnInvalidCallOfABatchAndListsItAsQuarantined() throws Exception {
    APIGatewayV2HTTPResponse response = handler.handleRequest(event("batch.json"), null);

    JsonNode body = body(response);
    assertThat(body.get("received").asInt()).isEqualTo(4);
    assertThat(body.get("valid").asInt()).isEqualTo(3);
    assertThat(body.get("problems").get(0).get("code").asText()).isEqualTo("missing_field");
    assertThat(body.get("problems").get(0).get("outcome").asText()).isEqualTo("quarantined");
    assertThat(sink.envelopes)
        .extracting(Envelope::messageId)
        .containsExactly(
            "ajs-next-1795514400900-a1",
            "ajs-next-1795514401000-a2",
            "ajs-next-1795514401100-a3",
            "ajs-next-1795514401200-a4");
    assertThat(sink.envelopes.get(0).batch()).contains("analytics.js");
  }

  @Test
  void decodesTheBase64GzipBodyOfACompressedBatch() {
    handler.handleRequest(event("batch.json"), null);
    handler.handleRequest(event("batch-base64-gzip.json"), null);

    assertThat(sink.envelopes).hasSize(8);
    assertThat(sink.envelopes.subList(4, 8))
        .extracting(Envelope::payload)
        .containsExactlyElementsOf(
            sink.envelopes.subList(0, 4).stream().map(Envelope::payload).toList());
    assertThat(sink.envelopes.get(4).requestId()).isEqualTo("Uq3kWg9XIAMEbzA=");
  }

  @Test
  void refusesMalformedJsonWith400NamingTheProblem() throws Exception {
    APIGatewayV2HTTPResponse response = handler.handleRequest(event("bad-json.json"), null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).get("code").asText()).isEqualTo("malformed_json");
  }

  @Test
  void refusesACallWithoutWriteKeyWith401AndAChallenge() throws Exception {
    APIGatewayV2HTTPResponse response = handler.handleRequest(event("no-write-key.json"), null);

    assertThat(response.getStatusCode()).isEqualTo(401);
    assertThat(response.getHeaders()).containsEntry("WWW-Authenticate", "Basic realm=\"cdp\"");
    assertThat(body(response).get("message").asText()).startsWith("missing write key");
  }

  @Test
  void answers503WithRetryAfterWhenKinesisCannotStoreTheCalls() throws Exception {
    IngestApiHandler failing = new IngestApiHandler(Fixtures.config(), RecordingSink.unavailable());

    APIGatewayV2HTTPResponse response = failing.handleRequest(event("track.json"), null);

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(response.getHeaders()).containsEntry("Retry-After", "1");
    assertThat(body(response).get("code").asText()).isEqualTo("unavailable");
  }

  @Test
  void readsHeadersWhateverTheCaseOfTheirNames() {
    APIGatewayV2HTTPEvent event = event("track.json");
    Map<String, String> headers = new LinkedHashMap<>();
    event.getHeaders().forEach((name, value) -> headers.put(name.toUpperCase(), value));
    event.setHeaders(headers);

    APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(sink.envelopes).hasSize(1);
  }

  @Test
  void refusesAnotherMethodWith405() {
    APIGatewayV2HTTPEvent event = event("track.json");
    event.getRequestContext().getHttp().setMethod("GET");

    APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

    assertThat(response.getStatusCode()).isEqualTo(405);
    assertThat(response.getHeaders()).containsEntry("Allow", "POST");
    assertThat(sink.envelopes).isEmpty();
  }
}
