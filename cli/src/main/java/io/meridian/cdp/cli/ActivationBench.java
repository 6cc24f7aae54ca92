package io.meridian.cdp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.meridian.cdp.activation.ActivationEvent;
import io.meridian.cdp.activation.Backoff;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.activation.DestinationReport;
import io.meridian.cdp.activation.MembershipChangeEvents;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.activation.WebhookSignature;
import io.meridian.cdp.local.activation.LocalEventBus;
import io.meridian.cdp.local.activation.LocalSecretStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Webhook deliveries per second through the local activation bus to a receiver on loopback (the
 * JDK's HTTP server) that verifies every signature and answers 503 to the first attempt of a chosen
 * share of deliveries, so that retries with backoff run as in production. Bus and receiver share
 * the machine's cores.
 */
@Command(
    name = "activation",
    mixinStandardHelpOptions = true,
    description =
        "Signed webhook deliveries/s through the local activation bus to a loopback receiver, with"
            + " retries.")
final class ActivationBench implements java.util.concurrent.Callable<Integer> {
  private static final String SECRET = "whsec_bench_only_not_a_real_secret";

  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      description = "Membership changes to publish. Default: ${DEFAULT-VALUE}",
      defaultValue = "100000")
  int events;

  @Option(
      names = "--warmup",
      description = "Changes published once before measuring. Default: ${DEFAULT-VALUE}",
      defaultValue = "20000")
  int warmup;

  @Option(
      names = "--concurrency",
      description = "Requests in flight to the destination. Default: ${DEFAULT-VALUE}",
      defaultValue = "32")
  int concurrency;

  @Option(
      names = "--fail-percent",
      description =
          "Percent of deliveries whose first attempt the receiver answers 503. Default:"
              + " ${DEFAULT-VALUE}",
      defaultValue = "2")
  int failPercent;

  @Option(
      names = "--receiver-threads",
      description = "Threads of the receiver. Default: ${DEFAULT-VALUE}",
      defaultValue = "8")
  int receiverThreads;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (events < 1 || warmup < 0 || concurrency < 1 || failPercent < 0 || failPercent > 99) {
      throw new Cdp.UserError(
          "use --events >= 1, --warmup >= 0, --concurrency >= 1 and --fail-percent 0-99");
    }
    Path dir = Files.createTempDirectory("cdp-bench-activation");
    ExecutorService receiverPool = Executors.newFixedThreadPool(receiverThreads);
    HttpServer receiver =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    Receiver counts = new Receiver();
    receiver.setExecutor(receiverPool);
    receiver.createContext("/hook", counts::handle);
    receiver.start();
    try {
      out.printf(
          "cdp bench activation: %,d events (+%,d warm-up), concurrency %d, %d%% first attempts"
              + " answered 503, %d receiver threads, %d cores, Java %s%n",
          events,
          warmup,
          concurrency,
          failPercent,
          receiverThreads,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      LocalEventBus bus = bus(dir, receiver.getAddress().getPort());
      if (warmup > 0) {
        bus.publish(changes("warmup", warmup));
      }
      counts.reset();
      List<ActivationEvent> batch = changes("measured", events);
      long cpuStart = cpuNanos();
      long start = System.nanoTime();
      PublishReport report = bus.publish(batch);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (cpuNanos() - cpuStart) / 1e9;
      DestinationReport d = report.destination("bench", "receiver").orElseThrow();
      out.printf(
          "delivered %,d of %,d in %.2f s: %,.0f deliveries/s (%,d requests incl. %,d retries,"
              + " %,.0f requests/s)%n",
          d.delivered(),
          events,
          seconds,
          d.delivered() / seconds,
          counts.requests.get(),
          d.retries(),
          counts.requests.get() / seconds);
      out.printf(
          "receiver: %,d signatures valid, %,d invalid; %,d answered 503; dead-lettered %,d%n",
          counts.valid.get(), counts.invalid.get(), counts.failed.get(), d.deadLettered());
      out.printf(
          "CPU (bus + receiver, this process): %.2f s for %.2f s of wall time = %.2f cores busy;"
              + " %,.0f deliveries per CPU-second%n",
          cpuSeconds, seconds, cpuSeconds / seconds, d.delivered() / cpuSeconds);
      out.println(
          "Goal (issue 4): >= 5,000 webhook deliveries/s to a local receiver with retries.");
      out.flush();
      return d.delivered() == events && counts.invalid.get() == 0 ? 0 : 1;
    } finally {
      receiver.stop(0);
      receiverPool.shutdownNow();
      IngestBench.deleteTree(dir);
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private LocalEventBus bus(Path dir, int port) throws Exception {
    DestinationConfig destination =
        new DestinationConfig(
            "receiver",
            "webhook",
            new ObjectMapper().readTree("{\"detail-type\": [\"Segment Membership Changed\"]}"),
            "advertising",
            null,
            "http://127.0.0.1:" + port + "/hook",
            "env:BENCH_SECRET",
            5_000,
            5,
            new Backoff(5, 100),
            concurrency);
    CdpConfig config =
        CdpConfig.empty()
            .withTenant(
                new TenantConfig(
                    "bench",
                    "Bench",
                    null,
                    null,
                    List.of(),
                    null,
                    null,
                    null,
                    List.of(destination)));
    return new LocalEventBus(
        config,
        dir,
        new LocalSecretStore(dir.resolve("secrets"), Map.of("BENCH_SECRET", SECRET)),
        Duration.ofMinutes(10));
  }

  private static List<ActivationEvent> changes(String run, int n) {
    List<ActivationEvent> out = new ArrayList<>(n);
    Instant at = Instant.parse("2026-11-24T10:00:00Z");
    for (int i = 0; i < n; i++) {
      String profile = "p-" + i;
      out.add(
          MembershipChangeEvents.of(
              "bench",
              "vip",
              "VIP customers",
              profile,
              i % 5 == 0 ? "exited" : "entered",
              at,
              run,
              Map.of(
                  "email", profile + "@example.com", "first_name", "Jane", "lifetime_revenue", i),
              Map.of("email", List.of(profile + "@example.com"), "user_id", List.of("u" + i)),
              Map.of("advertising", true)));
    }
    return out;
  }

  /** Verifies every signature; answers 503 to the first attempt of --fail-percent of deliveries. */
  private final class Receiver {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong valid = new AtomicLong();
    final AtomicLong invalid = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    void reset() {
      requests.set(0);
      valid.set(0);
      invalid.set(0);
      failed.set(0);
    }

    void handle(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
      try (exchange) {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        requests.incrementAndGet();
        String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER);
        if (WebhookSignature.verify(
            SECRET, signature, body, Instant.now(), Duration.ofMinutes(5))) {
          valid.incrementAndGet();
        } else {
          invalid.incrementAndGet();
          exchange.sendResponseHeaders(401, -1);
          return;
        }
        String delivery = exchange.getRequestHeaders().getFirst("Meridian-Delivery-Id");
        boolean first = "1".equals(exchange.getRequestHeaders().getFirst("Meridian-Attempt"));
        if (first && Math.floorMod(delivery.hashCode(), 100) < failPercent) {
          failed.incrementAndGet();
          exchange.sendResponseHeaders(503, -1);
          return;
        }
        exchange.sendResponseHeaders(200, -1);
      }
    }
  }
}
