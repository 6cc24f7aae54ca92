package io.meridian.cdp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.meridian.cdp.activation.WebhookSignature;
import io.meridian.cdp.event.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's stand-in for a SaaS tool: a webhook receiver on loopback that verifies each request's
 * signature the way docs/ACTIVATION.md tells receivers to, and keeps what it received.
 */
final class DemoReceiver implements AutoCloseable {
  /** One request: its JSON body and whether its signature verified. */
  record Received(JsonNode body, boolean signatureValid) {}

  private final HttpServer server;
  private final String secret;
  private final Clock clock;
  private final List<Received> received = new ArrayList<>();

  DemoReceiver(String secret, Clock clock) throws IOException {
    this.secret = secret;
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext(
        "/hooks",
        ex -> {
          try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            boolean valid =
                WebhookSignature.verify(
                    secret,
                    ex.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                    body,
                    clock.instant(),
                    Duration.ofMinutes(5));
            synchronized (received) {
              received.add(new Received(Json.MAPPER.readTree(body), valid));
            }
            ex.sendResponseHeaders(valid ? 204 : 401, -1);
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
  }

  /** What arrived so far, and forgets it. */
  List<Received> take() {
    synchronized (received) {
      List<Received> out = List.copyOf(received);
      received.clear();
      return out;
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
