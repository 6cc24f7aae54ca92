package io.meridian.cdp.local.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.activation.ActivationEvent;
import io.meridian.cdp.activation.Backoff;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.activation.DestinationReport;
import io.meridian.cdp.activation.MembershipChangeEvents;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.activation.WebhookSignature;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The local bus against real HTTP receivers on loopback (the JDK's HTTP server, or a raw socket
 * where a broken server is needed). Nothing is mocked.
 */
class LocalEventBusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "whsec_test_secret";
  private static final String ALL = "{\"detail-type\": [\"Segment Membership Changed\"]}";
  private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

  @TempDir Path data;

  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void closeReceivers() throws Exception {
    for (AutoCloseable c : closeLater) {
      c.close();
    }
  }

  private TestReceiver receiver(TestReceiver.Behaviour behaviour) throws IOException {
    TestReceiver r = new TestReceiver(behaviour);
    closeLater.add(r);
    return r;
  }

  private static DestinationConfig webhook(
      String id, String url, int timeoutMillis, int maxAttempts, String purpose, String payload)
      throws IOException {
    return new DestinationConfig(
        id,
        "webhook",
        JSON.readTree(ALL),
        purpose,
        payload == null ? null : JSON.readTree(payload),
        url,
        "env:HOOK_SECRET",
        timeoutMillis,
        maxAttempts,
        new Backoff(1, 20),
        4);
  }

  private static DestinationConfig webhook(String id, String url) throws IOException {
    return webhook(id, url, 5_000, 3, null, null);
  }

  private LocalEventBus bus(Duration deadline, DestinationConfig... destinations) {
    CdpConfig config =
        new CdpConfig(
            1,
            List.of(
                new TenantConfig(
                    "acme",
                    "Acme",
                    null,
                    null,
                    List.of(),
                    null,
                    null,
                    null,
                    List.of(destinations))));
    return new LocalEventBus(
        config,
        data,
        new LocalSecretStore(data.resolve("secrets"), Map.of("HOOK_SECRET", SECRET)),
        deadline);
  }

  private LocalEventBus bus(DestinationConfig... destinations) {
    return bus(Duration.ofMinutes(2), destinations);
  }

  private static ActivationEvent event(String profile, Map<String, Boolean> consent) {
    return MembershipChangeEvents.of(
        "acme",
        "vip",
        "VIP",
        profile,
        "entered",
        AT,
        "run-1",
        Map.of("email", profile + "@example.com"),
        Map.of("email", List.of(profile + "@example.com")),
        consent);
  }

  private static List<ActivationEvent> events(int n) {
    return IntStream.range(0, n).mapToObj(i -> event("p-" + i, Map.of())).toList();
  }

  private List<JsonNode> deadLetters(LocalEventBus bus, String destination) throws IOException {
    Path file = bus.deadLetterFile("acme", destination);
    if (!Files.exists(file)) {
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  @Test
  void deliversSignedEventsThatTheReceiverVerifies() throws IOException {
    TestReceiver receiver = receiver((r, attempt) -> 200);
    LocalEventBus bus = bus(webhook("crm", receiver.url()));
    List<ActivationEvent> events = events(3);

    PublishReport report = bus.publish(events);

    assertThat(report.destination("acme", "crm").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "crm", 3, 0, 3, 0, 0));
    assertThat(receiver.received()).hasSize(3);
    for (TestReceiver.Received r : receiver.received()) {
      assertThat(
              WebhookSignature.verify(
                  SECRET,
                  r.header(WebhookSignature.HEADER),
                  r.body(),
                  Instant.now(),
                  Duration.ofMinutes(5)))
          .isTrue();
      assertThat(r.header("Meridian-Timestamp"))
          .isEqualTo(r.header(WebhookSignature.HEADER).replaceAll("^t=(\\d+),.*", "$1"));
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("Meridian-Attempt")).isEqualTo("1");
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("id").asText()).isEqualTo(r.header("Meridian-Event-Id"));
      assertThat(body.get("detail-type").asText()).isEqualTo("Segment Membership Changed");
    }
    assertThat(receiver.received())
        .extracting(r -> r.header("Meridian-Event-Id"))
        .containsExactlyInAnyOrderElementsOf(events.stream().map(ActivationEvent::id).toList());
  }

  @Test
  void aSignatureDoesNotVerifyWithAnotherSecretOrAnAlteredBody() throws IOException {
    TestReceiver receiver = receiver((r, attempt) -> 200);
    bus(webhook("crm", receiver.url())).publish(events(1));
    TestReceiver.Received r = receiver.received().get(0);
    byte[] altered = new String(r.body(), StandardCharsets.UTF_8).replace("p-0", "p-9").getBytes();

    assertThat(
            WebhookSignature.verify(
                "another",
                r.header(WebhookSignature.HEADER),
                r.body(),
                Instant.now(),
                Duration.ofMinutes(5)))
        .isFalse();
    assertThat(
            WebhookSignature.verify(
                SECRET,
                r.header(WebhookSignature.HEADER),
                altered,
                Instant.now(),
                Duration.ofMinutes(5)))
        .isFalse();
  }

  @Test
  void sendsTheMappedPayload() throws IOException {
    TestReceiver receiver = receiver((r, attempt) -> 200);
    LocalEventBus bus =
        bus(
            webhook(
                "crm",
                receiver.url(),
                5_000,
                3,
                null,
                "{\"email\": \"$.detail.traits.email\", \"list\": 42, \"action\": \"$.detail.change\"}"));

    bus.publish(events(1));

    assertThat(JSON.readTree(receiver.received().get(0).body()))
        .isEqualTo(
            JSON.readTree(
                "{\"email\": \"p-0@example.com\", \"list\": 42, \"action\": \"entered\"}"));
  }

  @Test
  void retriesA5xxAndSucceedsWithTheSameDeliveryId() throws IOException {
    TestReceiver receiver = receiver((r, attempt) -> attempt < 3 ? 503 : 200);
    LocalEventBus bus = bus(webhook("crm", receiver.url(), 5_000, 5, null, null));

    PublishReport report = bus.publish(events(2));

    assertThat(report.destination("acme", "crm").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "crm", 2, 0, 2, 0, 4));
    assertThat(receiver.received()).hasSize(6);
    assertThat(receiver.received().stream().map(r -> r.header("Meridian-Delivery-Id")).distinct())
        .hasSize(2);
    assertThat(receiver.received())
        .extracting(r -> r.header("Meridian-Attempt"))
        .containsOnly("1", "2", "3");
    assertThat(deadLetters(bus, "crm")).isEmpty();
  }

  @ParameterizedTest(name = "HTTP {0} is retried")
  @ValueSource(ints = {408, 429, 500, 502, 503, 504})
  void retriesTimeoutsThrottlingAndServerErrorsThenDeadLetters(int status) throws IOException {
    TestReceiver receiver = receiver((r, attempt) -> status);
    LocalEventBus bus = bus(webhook("crm", receiver.url(), 5_000, 3, null, null));

    PublishReport report = bus.publish(events(1));

    assertThat(report.destination("acme", "crm").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "crm", 1, 0, 0, 1, 2));
    assertThat(receiver.received()).hasSize(3);
    JsonNode letter = deadLetters(bus, "crm").get(0);
    assertThat(letter.get("attempts").asInt()).isEqualTo(3);
    assertThat(letter.get("last_status").asInt()).isEqualTo(status);
    assertThat(letter.get("last_error").asText())
        .isEqualTo("gave up after 3 attempts: HTTP " + status);
  }

  @ParameterizedTest(name = "HTTP {0} is dead-lettered at once")
  @ValueSource(ints = {400, 401, 403, 404, 410, 422, 301})
  void deadLettersOtherClientErrorsWithoutRetrying(int status) throws IOException {
    TestReceiver receiver = receiver((r, attempt) -> status);
    LocalEventBus bus = bus(webhook("crm", receiver.url(), 5_000, 5, null, null));
    List<ActivationEvent> events = events(1);

    PublishReport report = bus.publish(events);

    assertThat(report.destination("acme", "crm").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "crm", 1, 0, 0, 1, 0));
    assertThat(receiver.received()).hasSize(1);
    JsonNode letter = deadLetters(bus, "crm").get(0);
    assertThat(letter.get("event_id").asText()).isEqualTo(events.get(0).id());
    assertThat(letter.get("delivery_id").asText())
        .isEqualTo(receiver.received().get(0).header("Meridian-Delivery-Id"));
    assertThat(letter.get("attempts").asInt()).isEqualTo(1);
    assertThat(letter.get("last_error").asText())
        .isEqualTo("HTTP " + status + " is not retried (only 408, 429 and 5xx are)");
    assertThat(letter.get("payload")).isEqualTo(events.get(0).envelope());
  }

  @Test
  void retriesAReceiverThatHangsUntilTheTimeoutThenDeadLetters() throws IOException {
    CountDownLatch never = new CountDownLatch(1);
    TestReceiver receiver =
        receiver(
            (r, attempt) -> {
              never.await();
              return 200;
            });
    LocalEventBus bus = bus(webhook("crm", receiver.url(), 300, 2, null, null));

    PublishReport report = bus.publish(events(1));

    assertThat(report.destination("acme", "crm").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "crm", 1, 0, 0, 1, 1));
    assertThat(receiver.received()).hasSize(2);
    assertThat(deadLetters(bus, "crm").get(0).get("last_error").asText())
        .isEqualTo("gave up after 2 attempts: no response within 300 ms");
  }

  @Test
  void retriesAGarbageResponseThenDeadLetters() throws IOException {
    ServerSocket garbage = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeLater.add(garbage);
    AtomicInteger connections = new AtomicInteger();
    Thread server =
        new Thread(
            () -> {
              while (!garbage.isClosed()) {
                try (Socket s = garbage.accept();
                    OutputStream out = s.getOutputStream()) {
                  connections.incrementAndGet();
                  out.write("SMTP READY\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                } catch (IOException e) {
                  return;
                }
              }
            });
    server.setDaemon(true);
    server.start();
    LocalEventBus bus =
        bus(
            webhook(
                "crm",
                "http://127.0.0.1:" + garbage.getLocalPort() + "/hook",
                5_000,
                3,
                null,
                null));

    PublishReport report = bus.publish(events(1));

    assertThat(report.destination("acme", "crm").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "crm", 1, 0, 0, 1, 2));
    assertThat(connections.get()).isEqualTo(3);
    assertThat(deadLetters(bus, "crm").get(0).get("last_error").asText())
        .startsWith("gave up after 3 attempts: invalid or interrupted response: ");
  }

  @Test
  void retriesAResponseWhoseBodyNeverEndsThenDeadLetters() throws IOException {
    ServerSocket stalling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeLater.add(stalling);
    List<Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread server =
        new Thread(
            () -> {
              while (!stalling.isClosed()) {
                try {
                  Socket s = stalling.accept();
                  open.add(s);
                  closeLater.add(s);
                  s.getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ok\""
                              .getBytes(StandardCharsets.US_ASCII));
                  s.getOutputStream().flush();
                } catch (IOException e) {
                  return;
                }
              }
            });
    server.setDaemon(true);
    server.start();
    LocalEventBus bus =
        bus(
            webhook(
                "crm",
                "http://127.0.0.1:" + stalling.getLocalPort() + "/hook",
                300,
                2,
                null,
                null));

    PublishReport report = bus.publish(events(1));

    assertThat(report.destination("acme", "crm").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "crm", 1, 0, 0, 1, 1));
    assertThat(open).hasSize(2);
    assertThat(deadLetters(bus, "crm").get(0).get("last_error").asText())
        .isEqualTo("gave up after 2 attempts: no response within 300 ms");
  }

  @Test
  void retriesARefusedConnectionThenDeadLetters() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    LocalEventBus bus =
        bus(webhook("crm", "http://127.0.0.1:" + port + "/hook", 2_000, 3, null, null));

    PublishReport report = bus.publish(events(2));

    assertThat(report.destination("acme", "crm").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "crm", 2, 0, 0, 2, 4));
    assertThat(deadLetters(bus, "crm"))
        .extracting(l -> l.get("last_error").asText())
        .allMatch(e -> e.startsWith("gave up after 3 attempts: could not connect: "));
  }

  @Test
  void aSlowDestinationDoesNotDelayAFastOne() throws IOException {
    CountDownLatch release = new CountDownLatch(1);
    TestReceiver slow =
        receiver(
            (r, attempt) -> {
              release.await();
              return 200;
            });
    TestReceiver fast = receiver((r, attempt) -> 200);
    LocalEventBus bus =
        bus(webhook("slow", slow.url(), 120_000, 3, null, null), webhook("fast", fast.url()));
    List<ActivationEvent> events = events(50);

    CompletableFuture<PublishReport> publish =
        CompletableFuture.supplyAsync(() -> bus.publish(events));

    await().atMost(Duration.ofSeconds(60)).until(() -> fast.received().size() == 50);
    assertThat(slow.answered()).isZero();
    assertThat(slow.received().size()).isLessThanOrEqualTo(4); // its concurrency
    assertThat(publish).isNotDone();
    release.countDown();
    PublishReport report = publish.join();
    assertThat(report.destination("acme", "fast").orElseThrow().delivered()).isEqualTo(50);
    assertThat(report.destination("acme", "slow").orElseThrow().delivered()).isEqualTo(50);
  }

  @Test
  void aRunNeverOutlastsItsDeadline() throws IOException {
    CountDownLatch never = new CountDownLatch(1);
    TestReceiver hanging =
        receiver(
            (r, attempt) -> {
              never.await();
              return 200;
            });
    TestReceiver fast = receiver((r, attempt) -> 200);
    LocalEventBus bus =
        bus(
            Duration.ofSeconds(1),
            webhook("hanging", hanging.url(), 300_000, 3, null, null),
            webhook("fast", fast.url()));

    PublishReport report =
        await().atMost(Duration.ofSeconds(60)).until(() -> bus.publish(events(10)), r -> true);

    assertThat(report.destination("acme", "fast").orElseThrow().delivered()).isEqualTo(10);
    DestinationReport stuck = report.destination("acme", "hanging").orElseThrow();
    assertThat(stuck.deadLettered()).isEqualTo(10);
    assertThat(stuck.pending()).isZero();
    assertThat(deadLetters(bus, "hanging"))
        .extracting(l -> l.get("last_error").asText())
        .containsOnly(
            "the run's deadline passed during attempt 1",
            "the run's deadline passed before the first attempt");
  }

  @Test
  void profilesWithoutConsentForThePurposeAreCountedAndNotSent() throws IOException {
    TestReceiver ads = receiver((r, attempt) -> 200);
    TestReceiver crm = receiver((r, attempt) -> 200);
    LocalEventBus bus =
        bus(webhook("ads", ads.url(), 5_000, 3, "advertising", null), webhook("crm", crm.url()));
    List<ActivationEvent> events =
        List.of(
            event("refused", Map.of("advertising", false, "analytics", true)),
            event("refused-too", Map.of("Advertising", false)),
            event("granted", Map.of("advertising", true)),
            event("unknown", Map.of()));

    PublishReport report = bus.publish(events);

    assertThat(report.destination("acme", "ads").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "ads", 4, 2, 2, 0, 0));
    assertThat(report.excludedByConsent()).isEqualTo(2);
    assertThat(ads.received())
        .extracting(r -> JSON.readTree(r.body()).at("/detail/profile_id").asText())
        .containsExactlyInAnyOrder("granted", "unknown");
    assertThat(crm.received()).hasSize(4);
  }

  @Test
  void onlyDestinationsWhosePatternMatchesReceiveAndTheRestIsCountedUnmatched() throws IOException {
    TestReceiver receiver = receiver((r, attempt) -> 200);
    DestinationConfig exitsOnly =
        new DestinationConfig(
            "exits",
            "webhook",
            JSON.readTree("{\"detail\": {\"change\": [\"exited\"]}}"),
            null,
            null,
            receiver.url(),
            "env:HOOK_SECRET",
            null,
            null,
            null,
            null);
    LocalEventBus bus = bus(exitsOnly);
    List<ActivationEvent> events = new ArrayList<>(events(2));
    events.add(
        MembershipChangeEvents.of(
            "acme", "vip", "VIP", "p-x", "exited", AT, "run-1", null, null, null));
    events.add(
        MembershipChangeEvents.of(
            "other", "vip", "VIP", "p-y", "exited", AT, "run-1", null, null, null));

    PublishReport report = bus.publish(events);

    assertThat(report.events()).isEqualTo(4);
    assertThat(report.unmatched()).isEqualTo(3);
    assertThat(report.destination("acme", "exits").orElseThrow().delivered()).isEqualTo(1);
    assertThat(JSON.readTree(receiver.received().get(0).body()).at("/detail/profile_id").asText())
        .isEqualTo("p-x");
  }

  @Test
  void aFileSinkWritesOneJsonLinePerEvent() throws IOException {
    DestinationConfig file =
        new DestinationConfig(
            "audit",
            "file",
            JSON.readTree(ALL),
            null,
            JSON.readTree("{\"id\": \"$.id\", \"profile\": \"$.detail.profile_id\"}"),
            null,
            null,
            null,
            null,
            null,
            null);
    LocalEventBus bus = bus(file);
    List<ActivationEvent> events = events(3);

    PublishReport report = bus.publish(events);

    assertThat(report.destination("acme", "audit").orElseThrow().delivered()).isEqualTo(3);
    List<String> lines = Files.readAllLines(bus.sinkFile("acme", "audit"));
    assertThat(lines)
        .containsExactly(
            events.stream()
                .map(
                    e ->
                        "{\"id\":\""
                            + e.id()
                            + "\",\"profile\":\""
                            + e.detail().get("profile_id").asText()
                            + "\"}")
                .toArray(String[]::new));
  }

  @Test
  void aMissingSecretDeadLettersWithoutSendingOrRevealingAnything() throws IOException {
    TestReceiver receiver = receiver((r, attempt) -> 200);
    DestinationConfig noSecret =
        new DestinationConfig(
            "crm",
            "webhook",
            JSON.readTree(ALL),
            null,
            null,
            receiver.url(),
            "env:NOT_SET",
            null,
            null,
            null,
            null);
    LocalEventBus bus = bus(noSecret);

    PublishReport report = bus.publish(events(2));

    assertThat(report.destination("acme", "crm").orElseThrow().deadLettered()).isEqualTo(2);
    assertThat(receiver.received()).isEmpty();
    assertThat(deadLetters(bus, "crm").get(0).get("last_error").asText())
        .isEqualTo(
            "signing secret unavailable: secret env:NOT_SET: environment variable NOT_SET is not set");
  }

  @Test
  void aDestinationWrittenInCdpYamlWithAFileSecretDeliversSigned() throws IOException {
    TestReceiver receiver = receiver((r, attempt) -> 200);
    LocalSecretStore secrets = LocalSecretStore.forDataDir(data);
    secrets.put("acme-crm", "whsec_from_file\n");
    Path yaml = data.resolve("cdp.yaml");
    Files.writeString(
        yaml,
        """
        version: 1
        tenants:
        - id: acme
          destinations:
          - id: crm
            type: webhook
            url: %s
            secret: file:acme-crm
            consentPurpose: advertising
            pattern:
              detail-type: [Segment Membership Changed]
              detail: {segment: {id: [{prefix: vi}]}, change: [entered]}
            payload: {email: $.detail.traits.email, event: $.detail.event_id}
        """
            .formatted(receiver.url()));
    LocalEventBus bus =
        new LocalEventBus(
            io.meridian.cdp.tenant.ConfigFile.load(yaml), data, secrets, Duration.ofMinutes(1));
    List<ActivationEvent> events =
        List.of(event("p-1", Map.of()), event("p-2", Map.of("advertising", false)));

    PublishReport report = bus.publish(events);

    assertThat(report.destination("acme", "crm").orElseThrow())
        .isEqualTo(new DestinationReport("acme", "crm", 2, 1, 1, 0, 0));
    TestReceiver.Received r = receiver.received().get(0);
    assertThat(
            WebhookSignature.verify(
                "whsec_from_file",
                r.header(WebhookSignature.HEADER),
                r.body(),
                Instant.now(),
                Duration.ofMinutes(5)))
        .isTrue();
    assertThat(JSON.readTree(r.body()))
        .isEqualTo(
            JSON.readTree(
                "{\"email\": \"p-1@example.com\", \"event\": \"" + events.get(0).id() + "\"}"));
  }

  @Test
  void deliveryIdsAreStablePerEventAndDestination() {
    assertThat(io.meridian.cdp.activation.WebhookRequests.deliveryId("e", "acme", "crm"))
        .isEqualTo(io.meridian.cdp.activation.WebhookRequests.deliveryId("e", "acme", "crm"))
        .isNotEqualTo(io.meridian.cdp.activation.WebhookRequests.deliveryId("e", "acme", "ads"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }
}
