package io.meridian.cdp.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.Limits;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IngestServiceTest {
  private static final SegmentCallValidator VALIDATOR = new SegmentCallValidator();
  private static final Instant RECEIVED_AT = Instant.parse("2026-11-24T10:00:00.123456789Z");

  /** Tenant "acme" with source "web": the default rate limit. */
  private static final String ACME_KEY = WriteKeys.generate();

  /** Tenant "globex" with source "app": a rate limit of 5 events per second. */
  private static final String GLOBEX_KEY = WriteKeys.generate();

  private static final Tenants TENANTS =
      new Tenants(
          new CdpConfig(
              1,
              List.of(
                  new TenantConfig(
                      "acme",
                      "Acme",
                      null,
                      null,
                      List.of(new SourceConfig("web", List.of(WriteKeys.hash(ACME_KEY)))),
                      null,
                      null,
                      null,
                      null),
                  new TenantConfig(
                      "globex",
                      "Globex",
                      5,
                      null,
                      List.of(new SourceConfig("app", List.of(WriteKeys.hash(GLOBEX_KEY)))),
                      null,
                      null,
                      null,
                      null))));

  private static final String TRACK =
      "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Order Completed\"}";

  /** In-memory implementation of the port: keeps every envelope appended. */
  private static final class RecordingSink implements EventSink {
    final List<Envelope> envelopes = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void append(List<Envelope> batch) {
      envelopes.addAll(batch);
    }
  }

  /** A sink whose storage is down. */
  private static final class FailingSink implements EventSink {
    int attempts;

    @Override
    public void append(List<Envelope> batch) throws IOException {
      attempts++;
      throw new IOException("spool disk full");
    }
  }

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicInteger requestIds = new AtomicInteger();
  private RecordingSink sink;
  private IngestService service;

  @BeforeEach
  void setUp() {
    sink = new RecordingSink();
    service = serviceWith(sink);
  }

  private IngestService serviceWith(EventSink eventSink) {
    return new IngestService(() -> TENANTS, eventSink, new RateLimiter(nanos::get), VALIDATOR);
  }

  // ---------------------------------------------------------------- helpers

  private static String basic(String key) {
    return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(UTF_8));
  }

  private IngestRequest request(
      String method,
      String path,
      String contentType,
      String encoding,
      String authorization,
      byte[] body) {
    return new IngestRequest(
        method,
        path,
        contentType,
        encoding,
        authorization,
        body,
        RECEIVED_AT,
        "req-" + requestIds.incrementAndGet());
  }

  private IngestRequest post(String path, String body) {
    return request("POST", path, "application/json", null, basic(ACME_KEY), body.getBytes(UTF_8));
  }

  private IngestResponse send(String path, String body) {
    return service.handle(post(path, body));
  }

  private static JsonNode json(IngestResponse response) throws IOException {
    return Json.MAPPER.readTree(response.body());
  }

  private static String batchOf(List<String> items) {
    return "{\"batch\":[" + String.join(",", items) + "]}";
  }

  private static String batchOf(String... items) {
    return batchOf(List.of(items));
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static String track(int i) {
    return "{\"type\":\"track\",\"userId\":\"u-" + i + "\",\"event\":\"Clicked\"}";
  }

  /** Asserts a whole-request refusal: status, code, nothing stored. Returns the JSON body. */
  private JsonNode assertRejected(IngestResponse response, int status, String code)
      throws IOException {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    JsonNode body = json(response);
    assertThat(body.path("success").asBoolean(true)).isFalse();
    assertThat(body.path("code").asText()).isEqualTo(code);
    assertThat(body.path("message").asText()).isNotBlank();
    assertThat(response.stored()).isZero();
    assertThat(sink.envelopes).isEmpty();
    return body;
  }

  /** Asserts that one call was accepted and stored; returns the stored envelope. */
  private Envelope assertStoredOne(IngestResponse response, IngestRequest request)
      throws IOException {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("success").asBoolean()).isTrue();
    assertThat(body.get("received").asInt()).isEqualTo(1);
    assertThat(body.get("valid").asInt()).isEqualTo(1);
    assertThat(body.has("problems")).isFalse();
    assertThat(body.get("requestId").asText()).isEqualTo(request.requestId());
    assertThat(response.stored()).isEqualTo(1);
    assertThat(sink.envelopes).hasSize(1);
    Envelope e = sink.envelopes.get(0);
    assertThat(e.receivedAt()).isEqualTo(request.receivedAt());
    assertThat(e.requestId()).isEqualTo(request.requestId());
    return e;
  }

  private static List<Integer> ints(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asInt)
        .collect(Collectors.toList());
  }

  // ---------------------------------------------------------------- happy paths

  static Stream<Arguments> singleCalls() {
    return Stream.of(
        arguments(
            "/v1/identify",
            "identify",
            "{\"type\":\"identify\",\"userId\":\"u-1\",\"traits\":{\"email\":\"ann@example.com\"}}"),
        arguments(
            "/v1/track",
            "track",
            "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Order Completed\","
                + "\"properties\":{\"revenue\":12.5}}"),
        arguments(
            "/v1/page", "page", "{\"type\":\"page\",\"anonymousId\":\"a-1\",\"name\":\"Pricing\"}"),
        arguments(
            "/v1/screen", "screen", "{\"type\":\"screen\",\"userId\":\"u-1\",\"name\":\"Home\"}"),
        arguments(
            "/v1/group", "group", "{\"type\":\"group\",\"userId\":\"u-1\",\"groupId\":\"g-1\"}"),
        arguments(
            "/v1/alias",
            "alias",
            "{\"type\":\"alias\",\"previousId\":\"a-1\",\"userId\":\"u-1\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("singleCalls")
  void storesSingleCallAuthenticatedByBasicAuth(String path, String type, String body)
      throws IOException {
    IngestRequest request = post(path, body);

    Envelope e = assertStoredOne(service.handle(request), request);

    assertThat(e.tenant()).isEqualTo("acme");
    assertThat(e.source()).isEqualTo("web");
    assertThat(e.type()).isEqualTo(type);
    assertThat(e.payload()).isEqualTo(body);
    assertThat(e.batch()).isNull();
  }

  @Test
  void acceptsWriteKeyInBodyInsteadOfHeader() throws IOException {
    String body =
        "{\"writeKey\":\"" + GLOBEX_KEY + "\",\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}";
    IngestRequest request =
        request("POST", "/v1/track", "application/json", null, null, body.getBytes(UTF_8));

    Envelope e = assertStoredOne(service.handle(request), request);

    assertThat(e.tenant()).isEqualTo("globex");
    assertThat(e.source()).isEqualTo("app");
    assertThat(e.payload()).isEqualTo(body);
  }

  @Test
  void refuses403ACallAuthenticatedAsOneTenantCarryingAnotherTenantsKey() throws IOException {
    String body =
        "{\"writeKey\":\"" + GLOBEX_KEY + "\",\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}";
    IngestRequest request =
        request(
            "POST", "/v1/track", "application/json", null, basic(ACME_KEY), body.getBytes(UTF_8));

    JsonNode refused = assertRejected(service.handle(request), 403, "forbidden");

    assertThat(refused.path("message").asText()).contains("not a key of the source");
    String batch = "{\"writeKey\":\"" + GLOBEX_KEY + "\",\"batch\":[" + TRACK + "]}";
    assertRejected(
        service.handle(
            request(
                "POST",
                "/v1/batch",
                "application/json",
                null,
                basic(ACME_KEY),
                batch.getBytes(UTF_8))),
        403,
        "forbidden");
    String unknown = "{\"writeKey\":\"wk_not_a_key_of_anyone_00000\",\"batch\":[" + TRACK + "]}";
    assertRejected(
        service.handle(
            request(
                "POST",
                "/v1/batch",
                "application/json",
                null,
                basic(ACME_KEY),
                unknown.getBytes(UTF_8))),
        403,
        "forbidden");
  }

  @Test
  void acceptsTheSameKeyInTheHeaderAndTheBodyAsSdksSendIt() throws IOException {
    String body =
        "{\"writeKey\":\"" + ACME_KEY + "\",\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}";
    IngestRequest request =
        request(
            "POST", "/v1/track", "application/json", null, basic(ACME_KEY), body.getBytes(UTF_8));

    assertThat(assertStoredOne(service.handle(request), request).tenant()).isEqualTo("acme");
  }

  @Test
  void acceptsAnalyticsJsShortTrackPathWithTextPlainAndKeyInBody() throws IOException {
    String body =
        "{\"writeKey\":\""
            + ACME_KEY
            + "\",\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"e\"}";
    IngestRequest request =
        request("POST", "/v1/t", "text/plain;charset=UTF-8", null, null, body.getBytes(UTF_8));

    Envelope e = assertStoredOne(service.handle(request), request);

    assertThat(e.tenant()).isEqualTo("acme");
    assertThat(e.type()).isEqualTo("track");
  }

  @Test
  void acceptsAnalyticsJsShortBatchPath() throws IOException {
    IngestResponse response = send("/v1/b", batchOf(track(1), track(2)));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("received").asInt()).isEqualTo(2);
    assertThat(response.stored()).isEqualTo(2);
    assertThat(sink.envelopes).extracting(Envelope::payload).containsExactly(track(1), track(2));
  }

  @Test
  void acceptsTextPlainContentType() throws IOException {
    IngestRequest request =
        request("POST", "/v1/track", "text/plain", null, basic(ACME_KEY), TRACK.getBytes(UTF_8));

    assertThat(assertStoredOne(service.handle(request), request).payload()).isEqualTo(TRACK);
  }

  @Test
  void acceptsRequestWithoutContentType() throws IOException {
    IngestRequest request =
        request("POST", "/v1/track", null, null, basic(ACME_KEY), TRACK.getBytes(UTF_8));

    assertThat(assertStoredOne(service.handle(request), request).payload()).isEqualTo(TRACK);
  }

  @Test
  void batchKeepsBatchContextAndEachItemsExactText() throws IOException {
    String first =
        "{ \"type\" : \"track\",\n      \"userId\":\"u-1\",  \"event\": \"Sign\\u0020Up\",\n"
            + "      \"properties\": {\"note\": \"caf\u00e9 \\\"quoted\\\"\",  \"n\" : 1.50 } }";
    String second = "{\"type\":\"identify\",\"userId\":\"u-2\",\"traits\":{\"plan\":\"pro\"}}";
    String context = "{\"library\": {\"name\": \"analytics-node\", \"version\": \"6.0.0\"}}";
    String body =
        "{\n  \"writeKey\": \""
            + ACME_KEY
            + "\",\n  \"batch\": [\n    "
            + first
            + " ,\n    "
            + second
            + "\n  ],\n  \"context\": "
            + context
            + ",\n  \"sentAt\": \"2026-11-24T10:00:01Z\"\n}";
    IngestRequest request =
        request("POST", "/v1/batch", "application/json", null, null, body.getBytes(UTF_8));

    IngestResponse response = service.handle(request);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode answer = json(response);
    assertThat(answer.get("received").asInt()).isEqualTo(2);
    assertThat(answer.get("valid").asInt()).isEqualTo(2);
    assertThat(response.stored()).isEqualTo(2);
    assertThat(sink.envelopes).extracting(Envelope::payload).containsExactly(first, second);
    assertThat(sink.envelopes).extracting(Envelope::type).containsExactly("track", "identify");
    for (Envelope e : sink.envelopes) {
      JsonNode batch = Json.MAPPER.readTree(e.batch());
      assertThat(batch.get("context")).isEqualTo(Json.MAPPER.readTree(context));
      assertThat(batch.get("sentAt").asText()).isEqualTo("2026-11-24T10:00:01Z");
      assertThat(batch.has("writeKey")).as("the write key is never stored").isFalse();
      assertThat(e.batch()).doesNotContain(ACME_KEY);
      assertThat(e.receivedAt()).isEqualTo(RECEIVED_AT);
      assertThat(e.requestId()).isEqualTo(request.requestId());
    }
  }

  @Test
  void batchLevelFieldsAreMergedIntoEachCallBeforeValidationAndItemValuesWin() throws IOException {
    String withOwnSentAt =
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"sentAt\":\"2026-11-24T10:00:00Z\"}";
    String body =
        "{\"batch\":["
            + track(1)
            + ","
            + withOwnSentAt
            + "],\"sentAt\":\"not a date\",\"context\":{\"ip\":\"203.0.113.9\"}}";

    IngestResponse response = send("/v1/batch", body);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode problems = json(response).get("problems");
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).get("index").asInt()).isZero();
    assertThat(problems.get(0).get("code").asText()).isEqualTo("invalid_timestamp");
    assertThat(problems.get(0).get("field").asText()).isEqualTo("sentAt");
    assertThat(sink.envelopes).hasSize(2);
  }

  @Test
  void importEndpointStoresBatch() throws IOException {
    IngestResponse response = send("/v1/import", batchOf(track(1), track(2), track(3)));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.stored()).isEqualTo(3);
    assertThat(sink.envelopes)
        .extracting(Envelope::payload)
        .containsExactly(track(1), track(2), track(3));
  }

  @Test
  void acceptsGzipContentEncodingAndStoresTheInflatedText() throws IOException {
    IngestRequest request =
        request(
            "POST",
            "/v1/track",
            "application/json",
            "gzip",
            basic(ACME_KEY),
            gzip(TRACK.getBytes(UTF_8)));

    assertThat(assertStoredOne(service.handle(request), request).payload()).isEqualTo(TRACK);
  }

  @Test
  void acceptsGzipBatch() throws IOException {
    String body = batchOf(track(1), track(2));
    IngestRequest request =
        request(
            "POST",
            "/v1/batch",
            "application/json",
            "gzip",
            basic(ACME_KEY),
            gzip(body.getBytes(UTF_8)));

    IngestResponse response = service.handle(request);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(sink.envelopes).extracting(Envelope::payload).containsExactly(track(1), track(2));
  }

  static Stream<Arguments> typelessCalls() {
    return Stream.of(
        arguments("/v1/identify", "identify", "{\"userId\":\"u-1\",\"traits\":{}}"),
        arguments("/v1/i", "identify", "{\"userId\":\"u-1\"}"),
        arguments("/v1/track", "track", "{\"userId\":\"u-1\",\"event\":\"Viewed\"}"),
        arguments("/v1/t", "track", "{\"userId\":\"u-1\",\"event\":\"Viewed\"}"),
        arguments("/v1/p", "page", "{\"anonymousId\":\"a-1\"}"),
        arguments("/v1/s", "screen", "{\"anonymousId\":\"a-1\"}"),
        arguments("/v1/g", "group", "{\"userId\":\"u-1\",\"groupId\":\"g\"}"),
        arguments("/v1/a", "alias", "{\"userId\":\"u-1\",\"previousId\":\"a-1\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("typelessCalls")
  void typeIsImpliedByEndpointWhenBodyHasNone(String path, String type, String body)
      throws IOException {
    IngestRequest request = post(path, body);

    Envelope e = assertStoredOne(service.handle(request), request);

    assertThat(e.type()).isEqualTo(type);
    assertThat(e.payload()).as("the payload stays as sent").isEqualTo(body);
  }

  @Test
  void messageIdFromCallerIsKept() throws IOException {
    String body = "{\"type\":\"track\",\"messageId\":\"ajs-42\",\"userId\":\"u\",\"event\":\"e\"}";
    IngestRequest request = post("/v1/track", body);

    assertThat(assertStoredOne(service.handle(request), request).messageId()).isEqualTo("ajs-42");
  }

  @Test
  void callWithoutMessageIdGetsDeterministicCdpId() {
    String other = "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Other\"}";

    assertThat(send("/v1/track", TRACK).status()).isEqualTo(200);
    assertThat(send("/v1/track", TRACK).status()).isEqualTo(200);
    assertThat(send("/v1/track", other).status()).isEqualTo(200);
    IngestRequest otherTenant =
        request("POST", "/v1/track", null, null, basic(GLOBEX_KEY), TRACK.getBytes(UTF_8));
    assertThat(service.handle(otherTenant).status()).isEqualTo(200);

    assertThat(sink.envelopes).hasSize(4);
    String first = sink.envelopes.get(0).messageId();
    assertThat(first).startsWith("cdp-").hasSizeGreaterThan("cdp-".length());
    assertThat(sink.envelopes.get(1).messageId()).as("same payload, same id").isEqualTo(first);
    assertThat(sink.envelopes.get(2).messageId())
        .as("different payload")
        .startsWith("cdp-")
        .isNotEqualTo(first);
    assertThat(sink.envelopes.get(3).messageId())
        .as("same payload from another tenant")
        .startsWith("cdp-")
        .isNotEqualTo(first);
  }

  // ---------------------------------------------------------------- transport-level refusals

  @Test
  void rejectsMalformedJsonWithLineAndColumn() throws IOException {
    String body = "{\n  \"type\": \"track\",\n  \"event\" \"Clicked\",\n  \"userId\": \"u\"\n}";

    JsonNode answer = assertRejected(send("/v1/track", body), 400, "malformed_json");

    assertThat(answer.get("message").asText()).containsPattern("line 3, column \\d+");
  }

  @Test
  void rejectsTrailingContentAfterTheJsonObject() throws IOException {
    assertRejected(send("/v1/track", TRACK + " {}"), 400, "malformed_json");
  }

  @Test
  void rejectsBodyThatIsNotAnObject() throws IOException {
    assertRejected(send("/v1/track", "[" + TRACK + "]"), 400, "not_an_object");
    assertRejected(send("/v1/batch", "[" + TRACK + "]"), 400, "not_an_object");
  }

  @Test
  void rejectsBatchWithoutBatchArray() throws IOException {
    JsonNode answer =
        assertRejected(send("/v1/batch", "{\"batch\":" + TRACK + "}"), 400, "missing_field");

    assertThat(answer.get("field").asText()).isEqualTo("batch");
  }

  @Test
  void rejectsBatchWithSecondBatchKeyInsteadOfDroppingItems() throws IOException {
    String body = "{\"batch\":[" + track(1) + "," + track(2) + "],\"batch\":[" + track(3) + "]}";

    JsonNode answer = assertRejected(send("/v1/batch", body), 400, "malformed_json");

    assertThat(answer.get("message").asText()).contains("batch");
  }

  @Test
  void rejectsWrongContentTypeWith415() throws IOException {
    IngestRequest request =
        request(
            "POST", "/v1/track", "application/xml", null, basic(ACME_KEY), TRACK.getBytes(UTF_8));

    JsonNode answer = assertRejected(service.handle(request), 415, "unsupported_media_type");

    assertThat(answer.get("message").asText()).contains("application/xml");
    assertThat(sink.envelopes).isEmpty();
  }

  @Test
  void rejectsRealFormDataWith415() throws IOException {
    IngestRequest request =
        request(
            "POST",
            "/v1/track",
            "application/x-www-form-urlencoded",
            null,
            basic(ACME_KEY),
            "userId=u-1&event=Signed+Up".getBytes(UTF_8));

    JsonNode answer = assertRejected(service.handle(request), 415, "unsupported_media_type");

    assertThat(answer.get("message").asText()).contains("form data");
    assertThat(sink.envelopes).isEmpty();
  }

  @Test
  void acceptsJsonLabelledAsFormDataAsRudderStacksNodeSdkSendsIt() {
    IngestRequest request =
        request(
            "POST",
            "/v1/track",
            "application/x-www-form-urlencoded",
            null,
            basic(ACME_KEY),
            TRACK.getBytes(UTF_8));

    assertThat(service.handle(request).status()).isEqualTo(200);
    assertThat(sink.envelopes).hasSize(1);
  }

  @Test
  void rejectsUnsupportedContentEncodingWith415() throws IOException {
    IngestRequest request =
        request(
            "POST", "/v1/track", "application/json", "br", basic(ACME_KEY), TRACK.getBytes(UTF_8));

    assertRejected(service.handle(request), 415, "unsupported_encoding");
  }

  @Test
  void rejectsBodyThatIsNotGzipDespiteHeader() throws IOException {
    IngestRequest request =
        request(
            "POST",
            "/v1/track",
            "application/json",
            "gzip",
            basic(ACME_KEY),
            TRACK.getBytes(UTF_8));

    assertRejected(service.handle(request), 400, "malformed_gzip");
  }

  @Test
  void rejectsEmptyBody() throws IOException {
    IngestRequest empty =
        request("POST", "/v1/track", "application/json", null, basic(ACME_KEY), new byte[0]);
    IngestRequest absent =
        request("POST", "/v1/track", "application/json", null, basic(ACME_KEY), null);

    assertRejected(service.handle(empty), 400, "empty_body");
    assertRejected(service.handle(absent), 400, "empty_body");
  }

  @Test
  void rejectsMissingWriteKeyWith401() throws IOException {
    IngestRequest request =
        request("POST", "/v1/track", "application/json", null, null, TRACK.getBytes(UTF_8));

    IngestResponse response = service.handle(request);

    JsonNode answer = assertRejected(response, 401, "unauthorized");
    assertThat(answer.get("message").asText()).contains("missing write key");
    assertThat(response.headers()).containsKey("WWW-Authenticate");
  }

  @Test
  void rejectsUnknownWriteKeyInHeaderWith401() throws IOException {
    IngestRequest request =
        request(
            "POST",
            "/v1/track",
            "application/json",
            null,
            basic(WriteKeys.generate()),
            TRACK.getBytes(UTF_8));

    JsonNode answer = assertRejected(service.handle(request), 401, "unauthorized");

    assertThat(answer.get("message").asText()).contains("unknown write key");
  }

  @Test
  void rejectsUnknownWriteKeyInBodyWith401() throws IOException {
    String body =
        "{\"writeKey\":\""
            + WriteKeys.generate()
            + "\",\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}";
    IngestRequest request =
        request("POST", "/v1/track", "application/json", null, null, body.getBytes(UTF_8));

    JsonNode answer = assertRejected(service.handle(request), 401, "unauthorized");

    assertThat(answer.get("message").asText()).contains("unknown write key");
  }

  @Test
  void rejectsNonBasicAuthorizationScheme() throws IOException {
    IngestRequest request =
        request(
            "POST",
            "/v1/track",
            "application/json",
            null,
            "Bearer " + ACME_KEY,
            TRACK.getBytes(UTF_8));

    assertRejected(service.handle(request), 401, "unauthorized");
  }

  /** A track call padded with a property so that its UTF-8 size is exactly {@code bytes}. */
  private static String trackOfSize(int bytes) {
    String head = "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"pad\":\"";
    String tail = "\"}}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  @Test
  void acceptsEventOfExactly32Kb() {
    String body = trackOfSize(Limits.MAX_EVENT_BYTES);
    assertThat(body.getBytes(UTF_8)).hasSize(Limits.MAX_EVENT_BYTES);

    assertThat(send("/v1/track", body).status()).isEqualTo(200);
    assertThat(sink.envelopes).hasSize(1);
  }

  @Test
  void rejectsEventOver32Kb() throws IOException {
    String body = trackOfSize(Limits.MAX_EVENT_BYTES + 1);

    JsonNode answer = assertRejected(send("/v1/track", body), 413, "event_too_large");

    assertThat(answer.get("message").asText())
        .contains(Integer.toString(Limits.MAX_EVENT_BYTES + 1))
        .contains(Integer.toString(Limits.MAX_EVENT_BYTES));
  }

  @Test
  void batchItemOver32KbIsQuarantinedNotDropped() throws IOException {
    String big = trackOfSize(Limits.MAX_EVENT_BYTES + 1);

    IngestResponse response = send("/v1/batch", batchOf(track(1), big));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode problems = json(response).get("problems");
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).get("index").asInt()).isEqualTo(1);
    assertThat(problems.get(0).get("code").asText()).isEqualTo("event_too_large");
    assertThat(sink.envelopes).extracting(Envelope::payload).containsExactly(track(1), big);
  }

  @Test
  void rejectsBatchOver500Kb() throws IOException {
    List<String> items = new ArrayList<>();
    int size = 0;
    while (size <= Limits.MAX_BATCH_BYTES) {
      String item = trackOfSize(30 * 1024);
      items.add(item);
      size += item.length() + 1;
    }
    String body = batchOf(items);
    assertThat(body.getBytes(UTF_8).length).isGreaterThan(Limits.MAX_BATCH_BYTES);

    JsonNode answer = assertRejected(send("/v1/batch", body), 413, "batch_too_large");

    assertThat(answer.get("message").asText()).contains(Integer.toString(Limits.MAX_BATCH_BYTES));
  }

  @Test
  void acceptsBatchOfExactly2500Events() throws IOException {
    List<String> items =
        IntStream.range(0, Limits.MAX_BATCH_EVENTS).mapToObj(i -> track(i)).toList();

    IngestResponse response = send("/v1/batch", batchOf(items));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("received").asInt()).isEqualTo(Limits.MAX_BATCH_EVENTS);
    assertThat(sink.envelopes).hasSize(Limits.MAX_BATCH_EVENTS);
  }

  @Test
  void rejectsBatchOver2500Events() throws IOException {
    List<String> items =
        IntStream.range(0, Limits.MAX_BATCH_EVENTS + 1).mapToObj(i -> track(i)).toList();

    JsonNode answer =
        assertRejected(send("/v1/batch", batchOf(items)), 413, "batch_too_many_events");

    assertThat(answer.get("message").asText()).contains(Integer.toString(Limits.MAX_BATCH_EVENTS));
  }

  @Test
  void rejectsGzipBombWithoutInflatingItAll() throws IOException {
    // 16 MB of one letter inflates from a few KB; the gzip trailer is cut off, so only a reader
    // that inflates everything reaches the end of the stream and notices.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write("{\"batch\":[\"".getBytes(UTF_8));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) 'a');
      for (int i = 0; i < 256; i++) {
        gz.write(chunk);
      }
    }
    byte[] bomb = Arrays.copyOf(out.toByteArray(), out.size() - 8);
    assertThat(bomb.length).isLessThan(Limits.MAX_BATCH_BYTES / 10);
    assertThatThrownBy(() -> inflateAll(bomb))
        .as("premise: inflating all of it fails at the missing trailer")
        .isInstanceOf(EOFException.class);
    IngestRequest request =
        request("POST", "/v1/batch", "application/json", "gzip", basic(ACME_KEY), bomb);

    assertRejected(service.handle(request), 413, "batch_too_large");
  }

  private static void inflateAll(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      in.transferTo(OutputStreamSink.INSTANCE);
    }
  }

  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }

  @Test
  void rejectsGzippedSingleEventThatInflatesOver32Kb() throws IOException {
    byte[] body = gzip(trackOfSize(Limits.MAX_EVENT_BYTES + 1).getBytes(UTF_8));
    IngestRequest request =
        request("POST", "/v1/track", "application/json", "gzip", basic(ACME_KEY), body);

    assertRejected(service.handle(request), 413, "event_too_large");
  }

  @Test
  void rejectsInvalidUtf8() throws IOException {
    byte[] prefix = "{\"type\":\"track\",\"userId\":\"u".getBytes(UTF_8);
    byte[] suffix = "\",\"event\":\"e\"}".getBytes(UTF_8);
    byte[] body = new byte[prefix.length + 2 + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    body[prefix.length] = (byte) 0xC3; // lead byte followed by a byte that cannot continue it
    body[prefix.length + 1] = (byte) 0x28;
    System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
    IngestRequest request =
        request("POST", "/v1/track", "application/json", null, basic(ACME_KEY), body);

    assertRejected(service.handle(request), 400, "invalid_utf8");
  }

  @Test
  void rejectsGetWith405() throws IOException {
    IngestRequest request = request("GET", "/v1/track", null, null, basic(ACME_KEY), new byte[0]);

    IngestResponse response = service.handle(request);

    assertRejected(response, 405, "method_not_allowed");
    assertThat(response.headers()).containsEntry("Allow", "POST");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/purchase", "/v2/track", "/track", "/v1/", "/"})
  void rejectsUnknownPathWith404(String path) throws IOException {
    assertRejected(send(path, TRACK), 404, "unknown_endpoint");
  }

  // ---------------------------------------------------------------- single-call validation

  @Test
  void rejectsCallWithoutUserIdOrAnonymousId() throws IOException {
    JsonNode answer =
        assertRejected(
            send("/v1/track", "{\"type\":\"track\",\"event\":\"e\"}"), 400, "missing_identity");

    assertThat(answer.get("field").asText()).isEqualTo("userId");
    assertThat(answer.get("message").asText()).contains("userId").contains("anonymousId");
  }

  @Test
  void rejectsTraitsThatAreAString() throws IOException {
    JsonNode answer =
        assertRejected(
            send("/v1/identify", "{\"userId\":\"u\",\"traits\":\"vip\"}"),
            400,
            "invalid_field_type");

    assertThat(answer.get("field").asText()).isEqualTo("traits");
    assertThat(answer.get("message").asText()).contains("traits").contains("object");
  }

  @Test
  void rejectsTimestampThatIsANumber() throws IOException {
    JsonNode answer =
        assertRejected(
            send("/v1/track", "{\"userId\":\"u\",\"event\":\"e\",\"timestamp\":1732406400}"),
            400,
            "invalid_field_type");

    assertThat(answer.get("field").asText()).isEqualTo("timestamp");
    assertThat(answer.get("message").asText()).contains("timestamp").contains("string");
  }

  @Test
  void rejectsUnparseableTimestamp() throws IOException {
    JsonNode answer =
        assertRejected(
            send(
                "/v1/track",
                "{\"userId\":\"u\",\"event\":\"e\",\"timestamp\":\"yesterday at noon\"}"),
            400,
            "invalid_timestamp");

    assertThat(answer.get("field").asText()).isEqualTo("timestamp");
    assertThat(answer.get("message").asText()).contains("timestamp");
  }

  @Test
  void rejectsMessageIdOver100Characters() throws IOException {
    String id = "m".repeat(Limits.MAX_MESSAGE_ID_LENGTH + 1);

    JsonNode answer =
        assertRejected(
            send("/v1/track", "{\"messageId\":\"" + id + "\",\"userId\":\"u\",\"event\":\"e\"}"),
            400,
            "message_id_too_long");

    assertThat(answer.get("field").asText()).isEqualTo("messageId");
    assertThat(answer.get("message").asText()).contains("messageId");
  }

  @Test
  void acceptsMessageIdOfExactly100Characters() throws IOException {
    String id = "m".repeat(Limits.MAX_MESSAGE_ID_LENGTH);
    IngestRequest request =
        post("/v1/track", "{\"messageId\":\"" + id + "\",\"userId\":\"u\",\"event\":\"e\"}");

    assertThat(assertStoredOne(service.handle(request), request).messageId()).isEqualTo(id);
  }

  private static String nested(String open, String close, int levels, String inner) {
    return open.repeat(levels) + inner + close.repeat(levels);
  }

  @Test
  void rejectsNestingBeyondTheParserLimit() throws IOException {
    String body =
        "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"deep\":"
            + nested("[", "]", Json.PARSER_MAX_DEPTH * 4, "1")
            + "}}";

    JsonNode answer = assertRejected(send("/v1/track", body), 400, "too_deeply_nested");

    assertThat(answer.get("message").asText()).contains(Integer.toString(Json.PARSER_MAX_DEPTH));
  }

  @Test
  void rejectsNestingBeyondEventLimitInsideProperties() throws IOException {
    // Deeper than Limits.MAX_DEPTH inside one event, yet within what the parser tolerates.
    String body =
        "{\"userId\":\"u\",\"event\":\"e\",\"properties\":"
            + nested("{\"a\":", "}", Limits.MAX_DEPTH, "1")
            + "}";
    assertThat(Limits.MAX_DEPTH + 2).isLessThan(Json.PARSER_MAX_DEPTH);

    JsonNode answer = assertRejected(send("/v1/track", body), 400, "too_deeply_nested");

    assertThat(answer.get("field").asText()).startsWith("properties.a");
    assertThat(answer.get("message").asText())
        .contains(Integer.toString(Limits.MAX_DEPTH))
        .contains(answer.get("field").asText());
  }

  @Test
  void acceptsNestingUpToEventLimit() {
    String body =
        "{\"userId\":\"u\",\"event\":\"e\",\"properties\":"
            + nested("{\"a\":", "}", Limits.MAX_DEPTH - 2, "1")
            + "}";

    assertThat(send("/v1/track", body).status()).isEqualTo(200);
  }

  private static String properties(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "\"p" + i + "\":" + i)
        .collect(Collectors.joining(",", "{", "}"));
  }

  @Test
  void rejects10000PropertiesAsEventTooLarge() throws IOException {
    String body = "{\"userId\":\"u\",\"event\":\"e\",\"properties\":" + properties(10_000) + "}";
    assertThat(body.getBytes(UTF_8).length).isGreaterThan(Limits.MAX_EVENT_BYTES);

    assertRejected(send("/v1/track", body), 413, "event_too_large");
  }

  @Test
  void rejectsMorePropertiesThanAllowedWhenEventIsSmallEnough() throws IOException {
    String body =
        "{\"userId\":\"u\",\"event\":\"e\",\"properties\":"
            + properties(Limits.MAX_KEYS_PER_OBJECT + 1)
            + "}";
    assertThat(body.getBytes(UTF_8).length).isLessThanOrEqualTo(Limits.MAX_EVENT_BYTES);

    JsonNode answer = assertRejected(send("/v1/track", body), 400, "too_many_properties");

    assertThat(answer.get("field").asText()).isEqualTo("properties");
    assertThat(answer.get("message").asText()).contains("properties");
  }

  @Test
  void acceptsExactlyTheAllowedNumberOfProperties() {
    String body =
        "{\"userId\":\"u\",\"event\":\"e\",\"properties\":"
            + properties(Limits.MAX_KEYS_PER_OBJECT)
            + "}";

    assertThat(send("/v1/track", body).status()).isEqualTo(200);
  }

  @Test
  void rejectsTrackWithoutEvent() throws IOException {
    JsonNode answer = assertRejected(send("/v1/track", "{\"userId\":\"u\"}"), 400, "missing_field");

    assertThat(answer.get("field").asText()).isEqualTo("event");
    assertThat(answer.get("message").asText()).contains("event");
  }

  @Test
  void rejectsTypeInBodyContradictingEndpoint() throws IOException {
    JsonNode answer =
        assertRejected(
            send("/v1/track", "{\"type\":\"identify\",\"userId\":\"u\",\"event\":\"e\"}"),
            400,
            "invalid_value");

    assertThat(answer.get("field").asText()).isEqualTo("type");
    assertThat(answer.get("message").asText()).contains("type").contains("/v1/track");
  }

  // ---------------------------------------------------------------- batch item problems

  @Test
  void duplicateMessageIdsInBatchAreBothStoredAndReported() throws IOException {
    String a = "{\"type\":\"track\",\"messageId\":\"dup\",\"userId\":\"u\",\"event\":\"A\"}";
    String b = "{\"type\":\"track\",\"messageId\":\"dup\",\"userId\":\"u\",\"event\":\"B\"}";

    IngestResponse response = send("/v1/batch", batchOf(a, track(7), b));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode answer = json(response);
    assertThat(ints(answer.get("duplicateIndexes"))).containsExactly(2);
    assertThat(answer.has("problems")).isFalse();
    assertThat(response.stored()).isEqualTo(3);
    assertThat(sink.envelopes).extracting(Envelope::payload).containsExactly(a, track(7), b);
    assertThat(sink.envelopes.get(0).messageId()).isEqualTo("dup");
    assertThat(sink.envelopes.get(2).messageId()).isEqualTo("dup");
  }

  @Test
  void unknownTypeInBatchItemIsStoredAndListedAsProblem() throws IOException {
    String odd = "{\"type\":\"purchase\",\"userId\":\"u\"}";

    IngestResponse response = send("/v1/batch", batchOf(track(1), odd));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode answer = json(response);
    assertThat(answer.get("received").asInt()).isEqualTo(2);
    assertThat(answer.get("valid").asInt()).isEqualTo(1);
    JsonNode problem = answer.get("problems").get(0);
    assertThat(answer.get("problems")).hasSize(1);
    assertThat(problem.get("index").asInt()).isEqualTo(1);
    assertThat(problem.get("code").asText()).isEqualTo("unknown_type");
    assertThat(problem.get("field").asText()).isEqualTo("type");
    assertThat(problem.get("outcome").asText()).isEqualTo("quarantined");
    assertThat(response.stored()).isEqualTo(2);
    assertThat(sink.envelopes).extracting(Envelope::payload).containsExactly(track(1), odd);
    assertThat(problem.get("messageId").asText()).isEqualTo(sink.envelopes.get(1).messageId());
  }

  @Test
  void batchMixingValidAndInvalidCallsStoresAllAndListsExactlyTheInvalidOnes() throws IOException {
    List<String> items =
        List.of(
            track(0),
            "{\"type\":\"purchase\",\"userId\":\"u\"}",
            "{\"type\":\"identify\",\"userId\":\"u-2\",\"traits\":{\"plan\":\"pro\"}}",
            "{\"type\":\"track\",\"event\":\"no identity\"}",
            "{\"type\":\"track\",\"userId\":\"u\"}",
            "{\"type\":\"identify\",\"userId\":\"u\",\"traits\":\"vip\"}",
            "{\"userId\":\"u\",\"event\":\"no type\"}",
            "{\"type\":\"page\",\"anonymousId\":\"a\",\"name\":\"Home\"}");

    IngestResponse response = send("/v1/batch", batchOf(items));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode answer = json(response);
    assertThat(answer.get("received").asInt()).isEqualTo(items.size());
    assertThat(answer.get("valid").asInt()).isEqualTo(3);
    JsonNode problems = answer.get("problems");
    assertThat(StreamSupport.stream(problems.spliterator(), false).map(p -> p.get("index").asInt()))
        .containsExactly(1, 3, 4, 5, 6);
    assertThat(StreamSupport.stream(problems.spliterator(), false).map(p -> p.get("code").asText()))
        .containsExactly(
            "unknown_type",
            "missing_identity",
            "missing_field",
            "invalid_field_type",
            "missing_type");
    assertThat(
            StreamSupport.stream(problems.spliterator(), false).map(p -> p.get("field").asText()))
        .containsExactly("type", "userId", "event", "traits", "type");
    assertThat(response.stored()).isEqualTo(items.size());
    assertThat(sink.envelopes).extracting(Envelope::payload).containsExactlyElementsOf(items);
  }

  @Test
  void nonObjectBatchItemsAreQuarantinedNotDropped() throws IOException {
    List<String> items = List.of("42", "null", "\"text\"", "[]", track(4));

    IngestResponse response = send("/v1/batch", batchOf(items));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode problems = json(response).get("problems");
    assertThat(StreamSupport.stream(problems.spliterator(), false).map(p -> p.get("index").asInt()))
        .containsExactly(0, 1, 2, 3);
    assertThat(StreamSupport.stream(problems.spliterator(), false).map(p -> p.get("code").asText()))
        .containsOnly("not_an_object");
    assertThat(sink.envelopes).extracting(Envelope::payload).containsExactlyElementsOf(items);
  }

  // ---------------------------------------------------------------- storage and rate

  @Test
  void sinkFailureAnswers503WithRetryAfterAndClaimsNothingStored() throws IOException {
    FailingSink failing = new FailingSink();
    IngestService broken = serviceWith(failing);

    IngestResponse response = broken.handle(post("/v1/batch", batchOf(track(1), track(2))));

    JsonNode answer = assertRejected(response, 503, "unavailable");
    assertThat(answer.has("received")).isFalse();
    assertThat(response.headers()).containsKey("Retry-After");
    assertThat(Long.parseLong(response.headers().get("Retry-After"))).isPositive();
    assertThat(failing.attempts).isEqualTo(1);
  }

  private IngestRequest globex(String path, String body) {
    return request("POST", path, "application/json", null, basic(GLOBEX_KEY), body.getBytes(UTF_8));
  }

  @Test
  void rateLimitedTenantGets429WithRetryAfterAndIsServedAgainAfterWaiting() throws IOException {
    List<String> burst =
        IntStream.range(0, Limits.MAX_BATCH_EVENTS).mapToObj(i -> track(i)).toList();
    assertThat(service.handle(globex("/v1/batch", batchOf(burst))).status())
        .as("a full batch always fits the burst")
        .isEqualTo(200);
    sink.envelopes.clear();

    IngestResponse limited = service.handle(globex("/v1/track", TRACK));

    JsonNode answer = assertRejected(limited, 429, "rate_limited");
    assertThat(answer.get("message").asText()).contains("5");
    long retryAfter = Long.parseLong(limited.headers().get("Retry-After"));
    assertThat(retryAfter).isGreaterThanOrEqualTo(1);
    assertThat(service.handle(post("/v1/track", TRACK)).status())
        .as("other tenants are not affected")
        .isEqualTo(200);

    nanos.addAndGet(Duration.ofSeconds(retryAfter).toNanos());
    assertThat(service.handle(globex("/v1/track", TRACK)).status()).isEqualTo(200);
  }

  @Test
  void repeatedCallsBeyondTheRateAre429() throws IOException {
    List<String> most =
        IntStream.range(0, Limits.MAX_BATCH_EVENTS - 3).mapToObj(i -> track(i)).toList();
    assertThat(service.handle(globex("/v1/batch", batchOf(most))).status()).isEqualTo(200);
    sink.envelopes.clear();

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      statuses.add(service.handle(globex("/v1/track", track(i))).status());
    }

    assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
    assertThat(sink.envelopes).hasSize(3);
  }

  @Test
  void tenantIdleForWeeksIsNotRateLimited() {
    assertThat(send("/v1/track", track(1)).status()).isEqualTo(200);

    nanos.addAndGet(Duration.ofDays(30).toNanos());

    IngestResponse response = send("/v1/track", track(2));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }
}
