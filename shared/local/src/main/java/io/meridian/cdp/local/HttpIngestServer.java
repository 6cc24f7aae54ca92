package io.meridian.cdp.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.meridian.cdp.event.Limits;
import io.meridian.cdp.ingest.IngestRequest;
import io.meridian.cdp.ingest.IngestResponse;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.profile.ProfileApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Tracking API on a local port: the JDK's HTTP server in front of {@link IngestService}, the
 * same use case the API Gateway Lambda calls. Requests are handled on a pool of threads so that
 * concurrent calls share one spool fsync (group commit).
 */
public final class HttpIngestServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpIngestServer.class);
  private static final int READ_LIMIT = Limits.MAX_BATCH_BYTES + 1;

  private final HttpServer server;
  private final ExecutorService pool;
  private final IngestService ingest;
  private final Clock clock;

  public HttpIngestServer(String host, int port, IngestService ingest, Clock clock, int threads)
      throws IOException {
    this.ingest = ingest;
    this.clock = clock;
    // Answer small responses immediately instead of waiting on delayed ACKs (Nagle).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    this.server = HttpServer.create(new InetSocketAddress(host, port), 1024);
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "http-ingest");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(pool);
    server.createContext("/v1/", this::handleIngest);
    server.createContext("/health", this::handleHealth);
    server.createContext("/", this::handleNotFound);
  }

  /**
   * Also answers the profile API ({@code GET /v1/profiles…}) on this port. Call before {@link
   * #start}.
   */
  public HttpIngestServer serveProfiles(ProfileApi profiles) {
    server.createContext(
        ProfileApi.PATH,
        ex -> {
          try (ex) {
            drain(ex.getRequestBody());
            ProfileApi.Response r;
            try {
              r =
                  profiles.handle(
                      ex.getRequestMethod(),
                      ex.getRequestURI().getRawPath(),
                      ex.getRequestURI().getRawQuery(),
                      ex.getRequestHeaders().getFirst("Authorization"));
            } catch (RuntimeException e) {
              LOG.error("profile request failed: {}", e.toString());
              r =
                  new ProfileApi.Response(
                      500,
                      "{\"success\":false,\"code\":\"internal_error\",\"message\":\"the"
                          + " profile could not be read; retry\"}",
                      Map.of());
            }
            send(ex, r.status(), r.body(), r.headers());
          }
        });
    return this;
  }

  public void start() {
    server.start();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handleHealth(HttpExchange ex) throws IOException {
    try (ex) {
      send(ex, 200, "{\"status\":\"ok\"}", Map.of());
    }
  }

  private void handleNotFound(HttpExchange ex) throws IOException {
    try (ex) {
      drain(ex.getRequestBody());
      send(
          ex,
          404,
          "{\"success\":false,\"code\":\"unknown_endpoint\",\"message\":\"no such endpoint\"}",
          Map.of());
    }
  }

  private void handleIngest(HttpExchange ex) throws IOException {
    try (ex) {
      IngestResponse r;
      try {
        String requestId = UUID.randomUUID().toString();
        byte[] body = readLimited(ex.getRequestBody());
        var h = ex.getRequestHeaders();
        r =
            ingest.handle(
                new IngestRequest(
                    ex.getRequestMethod(),
                    ex.getRequestURI().getRawPath(),
                    h.getFirst("Content-Type"),
                    h.getFirst("Content-Encoding"),
                    h.getFirst("Authorization"),
                    body,
                    clock.instant(),
                    requestId));
      } catch (RuntimeException e) {
        LOG.error("request failed: {}", e.toString());
        r =
            new IngestResponse(
                500,
                "{\"success\":false,\"code\":\"internal_error\",\"message\":\"the request could"
                    + " not be processed; retry\"}",
                Map.of("Retry-After", "1"),
                0);
      }
      send(ex, r.status(), r.body(), r.headers());
    }
  }

  /** Reads at most the batch limit plus one byte: enough to answer 413, never more. */
  private static byte[] readLimited(InputStream in) throws IOException {
    byte[] body = in.readNBytes(READ_LIMIT);
    if (body.length == READ_LIMIT) {
      drain(in);
    }
    return body;
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    while (in.read(buf) > 0) {
      // discard: the answer does not depend on the rest
    }
  }

  private static void send(HttpExchange ex, int status, String body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0) {
      ex.getResponseHeaders().set("Content-Type", "application/json");
    }
    headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    // -1: no body (204 must not carry one); otherwise a fixed length.
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(1);
    pool.shutdown();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
