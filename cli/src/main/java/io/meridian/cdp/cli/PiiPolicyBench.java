package io.meridian.cdp.cli;

import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.clean.ObjectStoreDedupIndex;
import io.meridian.cdp.clean.RawToClean;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.local.LocalFileObjectStore;
import io.meridian.cdp.local.LocalKeyService;
import io.meridian.cdp.local.activation.LocalSecretStore;
import io.meridian.cdp.privacy.PiiAction;
import io.meridian.cdp.privacy.PiiKeys;
import io.meridian.cdp.privacy.PiiKind;
import io.meridian.cdp.privacy.PiiPolicy;
import io.meridian.cdp.privacy.PiiProtection;
import io.meridian.cdp.privacy.PiiType;
import io.meridian.cdp.raw.RawZoneWriter;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What a tenant's PII policy costs in raw→clean: the same N calls converted under no policy (the
 * converter's no-op path), the default policy (IPs masked, free text scanned) and a policy that
 * hashes and tokenizes every declared kind and masks what is found in free text.
 */
@Command(
    name = "pii-policy",
    mixinStandardHelpOptions = true,
    description =
        "Raw-to-clean conversion speed under no PII policy, the default, and hash/tokenize.")
final class PiiPolicyBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      description = "Events to convert per policy. Default: ${DEFAULT-VALUE}",
      defaultValue = "200000")
  int events;

  private static final int CHUNK = 10_000;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("cdp-bench-pii-policy");
    try {
      out.printf(
          "cdp bench pii-policy: %,d events per policy (after a warm-up round), 1 thread, Java %s%n",
          events, System.getProperty("java.version"));
      new LocalSecretStore(dir.resolve("secrets"), Map.of()).put("bench-pii", "bench-secret");
      Map<PiiType, PiiAction> declared = new EnumMap<>(PiiType.class);
      for (PiiType t : PiiType.values()) {
        declared.put(
            t,
            switch (t) {
              case EMAIL, USER_ID, DEVICE_ID -> PiiAction.HASH;
              case PHONE -> PiiAction.TOKENIZE;
              default -> PiiAction.MASK;
            });
      }
      Map<PiiKind, PiiAction> detected = new EnumMap<>(PiiKind.class);
      for (PiiKind k : PiiKind.values()) {
        detected.put(k, PiiAction.MASK);
      }
      Map<String, PiiPolicy> policies = new LinkedHashMap<>();
      policies.put("none (keep all, no scan)", PiiPolicy.keepAll());
      policies.put("default", PiiPolicy.DEFAULT);
      policies.put(
          "hash+tokenize ids, mask rest", new PiiPolicy(declared, detected, "file:bench-pii"));
      double base = 0;
      int n = 0;
      // Round 1 warms the JIT up and is not reported; round 2 is measured.
      for (int round = 1; round <= 2; round++) {
        for (Map.Entry<String, PiiPolicy> e : policies.entrySet()) {
          Path root = dir.resolve("lake-" + n++);
          LocalFileObjectStore lake = new LocalFileObjectStore(root);
          generate(lake);
          TenantConfig tenant = TenantConfig.named("bench", "bench").withPrivacy(e.getValue());
          PiiProtection protection =
              new PiiProtection(
                  id -> Optional.of(tenant),
                  new PiiKeys(
                      lake,
                      LocalKeyService.forDataDir(dir),
                      new LocalSecretStore(dir.resolve("secrets"), Map.of())));
          RawToClean converter =
              new RawToClean(
                  lake,
                  new ObjectStoreDedupIndex(lake),
                  t -> "US",
                  new SegmentCallValidator(),
                  root.resolve("work"),
                  Clock.systemUTC(),
                  protection);
          Map<String, Long> counts = new TreeMap<>();
          long t0 = System.nanoTime();
          for (String key : converter.pending()) {
            StageCounts c = converter.convert(key);
            c.pii().forEach((k, v) -> counts.merge(k, v, Long::sum));
          }
          double s = (System.nanoTime() - t0) / 1e9;
          IngestBench.deleteTree(root);
          if (round == 1) {
            continue;
          }
          if (base == 0) {
            base = s;
          }
          out.printf(
              "%-30s %7.2f s  %,10.0f events/s  %.2fx the time of no policy%n",
              e.getKey(), s, events / s, s / base);
          counts.forEach((k, v) -> out.printf("    %-36s %,10d%n", k, v));
          out.flush();
        }
      }
    } finally {
      IngestBench.deleteTree(dir);
    }
    return 0;
  }

  /** N calls like `cdp bench convert`'s, one in 20 with personal data in a free-text property. */
  private void generate(LocalFileObjectStore lake) throws Exception {
    Random r = new Random(7);
    RawZoneWriter writer = new RawZoneWriter(lake, Clock.systemUTC());
    Instant received = Instant.parse("2026-11-24T10:00:00Z");
    List<Envelope> chunk = new ArrayList<>(CHUNK);
    for (int i = 0; i < events; i++) {
      int person = r.nextInt(200_000);
      String ts = Instant.parse("2026-11-24T09:00:00Z").plusMillis(i * 3L).toString();
      String context =
          "\"context\":{\"ip\":\"203.0.113."
              + (person % 250)
              + "\",\"library\":{\"name\":\"analytics.js\",\"version\":\"2.11.1\"}},"
              + "\"originalTimestamp\":\""
              + ts
              + "\",\"sentAt\":\""
              + ts
              + "\"}";
      String note =
          i % 20 == 0
              ? ",\"note\":\"card 4111 1111 1111 1111, mail user" + person + "@example.com\""
              : "";
      String call =
          switch (r.nextInt(10)) {
            case 0 ->
                "{\"type\":\"identify\",\"messageId\":\"m-"
                    + i
                    + "\",\"userId\":\"u-"
                    + person
                    + "\",\"anonymousId\":\"a-"
                    + person
                    + "\",\"traits\":{\"email\":\" User"
                    + person
                    + "@Example.com\",\"phone\":\"(415) 555-"
                    + (1000 + person % 9000)
                    + "\",\"plan\":\"pro\""
                    + note
                    + "},"
                    + context;
            case 1, 2, 3 ->
                "{\"type\":\"page\",\"messageId\":\"m-"
                    + i
                    + "\",\"anonymousId\":\"a-"
                    + person
                    + "\",\"name\":\"Product\",\"properties\":{\"url\":\"https://shop.example.com/p/"
                    + r.nextInt(5000)
                    + "\",\"title\":\"Product\",\"referrer\":\"https://www.google.com/\""
                    + note
                    + "},"
                    + context;
            default ->
                "{\"type\":\"track\",\"messageId\":\"m-"
                    + i
                    + "\",\"userId\":\"u-"
                    + person
                    + "\",\"anonymousId\":\"a-"
                    + person
                    + "\",\"event\":\"Order Completed\",\"properties\":{\"product_id\":\"p-"
                    + r.nextInt(5000)
                    + "\",\"price\":"
                    + (r.nextInt(20000) / 100.0)
                    + ",\"currency\":\"USD\",\"quantity\":"
                    + (1 + r.nextInt(3))
                    + note
                    + "},"
                    + context;
          };
      chunk.add(
          new Envelope(
              "bench",
              "web",
              "m-" + i,
              null,
              received.plusMillis(i / 50),
              "req-" + (i / 100),
              null,
              call));
      if (chunk.size() == CHUNK) {
        writer.write(chunk, String.format("bench-%08d", i / CHUNK));
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      writer.write(chunk, String.format("bench-%08d", events / CHUNK));
    }
  }
}
