package io.meridian.cdp.cli;

import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.local.HttpIngestServer;
import io.meridian.cdp.local.Spool;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Ingestion throughput and latency on loopback: the real HTTP server, IngestService and fsync'd
 * spool, driven by keep-alive connections that each send one request at a time and time every
 * response. Server and load generator share the machine's cores (as they would on a 2-core box).
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = "Requests/s, events/s and latency of POST /v1/track and /v1/batch on loopback.")
final class IngestBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--seconds",
      description = "Duration of each measurement. Default: ${DEFAULT-VALUE}",
      defaultValue = "10")
  int seconds;

  @Option(
      names = "--warmup",
      description = "Warm-up seconds before each measurement. Default: ${DEFAULT-VALUE}",
      defaultValue = "5")
  int warmup;

  @Option(
      names = "--connections",
      description = "Concurrent keep-alive connections. Default: ${DEFAULT-VALUE}",
      defaultValue = "64")
  int connections;

  @Option(
      names = "--batch-size",
      description = "Events per /v1/batch request. Default: ${DEFAULT-VALUE}",
      defaultValue = "100")
  int batchSize;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("cdp-bench-ingest");
    String key = WriteKeys.generate();
    Tenants tenants =
        new Tenants(
            CdpConfig.empty()
                .withTenant(
                    new TenantConfig(
                        "bench",
                        "Bench",
                        Integer.MAX_VALUE,
                        "US",
                        List.of(new SourceConfig("web", List.of(WriteKeys.hash(key)))),
                        null,
                        null,
                        null,
                        null)));
    String auth =
        "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    out.printf(
        "cdp bench ingest: %d connections, %d s warm-up + %d s per case, %d cores, Java %s%n",
        connections,
        warmup,
        seconds,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    try (Spool spool = new Spool(dir.resolve("spool"));
        HttpIngestServer server =
            new HttpIngestServer(
                "127.0.0.1",
                0,
                new IngestService(
                    () -> tenants, spool, new RateLimiter(), new SegmentCallValidator()),
                Clock.systemUTC(),
                connections + 8)) {
      server.start();
      Result single = run(server.port(), "/v1/track", auth, 1);
      out.printf(
          "single events  /v1/track : %,10.0f requests/s  %,10.0f events/s  p50 %6.2f ms  p99 %6.2f ms  errors %d%n",
          single.requestsPerSecond(),
          single.requestsPerSecond(),
          single.p50Millis(),
          single.p99Millis(),
          single.errors());
      Result batch = run(server.port(), "/v1/batch", auth, batchSize);
      out.printf(
          "batches of %3d /v1/batch : %,10.0f requests/s  %,10.0f events/s  p50 %6.2f ms  p99 %6.2f ms  errors %d%n",
          batchSize,
          batch.requestsPerSecond(),
          batch.requestsPerSecond() * batchSize,
          batch.p50Millis(),
          batch.p99Millis(),
          batch.errors());
      out.println(
          "Goals (issue 2): >= 10,000 single-event requests/s with p99 < 20 ms; >= 100,000 events/s in batches of 100.");
    } finally {
      deleteTree(dir);
    }
    out.flush();
    return 0;
  }

  record Result(double requestsPerSecond, double p50Millis, double p99Millis, long errors) {}

  private Result run(int port, String path, String auth, int events) throws Exception {
    byte[] request = request(port, path, auth, events);
    measure(port, request, warmup);
    return measure(port, request, seconds);
  }

  private Result measure(int port, byte[] request, int durationSeconds) throws Exception {
    long end = System.nanoTime() + durationSeconds * 1_000_000_000L;
    List<long[]> latencies = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      long[] samples = new long[2_000_000 / connections + 1000];
      latencies.add(samples);
      int[] count = {0};
      Thread t =
          new Thread(
              () -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                  s.setTcpNoDelay(true);
                  OutputStream o = s.getOutputStream();
                  InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                  while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    o.write(request);
                    o.flush();
                    int status = readResponse(in);
                    long dt = System.nanoTime() - t0;
                    if (status != 200) {
                      errors.incrementAndGet();
                    }
                    if (count[0] < samples.length - 1) {
                      samples[++count[0]] = dt;
                    }
                  }
                } catch (IOException e) {
                  errors.incrementAndGet();
                }
                samples[0] = count[0];
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    int total = 0;
    for (long[] s : latencies) {
      total += (int) s[0];
    }
    long[] all = new long[total];
    int i = 0;
    for (long[] s : latencies) {
      System.arraycopy(s, 1, all, i, (int) s[0]);
      i += (int) s[0];
    }
    Arrays.sort(all);
    double p50 = all.length == 0 ? 0 : all[all.length / 2] / 1e6;
    double p99 =
        all.length == 0
            ? 0
            : all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6;
    return new Result(total / elapsed, p50, p99, errors.get());
  }

  /** Reads one HTTP/1.1 response with Content-Length and returns its status. */
  private static int readResponse(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int status = -1;
    int contentLength = 0;
    while (true) {
      line.setLength(0);
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("connection closed");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      if (line.length() == 0) {
        break;
      }
      String l = line.toString();
      if (status < 0) {
        status = Integer.parseInt(l.substring(9, 12));
      } else if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        contentLength = Integer.parseInt(l.substring(15).trim());
      }
    }
    in.skipNBytes(contentLength);
    return status;
  }

  private static byte[] request(int port, String path, String auth, int events) {
    String call =
        "{\"type\":\"track\",\"userId\":\"u-42\",\"anonymousId\":\"a-42\",\"event\":\"Product Viewed\","
            + "\"properties\":{\"product_id\":\"p-1\",\"price\":19.99,\"currency\":\"USD\"},"
            + "\"context\":{\"ip\":\"203.0.113.7\",\"library\":{\"name\":\"analytics.js\",\"version\":\"2.11.1\"}},"
            + "\"originalTimestamp\":\"2026-11-24T10:00:00.000Z\",\"sentAt\":\"2026-11-24T10:00:00.100Z\"}";
    String body;
    if (events == 1) {
      body = call;
    } else {
      StringBuilder b = new StringBuilder("{\"batch\":[");
      for (int i = 0; i < events; i++) {
        b.append(i == 0 ? "" : ",").append(call);
      }
      body = b.append("]}").toString();
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nAuthorization: "
            + auth
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + bytes.length
            + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(h, h.length + bytes.length);
    System.arraycopy(bytes, 0, all, h.length, bytes.length);
    return all;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
