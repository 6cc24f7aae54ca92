package io.meridian.cdp.cli;

import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.local.HttpIngestServer;
import io.meridian.cdp.local.LocalPipeline;
import io.meridian.cdp.local.activation.LocalSecretStore;
import io.meridian.cdp.local.activation.WebhookReceiver;
import io.meridian.cdp.profile.ProfileApi;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ReadKeys;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Send realistic synthetic traffic for the demo tenant through the real HTTP API,"
            + " run the pipeline, print the accounting and a sample query.")
final class DemoCommand implements Callable<Integer> {
  static final String TENANT = "demo";
  static final String SOURCE = "demo-generator";

  @Mixin Options options;
  @Spec CommandSpec spec;

  @Option(
      names = "--people",
      description = "Synthetic people to generate. Default: ${DEFAULT-VALUE}",
      defaultValue = "500")
  int people;

  @Option(
      names = "--seed",
      description =
          "Random seed: the same seed gives the same traffic (so a repeated seed sends only"
              + " duplicates). Default: a new seed each run")
  Long seed;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (LocalRuntime rt = LocalRuntime.open(options, out)) {
      // The generator authenticates like any client, with a write key that exists only for this
      // run: it is added in memory to the demo tenant and never written to cdp.yaml.
      String key = WriteKeys.generate();
      String readKey = ReadKeys.generate();
      String secret = WriteKeys.generate().substring(3);
      LocalSecretStore.forDataDir(rt.data()).put(WEBHOOK_SECRET, secret);
      DemoSegments.ensure(rt.data());
      WebhookReceiver receiver = new WebhookReceiver(0, secret, delivery -> {});
      Tenants tenants = withDemoKeys(rt.tenants().config(), key, readKey, receiver.url());
      IngestService ingest =
          new IngestService(() -> tenants, rt.spool(), new RateLimiter(), rt.validator());
      List<TrafficGenerator.Request> requests =
          new TrafficGenerator(
                  seed != null ? seed : new java.security.SecureRandom().nextLong(),
                  rt.clock().instant().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(3)))
              .generate(people);
      out.printf(
          "1. Sending %d requests for %d synthetic people through the HTTP API...%n",
          requests.size(), people);
      out.flush();
      long t0 = System.nanoTime();
      int[] statuses = new int[600];
      HttpIngestServer server =
          new HttpIngestServer("127.0.0.1", 0, ingest, rt.clock(), 16)
              .serveProfiles(new ProfileApi(() -> tenants, rt.profiles()));
      server.start();
      send(server.port(), key, requests, statuses);
      double secs = (System.nanoTime() - t0) / 1e9;
      out.printf("   %d answered 200 in %.1f s%n", statuses[200], secs);
      for (int s = 201; s < statuses.length; s++) {
        if (statuses[s] > 0) {
          out.printf("   %d answered %d%n", statuses[s], s);
        }
      }
      out.println(
          "2. Running the pipeline (spool -> raw zone -> clean zone -> identities -> profiles ->"
              + " segments -> activation)...");
      out.flush();
      LocalPipeline pipeline = rt.pipeline(() -> tenants);
      RunReport report = pipeline.runOnce();
      out.print(report.toTable());
      out.println("3. Querying with DuckDB (try it yourself: ./cdp sql \"...\"):");
      String sql =
          "SELECT type, event, count(*) AS events, count(DISTINCT coalesce(user_id, anonymous_id)) AS"
              + " people FROM clean.events WHERE tenant = 'demo' GROUP BY ALL ORDER BY events DESC";
      String revenue =
          "SELECT p.profile_id, p.traits->>'email' AS email, count(*) AS events,"
              + " any_value(p.order_count) AS orders, any_value(p.lifetime_revenue) AS revenue FROM"
              + " clean.events e JOIN curated.event_profiles USING (tenant, message_id) JOIN"
              + " curated.profiles p USING (tenant, profile_id) WHERE tenant = 'demo' GROUP BY 1, 2"
              + " ORDER BY revenue DESC LIMIT 5";
      try (DuckDbSqlEngine engine = rt.sql()) {
        out.println("   " + sql);
        out.print(ResultFormat.table(engine.query(sql)));
        out.println("   " + revenue);
        out.print(ResultFormat.table(engine.query(revenue)));
        out.println("   SELECT reason, count(*) FROM quarantine.records GROUP BY reason");
        out.print(
            ResultFormat.table(
                engine.query(
                    "SELECT reason, field, count(*) AS records FROM quarantine.records WHERE tenant"
                        + " = 'demo' GROUP BY ALL ORDER BY records DESC")));
      }
      out.println(
          "4. One unified profile, explained (try: ./cdp profile <email|user id|profile id>"
              + " --explain):");
      out.flush();
      try (DuckDbSqlEngine engine = rt.sql()) {
        var top =
            engine.query(
                "SELECT p.profile_id FROM curated.profiles p JOIN curated.profile_merges m ON"
                    + " m.tenant = p.tenant AND m.into_profile_id = p.profile_id WHERE p.tenant ="
                    + " 'demo' ORDER BY p.lifetime_revenue DESC, p.profile_id LIMIT 1");
        if (!top.rows().isEmpty()) {
          ProfileCommand.show(engine, out, TENANT, (String) top.rows().get(0).get(0), "US", true);
        }
      }
      out.flush();
      boolean activated;
      try (server;
          receiver) {
        activated = ActivationDemo.run(out, rt, pipeline, receiver, server.port(), key, readKey);
      }
      return report.balanced() && statuses[200] == requests.size() && activated ? 0 : 1;
    }
  }

  /** Secret name of the demo webhook's signing secret, in {@code <data>/secrets/}. */
  static final String WEBHOOK_SECRET = "demo-webhook";

  /**
   * The config with, for this run only (never written to cdp.yaml): the generator's write key, a
   * read key for the profile API, and a webhook destination at the demo receiver.
   */
  private static Tenants withDemoKeys(
      CdpConfig config, String key, String readKey, String receiverUrl) {
    TenantConfig demo = config.tenant(TENANT).orElse(TenantConfig.named(TENANT, "Demo Company"));
    SourceConfig source =
        demo.source(SOURCE)
            .orElse(new SourceConfig(SOURCE, List.of()))
            .withKeyHash(WriteKeys.hash(key));
    TenantConfig t = demo.withSource(source).withReadKeyHash(WriteKeys.hash(readKey));
    List<DestinationConfig> destinations = new ArrayList<>(t.activationDestinations());
    destinations.add(
        new DestinationConfig(
            "demo-webhook",
            "webhook",
            Json.MAPPER
                .createObjectNode()
                .set(
                    "detail-type", Json.MAPPER.createArrayNode().add("Segment Membership Changed")),
            null,
            null,
            receiverUrl,
            "file:" + WEBHOOK_SECRET,
            null,
            null,
            null,
            null));
    return new Tenants(
        config.withTenant(
            new TenantConfig(
                t.id(),
                t.name(),
                t.rateLimit(),
                t.defaultPhoneRegion(),
                t.sources(),
                t.identity(),
                t.readKeyHashes(),
                t.segments(),
                destinations)));
  }

  private static void send(
      int port, String key, List<TrafficGenerator.Request> requests, int[] statuses)
      throws InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String auth = ActivationDemo.basic(key);
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (TrafficGenerator.Request r : requests) {
      inFlight.acquire();
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.path()))
              .header("Content-Type", "application/json")
              .header("Authorization", auth)
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofString(r.body()))
              .build();
      all.add(
          client
              .sendAsync(req, HttpResponse.BodyHandlers.discarding())
              .handle(
                  (resp, err) -> {
                    synchronized (statuses) {
                      statuses[resp == null ? 599 : resp.statusCode()]++;
                    }
                    inFlight.release();
                    return null;
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
  }
}
