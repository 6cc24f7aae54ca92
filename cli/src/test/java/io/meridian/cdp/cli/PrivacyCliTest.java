package io.meridian.cdp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.privacy.AuditEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cdp privacy scan} and {@code cdp audit verify|log} over a real data directory. */
class PrivacyCliTest {
  private static final String KEY = "wk_privacy_cli_test_key_0001";

  @TempDir Path temp;

  private Path data;

  private record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() {
    data = temp.resolve("data");
  }

  private Result cdp(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data");
    all.add(data.toString());
    return run(all.toArray(new String[0]));
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cdp.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  private Result ok(String... args) {
    Result r = cdp(args);
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }

  private Path auditDay() throws IOException {
    try (var files = Files.list(data.resolve("lake/_audit/log"))) {
      List<Path> days = files.sorted().toList();
      assertThat(days).hasSize(1);
      return days.get(0);
    }
  }

  @Test
  void scanPrintsCountsByKindAndPathButNeverAValue() throws IOException {
    Path file = temp.resolve("events.jsonl");
    Files.writeString(
        file,
        """
        {"properties": {"note": "mail alice@example.com, card 4111 1111 1111 1111"}}
        {"properties": {"note": "call (415) 555-0132"}, "context": {"ip": "203.0.113.7"}}
        not json
        {"properties": {"order_id": "ORD-20261124-4471", "version": "1.2.3.4"}}
        """,
        StandardCharsets.UTF_8);

    Result r = run("privacy", "scan", file.toString(), "--region", "us");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("Scanned 4 lines of events.jsonl (phone region US): 2 with personal data.")
        .contains("1 lines are not JSON and were skipped: [3]")
        .containsPattern("email +1\\n")
        .containsPattern("payment_card +1\\n")
        .containsPattern("phone +1\\n")
        .containsPattern("ip_address +1\\n")
        .containsPattern("\\$\\.properties\\.note +email +1  a\\*\\*\\*@e\\*\\*\\*\\.com")
        .containsPattern("\\$\\.context\\.ip +ip_address +1  2\\*\\*\\*7");
    assertThat(r.out()).doesNotContain("alice", "1111 1111", "555-0132", "203.0.113", "ORD-");
  }

  @Test
  void piiBenchScansEveryGeneratedEvent() {
    // The benchmark path, small; no timing asserted.
    Result r = run("bench", "pii", "--events", "400", "--rounds", "1");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("cdp bench pii: 400 events")
        .containsPattern("round 1: [0-9,]+ events/s");
  }

  @Test
  void scanRefusesAnUnknownRegionAndAMissingFile() {
    Result region = run("privacy", "scan", "x.jsonl", "--region", "XX");
    assertThat(region.code()).isEqualTo(2);
    assertThat(region.err())
        .isEqualTo(
            "cdp privacy scan: --region: unknown phone region 'XX': use an ISO 3166 code such as"
                + " US or GB"
                + System.lineSeparator());

    Result missing = run("privacy", "scan", temp.resolve("none.jsonl").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file: ").contains("none.jsonl");
  }

  @Test
  void recordsConfigChangesAndSqlOverPersonalDataButNoKeys() throws IOException {
    ok("tenants", "add", "acme", "--reason", "TICKET-1");
    ok("sources", "add", "--tenant", "acme", "web", "--write-key", KEY);
    Result readKey = ok("tenants", "read-key", "acme");
    String generatedReadKey = readKey.out().replaceAll("(?s).*: (rk_\\S+).*", "$1");
    ok("sql", "SELECT count(*) FROM clean.events");
    ok("sql", "SELECT user_id, traits FROM clean.events WHERE user_id = 'u-secret-42'");

    Result log = ok("audit", "log");
    String text = log.out();
    assertThat(text.lines().skip(1).toList())
        .hasSize(5) // count(*) reads no personal data
        .satisfiesExactly(
            l -> assertThat(l).contains("config.created", "config:cdp.yaml", "first use"),
            l -> assertThat(l).contains("tenants.add", "tenant:acme", "success", "TICKET-1"),
            l -> assertThat(l).contains("sources.add", "source:acme/web", "write_key=given"),
            l -> assertThat(l).contains("tenants.read-key", "tenant:acme"),
            l ->
                assertThat(l)
                    .contains("sql.pii-read", "{columns=traits,user_id, statement_sha256="));
    assertThat(text).contains("local:" + System.getProperty("user.name"));
    String raw = Files.readString(auditDay());
    assertThat(raw).doesNotContain(KEY, generatedReadKey, "u-secret-42", "SELECT");

    ok("audit", "verify");
  }

  @Test
  void recordsAChangeOfCdpYamlMadeOutsideCdpOnceWithTheHashesBeforeAndAfter() throws IOException {
    ok("tenants", "list"); // creates the default config
    Path yaml = data.resolve("cdp.yaml");
    String before = AuditOptions.sha256(Files.readAllBytes(yaml));
    Files.writeString(yaml, Files.readString(yaml).replace("Demo Company", "Demo Company Ltd"));
    String after = AuditOptions.sha256(Files.readAllBytes(yaml));
    ok("tenants", "list"); // detected here
    ok("tenants", "list"); // and recorded once
    ok("tenants", "add", "acme"); // a change cdp makes is recorded by its command alone
    ok("tenants", "list");

    assertThat(ok("audit", "log").out().lines().skip(1).toList())
        .satisfiesExactly(
            l -> assertThat(l).contains("config.created", "sha256=" + before),
            l ->
                assertThat(l)
                    .contains("unknown", "config.changed", "config:cdp.yaml", "changed outside cdp")
                    .contains("sha256_after=" + after, "sha256_before=" + before),
            l -> assertThat(l).contains("tenants.add", "tenant:acme"));
    ok("audit", "verify");
  }

  @Test
  void verifyExitsZeroWhenIntactAndOneNamingTheTamperedEntry() throws IOException {
    ok("tenants", "add", "t1");
    ok("tenants", "add", "t2");
    ok("tenants", "add", "t3");
    Result intact = ok("audit", "verify");
    // the first command created the default config: entry 1
    assertThat(intact.out()).startsWith("Audit log intact: 4 entries, last entry 4, hash ");

    Path day = auditDay();
    List<String> lines = new ArrayList<>(Files.readAllLines(day));
    lines.set(2, lines.get(2).replace("tenant:t2", "tenant:tX"));
    Files.write(day, lines);
    // An append chains onto the last entry and leaves the edited one as it is: still detected.
    ok("tenants", "add", "t4");

    Result tampered = cdp("audit", "verify");
    assertThat(tampered.code()).as(tampered.toString()).isEqualTo(1);
    assertThat(tampered.err())
        .isEqualTo(
            "Audit log NOT intact at _audit/log/"
                + day.getFileName()
                + " line 3 (entry 3): hash mismatch: the entry's content does not match its hash"
                + " (edited) (2 entries before it verified)"
                + System.lineSeparator());

    // A log whose last entry cannot be chained onto takes no further entries, and the command
    // that needed one says so and does nothing.
    List<String> now = new ArrayList<>(Files.readAllLines(day));
    now.set(4, now.get(4).substring(0, 40));
    Files.write(day, now);
    Result refused = cdp("tenants", "add", "t5");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err())
        .contains("audit log is damaged (_audit/log/" + day.getFileName() + " line 5 is not JSON)");
    assertThat(ok("tenants", "list").out()).contains("t4").doesNotContain("t5");
    Result sql = cdp("sql", "SELECT traits FROM clean.events");
    assertThat(sql.code()).isEqualTo(1);
    assertThat(sql.out()).isEmpty();
  }

  @Test
  void keepsOneChainWhenTwoRuntimesOnOneDataDirectoryAppendAtOnce() throws Exception {
    // Two runtimes stand for two `cdp` processes: each has its own AuditLog, so only the lock on
    // DIR/audit.lock orders their appends.
    Options options = new Options();
    options.data = data;
    PrintWriter sink = new PrintWriter(new StringWriter());
    try (LocalRuntime a = LocalRuntime.open(options, sink);
        LocalRuntime b = LocalRuntime.open(options, sink)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          LocalRuntime rt = i % 2 == 0 ? a : b;
          String target = "tenant:t" + i;
          futures.add(
              pool.submit(
                  () -> {
                    rt.record(AuditEvent.success("local:test", "tenants.add", target, ""));
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
    }
    // and the default config's creation, recorded once by the first runtime
    assertThat(ok("audit", "verify").out()).startsWith("Audit log intact: 201 entries");
  }

  @Test
  void logFiltersBySinceAndRejectsABadDate() {
    ok("tenants", "add", "t1");
    assertThat(ok("audit", "log", "--since", "2999-01-01").out().lines()).hasSize(1);
    assertThat(ok("audit", "log", "--since", "2000-01-01T00:00:00Z").out().lines())
        .hasSize(3); // header, config.created, tenants.add

    Result bad = cdp("audit", "log", "--since", "yesterday");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .contains(
            "--since must be a day like 2026-11-24 or an instant like 2026-11-24T10:00:00Z, not"
                + " 'yesterday'");
  }
}
