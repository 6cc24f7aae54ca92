package io.meridian.cdp.local.activation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.meridian.cdp.activation.WebhookRequests;
import io.meridian.cdp.activation.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A webhook receiver for local mode (demo, end-to-end tests, trying a destination): an HTTP server
 * on loopback that verifies each delivery's signature as docs/ACTIVATION.md tells receivers to,
 * answers 204 to valid ones and 401 to the rest, and records every delivery. Not for production.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One delivery as received. */
  public record Delivery(
      String eventId, String deliveryId, int attempt, boolean signatureValid, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final HttpServer server;
  private final ExecutorService executor;
  private final String secret;
  private final Clock clock;
  private final Consumer<Delivery> listener;
  private final List<Delivery> received = new ArrayList<>();

  /**
   * Starts a receiver on {@code 127.0.0.1:port} (0: any free port) at path {@code /hook}.
   *
   * @param secret the destination's signing secret
   * @param listener told of every delivery, from the receiver's threads
   */
  public WebhookReceiver(int port, String secret, Consumer<Delivery> listener) throws IOException {
    this(port, secret, listener, Clock.systemUTC());
  }

  WebhookReceiver(int port, String secret, Consumer<Delivery> listener, Clock clock)
      throws IOException {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.listener = listener;
    this.clock = clock;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    this.executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/hook", this::handle);
    server.start();
  }

  /** The URL to configure as the destination's {@code url}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** Every delivery so far, in arrival order. */
  public synchronized List<Delivery> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(1 << 20);
      }
      var headers = exchange.getRequestHeaders();
      boolean valid =
          WebhookSignature.verify(
              secret, headers.getFirst(WebhookSignature.HEADER), body, clock.instant(), TOLERANCE);
      JsonNode json;
      try {
        json = JSON.readTree(body);
      } catch (IOException e) {
        json =
            JSON.getNodeFactory()
                .textNode(new String(body, java.nio.charset.StandardCharsets.UTF_8));
      }
      String attempt = headers.getFirst(WebhookRequests.ATTEMPT);
      Delivery d =
          new Delivery(
              headers.getFirst(WebhookRequests.EVENT_ID),
              headers.getFirst(WebhookRequests.DELIVERY_ID),
              attempt != null && attempt.matches("\\d{1,9}") ? Integer.parseInt(attempt) : 0,
              valid,
              json);
      synchronized (this) {
        received.add(d);
      }
      if (listener != null) {
        listener.accept(d);
      }
      exchange.sendResponseHeaders(valid ? 204 : 401, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
