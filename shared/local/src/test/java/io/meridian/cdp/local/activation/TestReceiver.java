package io.meridian.cdp.local.activation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real webhook receiver on loopback (the JDK's HTTP server) whose answers a test chooses. */
final class TestReceiver implements AutoCloseable {
  /** One request as received: headers (lower-case names, first values) and the raw body. */
  record Received(Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Chooses the status for the {@code attempt}-th request of one delivery id (1-based). */
  interface Behaviour {
    int status(Received request, int attempt) throws InterruptedException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final AtomicInteger answered = new AtomicInteger();

  TestReceiver(Behaviour behaviour) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext(
        "/hook",
        exchange -> {
          try (exchange) {
            Received r = read(exchange);
            received.add(r);
            String id =
                String.valueOf(r.header(io.meridian.cdp.activation.WebhookRequests.DELIVERY_ID));
            int attempt = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            int status = behaviour.status(r, attempt);
            exchange.sendResponseHeaders(status, -1);
            answered.incrementAndGet();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
  }

  /** Answers every request with 200. */
  static TestReceiver accepting() throws IOException {
    return new TestReceiver((r, attempt) -> 200);
  }

  private static Received read(HttpExchange exchange) throws IOException {
    Map<String, String> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
    try (InputStream in = exchange.getRequestBody()) {
      return new Received(headers, in.readAllBytes());
    }
  }

  String url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook").toString();
  }

  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  int answered() {
    return answered.get();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    server.stop(0);
  }
}
