package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.TestTenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One server for the class: stopping the JDK's HTTP server takes its whole grace second. */
class HttpIngestServerTest {
  private static final String KEY = WriteKeys.generate();
  private static final Tenants TENANTS = TestTenants.single("acme", "web", KEY);

  @TempDir static Path temp;

  private static Spool spool;
  private static HttpIngestServer server;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeAll
  static void start() throws IOException {
    spool = new Spool(temp.resolve("spool"));
    IngestService ingest =
        new IngestService(() -> TENANTS, spool, new RateLimiter(), new SegmentCallValidator());
    server = new HttpIngestServer("127.0.0.1", 0, ingest, Clock.systemUTC(), 4);
    server.start();
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
    spool.close();
  }

  @BeforeEach
  void emptyTheSpool() throws IOException {
    drainSpool();
  }

  private static String basic(String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10));
  }

  private static HttpResponse<String> post(String path, String authorization, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String track(String messageId) {
    return "{\"userId\":\"u-1\",\"event\":\"Clicked\",\"messageId\":\"" + messageId + "\"}";
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return Json.MAPPER.readTree(r.body());
  }

  private static List<Envelope> drainSpool() throws IOException {
    List<Envelope> out = new ArrayList<>();
    spool.drain((chunk, id) -> out.addAll(chunk));
    return out;
  }

  @Test
  void acceptsATrackCallWithBasicAuthAndStoresItInTheSpool() throws Exception {
    HttpResponse<String> r = post("/v1/track", basic(KEY), track("m-1"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json(r).get("success").asBoolean()).isTrue();
    assertThat(drainSpool())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.tenant()).isEqualTo("acme");
              assertThat(e.source()).isEqualTo("web");
              assertThat(e.messageId()).isEqualTo("m-1");
              assertThat(e.type()).isEqualTo("track");
              assertThat(e.payload()).isEqualTo(track("m-1"));
              assertThat(e.requestId()).isEqualTo(json(r).get("requestId").asText());
            });
  }

  @Test
  void everyEventAnswered200IsInTheSpoolAndNoRefusedOne() throws Exception {
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> ok = post("/v1/track", basic(KEY), track("ok-" + i));
      assertThat(ok.statusCode()).isEqualTo(200);
      accepted.add("ok-" + i);
    }
    HttpResponse<String> batch =
        post(
            "/v1/batch",
            basic(KEY),
            "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u-2\",\"messageId\":\"b-1\"}]}");
    assertThat(batch.statusCode()).isEqualTo(200);
    accepted.add("b-1");
    assertThat(post("/v1/track", null, track("refused-1")).statusCode()).isEqualTo(401);
    assertThat(post("/v1/track", basic("wk_unknown"), track("refused-2")).statusCode())
        .isEqualTo(401);

    assertThat(drainSpool()).extracting(Envelope::messageId).containsExactlyElementsOf(accepted);
  }

  @Test
  void answers401WithoutAWriteKey() throws Exception {
    HttpResponse<String> r = post("/v1/track", null, track("m-1"));

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"cdp\"");
    assertThat(json(r).get("code").asText()).isEqualTo("unauthorized");
    assertThat(drainSpool()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/track", "/v1/batch"})
  void answers413ToA600KilobyteBody(String path) throws Exception {
    String padding = "x".repeat(600 * 1024);
    String body =
        path.endsWith("batch")
            ? "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"" + padding + "\"}]}"
            : "{\"userId\":\"u\",\"event\":\"" + padding + "\"}";

    HttpResponse<String> r = post(path, basic(KEY), body);

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).get("code").asText()).isIn("event_too_large", "batch_too_large");
    assertThat(drainSpool()).isEmpty();
    // The connection stays usable after the oversized body.
    assertThat(post("/v1/track", basic(KEY), track("after")).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nope", "/v2/track", "/v1/nope"})
  void answers404ForAnUnknownPath(String path) throws Exception {
    HttpResponse<String> r = post(path, basic(KEY), track("m-1"));

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("code").asText()).isEqualTo("unknown_endpoint");
    assertThat(drainSpool()).isEmpty();
  }

  @Test
  void answers405ToAGetOnAnEndpoint() throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            request("/v1/track").header("Authorization", basic(KEY)).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    assertThat(json(r).get("code").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void answersHealthChecks() throws Exception {
    HttpResponse<String> r =
        CLIENT.send(request("/health").GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).isEqualTo("ok");
  }
}
