package io.meridian.cdp.fn;

import com.sun.net.httpserver.HttpServer;
import io.meridian.cdp.activation.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver on loopback for the tests: records every request (headers and raw body) and
 * answers {@link #status}, or hangs until closed when {@link #hang} is set.
 */
final class Receiver implements AutoCloseable {
  record Request(Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    /** Whether its {@code Meridian-Signature} is valid for {@code secret}, made just now. */
    boolean signedWith(String secret) {
      return WebhookSignature.verify(
          secret, header(WebhookSignature.HEADER), body, Instant.now(), Duration.ofMinutes(5));
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  volatile int status = 204;
  volatile boolean hang;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final HttpServer server;

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/hook",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            requests.add(new Request(Map.copyOf(exchange.getRequestHeaders()), in.readAllBytes()));
          }
          if (hang) {
            try {
              closed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
