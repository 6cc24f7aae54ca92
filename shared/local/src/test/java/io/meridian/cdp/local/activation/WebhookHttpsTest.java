package io.meridian.cdp.local.activation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.meridian.cdp.activation.ActivationEvent;
import io.meridian.cdp.activation.Backoff;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.activation.MembershipChangeEvents;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.activation.WebhookSignature;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks over real TLS: a JDK {@code HttpsServer} on loopback with a certificate made by the
 * JDK's keytool for this test. Trusted, the delivery arrives signed; with the default trust store
 * (which does not know the certificate) the handshake fails, is retried and dead-lettered.
 */
class WebhookHttpsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "whsec_tls_test";
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir Path dir;

  private HttpsServer server;
  private SSLContext clientTls;
  private final List<byte[]> bodies = Collections.synchronizedList(new ArrayList<>());
  private final List<String> signatures = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void startHttpsReceiver() throws Exception {
    Path store = dir.resolve("receiver.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "receiver",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.createContext(
        "/hook",
        exchange -> {
          try (exchange) {
            bodies.add(exchange.getRequestBody().readAllBytes());
            signatures.add(exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER));
            exchange.sendResponseHeaders(204, -1);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private LocalEventBus bus(SSLContext tls) throws Exception {
    DestinationConfig hook =
        new DestinationConfig(
            "crm",
            "webhook",
            JSON.readTree("{\"source\": [\"meridian.cdp\"]}"),
            null,
            null,
            "https://localhost:" + server.getAddress().getPort() + "/hook",
            "env:HOOK_SECRET",
            5_000,
            2,
            new Backoff(1, 10),
            null);
    return new LocalEventBus(
        new CdpConfig(
            1,
            List.of(
                new TenantConfig(
                    "acme", "Acme", null, null, List.of(), null, null, null, List.of(hook)))),
        dir,
        new LocalSecretStore(dir.resolve("secrets"), Map.of("HOOK_SECRET", SECRET)),
        Duration.ofMinutes(1),
        Clock.systemUTC(),
        tls);
  }

  private static List<ActivationEvent> oneChange() {
    return List.of(
        MembershipChangeEvents.of(
            "acme",
            "vip",
            "VIP",
            "p-1",
            "entered",
            Instant.parse("2026-11-24T10:00:00Z"),
            "run-1",
            null,
            null,
            null));
  }

  @Test
  void deliversSignedOverHttpsToAReceiverWhoseCertificateIsTrusted() throws Exception {
    PublishReport report = bus(clientTls).publish(oneChange());

    assertThat(report.delivered()).isEqualTo(1);
    assertThat(bodies).hasSize(1);
    assertThat(
            WebhookSignature.verify(
                SECRET, signatures.get(0), bodies.get(0), Instant.now(), Duration.ofMinutes(5)))
        .isTrue();
  }

  @Test
  void anUntrustedCertificateIsRetriedThenDeadLetteredAndNothingIsSent() throws Exception {
    LocalEventBus bus = bus(null);

    PublishReport report = bus.publish(oneChange());

    assertThat(report.deadLettered()).isEqualTo(1);
    assertThat(bodies).isEmpty();
    String letter = Files.readString(bus.deadLetterFile("acme", "crm"));
    assertThat(JSON.readTree(letter).get("last_error").asText())
        .startsWith("gave up after 2 attempts: TLS failure: SSLHandshakeException");
  }
}
