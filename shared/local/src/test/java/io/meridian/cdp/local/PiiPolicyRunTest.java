package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.ingest.IngestRequest;
import io.meridian.cdp.ingest.IngestResponse;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.local.activation.LocalSecretStore;
import io.meridian.cdp.privacy.PiiKeys;
import io.meridian.cdp.privacy.PiiProtection;
import io.meridian.cdp.profile.CuratedProfiles;
import io.meridian.cdp.profile.ProfileApi;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.tenant.ConfigFile;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.TestTenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's PII policy applied to a real run: events through the ingestion use case, the spool,
 * the raw zone and raw→clean, then the clean Parquet read back with DuckDB, identity resolution
 * over hashed identifiers, and a profile API lookup by a clear email.
 */
class PiiPolicyRunTest {
  private static final String KEY = WriteKeys.generate();
  private static final String READ_KEY = "rk_" + "r".repeat(32);
  private static final String SECRET = "s3cret-hmac-key-of-acme-0123456789";
  private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

  /** Every clear personal value of the input: none may be in the clean zone or in the logs. */
  private static final List<String> CLEAR =
      List.of(
          "Alice@Example.COM",
          "alice@example.com",
          "555-0100",
          "5550100",
          "Alice Smith",
          "Rue de Rivoli",
          "203.0.113.7",
          "4111 1111 1111 1111",
          "4111111111111111",
          "bob@example.org",
          "DE89 3704 0044 0532 0130 00",
          "253 0000",
          "dev-alice-phone",
          "dev-alice-laptop",
          "078-05-1121");

  @TempDir Path temp;

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final String CONFIG =
      """
      version: 1
      tenants:
      - id: acme
        readKeyHashes: [%s]
        sources:
        - id: web
          writeKeyHashes: [%s]
        privacy:
          hashSecret: file:acme-pii
          declared:
            email: hash
            phone: tokenize
            name: mask
            address: drop
            ip: mask
            user_id: keep
            device_id: hash
          detected:
            email: mask
            phone: hash
            payment_card: drop
            iban: tokenize
            us_ssn: mask
      """;

  private static final String BATCH =
      """
      {"batch":[
        {"type":"identify","messageId":"m-1","anonymousId":"dev-alice-phone",
         "traits":{"email":" Alice@Example.COM ","phone":"(415) 555-0100","name":"Alice Smith",
                   "address":{"street":"1 Rue de Rivoli","city":"Paris"},"plan":"pro",
                   "note":"call me on +1 650 253 0000"},
         "context":{"ip":"203.0.113.7","userAgent":"Mozilla/5.0 Chrome/121.0.4820.109"}},
        {"type":"identify","messageId":"m-2","anonymousId":"dev-alice-laptop",
         "traits":{"email":"alice@example.com"}},
        {"type":"track","messageId":"m-3","anonymousId":"dev-alice-laptop","event":"Order Completed",
         "properties":{"card":"4111 1111 1111 1111","comment":"mail bob@example.org please",
                       "iban":"DE89 3704 0044 0532 0130 00","order":"ORD-77812",
                       "app_version":"1.2.3.4","ssn":"078-05-1121","revenue":42.5}},
        {"type":"track","messageId":"m-4","userId":"u-42","event":"Clicked",
         "properties":{"button":"buy"}}
      ]}
      """;

  private Tenants tenants() throws Exception {
    Path config = temp.resolve("cdp.yaml");
    Files.writeString(config, CONFIG.formatted(WriteKeys.hash(READ_KEY), WriteKeys.hash(KEY)));
    return new Tenants(ConfigFile.load(config));
  }

  private static String hmac(String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "hmac_" + HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void appliesThePolicyPerKindInARealRunAndCountsWithoutLoggingValues() throws Exception {
    Tenants tenants = tenants();
    Path data = temp.resolve("data");
    new LocalSecretStore(data.resolve("secrets"), Map.of()).put("acme-pii", SECRET);
    LocalFileObjectStore lake = new LocalFileObjectStore(data.resolve("lake"));
    PiiKeys keys =
        new PiiKeys(lake, LocalKeyService.forDataDir(data), LocalSecretStore.forDataDir(data));
    PiiProtection protection = new PiiProtection(tenants::tenant, keys);

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err;
    PrintStream out = System.out;
    RunReport report;
    try (Spool spool = new Spool(data.resolve("spool"))) {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      IngestResponse r =
          new IngestService(() -> tenants, spool, new RateLimiter(), new SegmentCallValidator())
              .handle(
                  new IngestRequest(
                      "POST",
                      "/v1/batch",
                      "application/json",
                      null,
                      TestTenants.basicAuth(KEY),
                      BATCH.getBytes(StandardCharsets.UTF_8),
                      NOW,
                      "req-1"));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      report =
          new LocalPipeline(
                  spool,
                  lake,
                  () -> tenants,
                  new SegmentCallValidator(),
                  data.resolve("work"),
                  clock,
                  protection)
              .runOnce();
      System.out.print(report.toTable());
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).contains("pii ");
    for (String value : CLEAR) {
      assertThat(logs).as("the run's output holds no clear personal value").doesNotContain(value);
    }

    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(lake.root())) {
      Map<String, JsonNode> rows = new java.util.TreeMap<>();
      QueryResult q =
          sql.query(
              "SELECT message_id, to_json({user_id: user_id, anonymous_id: anonymous_id,"
                  + " traits: traits, context: context, properties: properties})::VARCHAR FROM"
                  + " clean.events ORDER BY message_id");
      for (List<Object> row : q.rows()) {
        rows.put((String) row.get(0), Json.MAPPER.readTree((String) row.get(1)));
      }
      assertThat(rows).containsOnlyKeys("m-1", "m-2", "m-3", "m-4");
      String all = rows.values().toString();
      for (String value : CLEAR) {
        assertThat(all).as("clean.events holds no clear " + value).doesNotContain(value);
      }

      JsonNode m1 = rows.get("m-1");
      // hash: HMAC-SHA256 with the tenant's secret of the value as normalized (trimmed, lower case)
      assertThat(m1.at("/traits/email").asText()).isEqualTo(hmac("alice@example.com"));
      assertThat(rows.get("m-2").at("/traits/email").asText()).isEqualTo(hmac("alice@example.com"));
      assertThat(m1.at("/anonymous_id").asText()).isEqualTo(hmac("dev-alice-phone"));
      // tokenize: decrypts to the normalized value (E.164)
      String phoneToken = m1.at("/traits/phone").asText();
      assertThat(phoneToken).startsWith("tok_");
      assertThat(keys.detokenizer("acme").detokenize(phoneToken)).isEqualTo("+14155550100");
      // mask, drop
      assertThat(m1.at("/traits/name").asText()).isEqualTo("A***h");
      assertThat(m1.at("/traits").has("address")).isFalse();
      assertThat(m1.at("/context/ip").asText()).isEqualTo("203.0.113.0");
      assertThat(m1.at("/traits/plan").asText()).isEqualTo("pro");
      // undeclared trait: a phone number found in free text, hashed (as found) in place
      assertThat(m1.at("/traits/note").asText()).isEqualTo("call me on " + hmac("+1 650 253 0000"));
      // the user agent is not personal data and is left as it is
      assertThat(m1.at("/context/userAgent").asText())
          .isEqualTo("Mozilla/5.0 Chrome/121.0.4820.109");

      JsonNode p = rows.get("m-3").get("properties");
      assertThat(p.has("card")).as("a card number found is dropped with its field").isFalse();
      assertThat(p.get("comment").asText()).isEqualTo("mail b***@e***.org please");
      assertThat(keys.detokenizer("acme").detokenize(p.get("iban").asText()))
          .isEqualTo("DE89 3704 0044 0532 0130 00");
      assertThat(p.get("ssn").asText()).isEqualTo("0***1");
      assertThat(p.get("order").asText()).isEqualTo("ORD-77812");
      assertThat(p.get("app_version").asText()).isEqualTo("1.2.3.4");
      assertThat(p.get("revenue").asDouble()).isEqualTo(42.5);
      assertThat(rows.get("m-4").get("user_id").asText()).isEqualTo("u-42");

      // counts by kind and action, in the run report and in ops.accounting
      Map<String, Long> expected =
          Map.ofEntries(
              Map.entry("declared.email.hash", 2L),
              Map.entry("declared.phone.tokenize", 1L),
              Map.entry("declared.name.mask", 1L),
              Map.entry("declared.address.drop", 1L),
              Map.entry("declared.ip.mask", 1L),
              Map.entry("declared.device_id.hash", 3L),
              Map.entry("declared.user_id.keep", 1L),
              Map.entry("detected.phone.hash", 1L),
              Map.entry("detected.email.mask", 1L),
              Map.entry("detected.payment_card.drop", 1L),
              Map.entry("detected.iban.tokenize", 1L),
              Map.entry("detected.us_ssn.mask", 1L));
      assertThat(report.lines()).hasSize(1);
      assertThat(report.lines().get(0).pii()).isEqualTo(expected);
      assertThat(report.balanced()).isTrue();
      String accounted =
          (String)
              sql.query("SELECT pii::VARCHAR FROM ops.accounting WHERE stage = 'clean'").scalar();
      Map<String, Long> fromOps =
          Json.MAPPER.readValue(
              accounted, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() {});
      assertThat(fromOps).isEqualTo(expected);

      // identity resolution links the two devices through the hashed email
      QueryResult profiles =
          sql.query(
              "SELECT count(DISTINCT profile_id) FROM curated.event_profiles WHERE message_id IN"
                  + " ('m-1', 'm-2', 'm-3')");
      assertThat(profiles.scalar()).isEqualTo(1L);
      assertThat(
              sql.query(
                      "SELECT count(*) FROM curated.identity_graph WHERE identifier_type ="
                          + " 'email' AND identifier = '"
                          + hmac("alice@example.com")
                          + "'")
                  .scalar())
          .isEqualTo(1L);
    }

    // the profile API finds the person by the clear email, in any case
    ProfileApi api =
        new ProfileApi(
            () -> tenants,
            new CuratedProfiles(
                new CuratedStore(lake, data.resolve("work")), Duration.ofSeconds(1), clock),
            protection);
    ProfileApi.Response found =
        api.handle(
            "GET",
            "/v1/profiles",
            "identifier_type=email&identifier=ALICE%40example.com",
            TestTenants.basicAuth(READ_KEY));
    assertThat(found.status()).as(found.body()).isEqualTo(200);
    assertThat(found.body()).contains(hmac("alice@example.com")).doesNotContain("alice@");

    // the key file was created owner-only
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("keys").resolve("master.key"))))
        .isEqualTo("rw-------");
    assertThat(lake.get(PiiKeys.dataKeyKey("acme"))).isPresent();
  }
}
