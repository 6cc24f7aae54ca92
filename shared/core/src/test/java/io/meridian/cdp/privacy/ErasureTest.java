package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.identity.AudienceTraits;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedErasure;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedTables;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.identity.TenantBusyException;
import io.meridian.cdp.identity.TenantLease;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.ingest.IngestRequest;
import io.meridian.cdp.ingest.IngestResponse;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.lake.ConditionalWrites;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.parquet.TableSchema;
import io.meridian.cdp.secret.SecretStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure over an object store holding real clean Parquet files, raw gzip objects and the curated
 * snapshots of the real steps.
 */
class ErasureTest {
  @TempDir Path work;

  private static final IdentityRules RULES = IdentityRules.defaults();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T08:00:00Z"), ZoneOffset.UTC);
  private static final SecretStore SECRETS = ref -> "test-privacy-key-of-" + ref.name();
  private static final TenantConfig ACME =
      new TenantConfig("acme", null, null, null, List.of(new SourceConfig("web", List.of())), null);
  private static final String ALICE_EMAIL = "Alice@Example.com";

  private final PrivacyKeys keys = new PrivacyKeys(SECRETS, PrivacyKeys::localRef);

  /** Alice (two devices, a user id, an email, consent), Bob, and random traffic, in 3 files. */
  private static List<List<Call>> days() {
    List<List<Call>> days = CleanFixtures.randomDays(11, 3, 15);
    String consent = "{\"consent\":{\"categoryPreferences\":{\"Advertising\":false}}}";
    days.get(0)
        .add(new Call("alice-1", "page", null, null, "dev-alice", null, null, 1_790_000_001L));
    days.get(0)
        .add(
            new Call(
                "alice-2",
                "identify",
                null,
                "alice",
                "dev-alice",
                "{\"email\":\"" + ALICE_EMAIL + "\",\"plan\":\"gold\"}",
                null,
                1_790_000_002L,
                consent));
    days.get(1)
        .add(
            new Call(
                "alice-3",
                "track",
                "Order Completed",
                "alice",
                "dev-alice-2",
                null,
                "{\"revenue\":10}",
                1_790_100_000L));
    days.get(2)
        .add(new Call("alice-4", "page", null, null, "dev-alice-2", null, null, 1_790_200_000L));
    days.get(2)
        .add(
            new Call(
                "bob-1",
                "identify",
                null,
                "bob",
                "dev-bob",
                "{\"email\":\"bob@example.com\"}",
                null,
                1_790_200_001L));
    return days;
  }

  /** Clean files, their raw objects, and the curated steps run day by day. */
  /** The lake's profiles step also keeps audience traits (ADR 0032), which erasure must filter. */
  private static final AudienceTraits.Layout AUDIENCE_TRAITS =
      new AudienceTraits.Layout(List.of("last_seen"), List.of(List.of("email")));

  private CuratedStore lake(ObjectStore objects) throws IOException {
    CuratedStore store = new CuratedStore(objects, work);
    List<List<Call>> days = days();
    for (int d = 0; d < days.size(); d++) {
      String day = "2026-11-0" + (d + 1);
      CleanFixtures.writeClean(objects, work, "acme", day, "web-h00-b" + d, days.get(d));
      List<byte[]> lines = new ArrayList<>();
      List<String> quarantined = new ArrayList<>();
      if (d == 0) {
        // two calls rejected by validation (a track without event), one of them alice's
        quarantined.add("alice-q");
        quarantined.add("bob-q");
        Path q = work.resolve("q.parquet");
        java.nio.file.Files.deleteIfExists(q);
        try (var w = io.meridian.cdp.parquet.ParquetFiles.create(CleanTables.QUARANTINE, q)) {
          for (String id : quarantined) {
            w.write(
                new Object[] {
                  "web",
                  id,
                  Instant.parse(day + "T00:00:00Z"),
                  "missing_field",
                  "event",
                  "event is required",
                  "{\"type\":\"track\",\"userId\":\"" + id.substring(0, id.indexOf('-')) + "\"}",
                  "raw/tenant=acme/source=web/dt=" + day + "/hour=00/b0.jsonl.gz"
                });
          }
        }
        objects.putFile("quarantine/records/tenant=acme/dt=" + day + "/web-h00-b0.parquet", q);
      }
      for (String id : quarantined) {
        lines.add(
            EnvelopeCodec.encode(
                    new Envelope(
                        "acme",
                        "web",
                        id,
                        "track",
                        Instant.parse(day + "T00:00:00Z"),
                        "r",
                        null,
                        "{}"))
                .getBytes(StandardCharsets.UTF_8));
      }
      for (Call c : days.get(d)) {
        lines.add(
            EnvelopeCodec.encode(
                    new Envelope(
                        "acme",
                        "web",
                        c.id(),
                        c.type(),
                        Instant.parse(day + "T00:00:00Z"),
                        "r",
                        null,
                        "{\"messageId\":\"" + c.id() + "\"}"))
                .getBytes(StandardCharsets.UTF_8));
      }
      objects.put(
          "raw/tenant=acme/source=web/dt=" + day + "/hour=00/b" + d + ".jsonl.gz", gzip(lines));
      new ResolveIdentities(store).run("acme", RULES, "US");
      new BuildProfiles(store).run("acme", RULES, AUDIENCE_TRAITS);
    }
    return store;
  }

  /** A new clean file: carol's first event, after the fixture's days. */
  private void carolArrives(ObjectStore objects) throws IOException {
    CleanFixtures.writeClean(
        objects,
        work,
        "acme",
        "2026-11-09",
        "web-h00-b9",
        List.of(
            new Call(
                "carol-1", "identify", null, "carol", "dev-carol", null, null, 1_790_900_000L)));
  }

  private Erasure erasure(ObjectStore objects, AuditLog audit, Erasure.StepHook hook) {
    return new Erasure(
        objects,
        work,
        keys,
        new Suppression(objects, keys, Duration.ZERO, CLOCK),
        audit,
        CLOCK,
        hook);
  }

  private static byte[] gzip(List<byte[]> lines) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      for (byte[] l : lines) {
        gz.write(l);
        gz.write('\n');
      }
    }
    return out.toByteArray();
  }

  private static List<String> rawMessageIds(ObjectStore objects) throws IOException {
    List<String> ids = new ArrayList<>();
    for (String key : objects.list("raw/")) {
      byte[] all =
          new GZIPInputStream(new ByteArrayInputStream(objects.get(key).orElseThrow()))
              .readAllBytes();
      for (String line : new String(all, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isEmpty()) {
          ids.add(EnvelopeCodec.decode(line).messageId());
        }
      }
    }
    ids.sort(null);
    return ids;
  }

  private static List<String> rows(CuratedStore store, TableSchema schema, String prefix)
      throws IOException {
    List<String> rows = new ArrayList<>();
    for (String key : store.objects().list(prefix)) {
      for (Object[] r : store.read(schema, key)) {
        rows.add(Arrays.toString(r));
      }
    }
    rows.sort(null);
    return rows;
  }

  private static List<String> current(CuratedStore store, String step, TableSchema schema)
      throws IOException {
    List<String> rows = new ArrayList<>();
    for (Object[] r :
        store.read(schema, store.pointer("acme", step).orElseThrow().tables().get(schema.name()))) {
      rows.add(Arrays.toString(r));
    }
    rows.sort(null);
    return rows;
  }

  @Test
  void erasesThePersonFromCleanCuratedAndRawAndNothingElse() throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    CuratedStore store = lake(objects);
    CuratedErasure.Person alice =
        new CuratedErasure(store).find("acme", "email", "alice@example.com").orElseThrow();
    assertThat(alice.identifiers()).hasSize(4); // user id, email, two devices
    List<String> cleanBefore = rows(store, CleanTables.EVENTS, "clean/");
    List<String> othersBefore = cleanBefore.stream().filter(r -> !r.contains("alice")).toList();
    List<String> rawBefore = rawMessageIds(objects);
    AuditLog audit = new AuditLog(objects, AuditLog.DEFAULT_PREFIX, CLOCK);

    Erasure.Outcome out =
        erasure(objects, audit, null).erase(ACME, "email", ALICE_EMAIL, "TICKET-1", "local:test");

    Erasure.Done done = (Erasure.Done) out;
    assertThat(done.alreadyDone()).isFalse();
    List<String> cleanAfter = rows(store, CleanTables.EVENTS, "clean/");
    assertThat(cleanAfter).isEqualTo(othersBefore);
    assertThat(rawMessageIds(objects))
        .isEqualTo(rawBefore.stream().filter(id -> !id.startsWith("alice-")).toList());
    for (TableSchema t :
        List.of(
            CuratedTables.IDENTITY_GRAPH,
            CuratedTables.PROFILE_MERGES,
            CuratedTables.BLOCKED_MERGES)) {
      assertThat(current(store, "identity", t).toString()).doesNotContain(alice.profileId());
      assertThat(current(store, "identity", t).toString()).doesNotContain("alice");
    }
    assertThat(current(store, "profiles", CuratedTables.PROFILES).toString())
        .doesNotContain(alice.profileId())
        .contains("bob@example.com");
    assertThat(current(store, "profiles", CuratedTables.CONSENT_HISTORY).toString())
        .doesNotContain(alice.profileId());
    CuratedStore.Pointer profiles = store.pointer("acme", "profiles").orElseThrow();
    assertThat(profiles.audienceTraits()).isEqualTo(AUDIENCE_TRAITS);
    assertThat(
            store
                .read(AUDIENCE_TRAITS.schema(), profiles.tables().get(AudienceTraits.TABLE))
                .stream()
                .map(Arrays::toString)
                .toList()
                .toString())
        .doesNotContain(alice.profileId())
        .doesNotContain("alice@example.com")
        .contains("bob@example.com");
    assertThat(
            rows(store, CuratedTables.EVENT_IDENTIFIERS, "curated/event_identifiers/").toString())
        .doesNotContain("alice");
    assertThat(new CuratedErasure(store).find("acme", "user_id", "alice")).isEmpty();
    // nothing of alice in clear anywhere in the lake but in the audit-free report fields
    for (String key : objects.list("")) {
      if (!key.endsWith(".parquet") && !key.endsWith(".gz")) {
        assertThat(new String(objects.get(key).orElseThrow(), StandardCharsets.UTF_8))
            .as(key)
            .doesNotContainIgnoringCase("alice@example.com")
            .doesNotContain("dev-alice");
      }
    }
    ObjectNode report = done.report();
    assertThat(report.path("removed").path("cleanRows").asLong()).isEqualTo(4);
    assertThat(report.path("removed").path("rawLines").asLong()).isEqualTo(5);
    assertThat(report.path("removed").path("quarantineRows").asLong()).isEqualTo(1);
    assertThat(rows(store, CleanTables.QUARANTINE, "quarantine/"))
        .hasSize(1)
        .allSatisfy(r -> assertThat(r).contains("bob-q"));
    assertThat(report.path("removed").path("suppressedIdentifiers").asLong()).isEqualTo(4);
    assertThat(report.path("removed").path("profiles").asLong()).isEqualTo(1);
    byte[] stored = objects.get(done.reportKey()).orElseThrow();
    assertThat(ErasureReport.verify(keys, stored).valid()).isTrue();
    String tampered =
        new String(stored, StandardCharsets.UTF_8).replace("\"rawLines\" : 5", "\"rawLines\" : 3");
    assertThat(tampered).isNotEqualTo(new String(stored, StandardCharsets.UTF_8));
    assertThat(ErasureReport.verify(keys, tampered.getBytes(StandardCharsets.UTF_8)).valid())
        .isFalse();
    PrivacyKeys otherKey =
        new PrivacyKeys(ref -> "another-key-entirely-0123", PrivacyKeys::localRef);
    assertThat(ErasureReport.verify(otherKey, stored).valid()).isFalse();
    var entries = audit.read(Instant.EPOCH);
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).event().action()).isEqualTo("privacy.erase");
    assertThat(entries.get(0).event().reason()).isEqualTo("TICKET-1");
    assertThat(entries.get(0).event().details().toString()).doesNotContainIgnoringCase("alice");
    assertThat(audit.verify().intact()).isTrue();
  }

  @Test
  void runningTheSameRequestAgainDoesNothingNew() throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    lake(objects);
    AuditLog audit = new AuditLog(objects, AuditLog.DEFAULT_PREFIX, CLOCK);
    Erasure.Done first =
        (Erasure.Done) erasure(objects, audit, null).erase(ACME, "email", ALICE_EMAIL, "", "t");
    Map<String, String> before = snapshot(objects);
    // by another identifier of the same person in another form: not found any more, since erased
    Erasure.Done again =
        (Erasure.Done)
            erasure(objects, audit, null).erase(ACME, "email", " ALICE@example.COM ", "", "t");
    assertThat(again.alreadyDone()).isTrue();
    assertThat(again.requestId()).isEqualTo(first.requestId());
    assertThat(again.report()).isEqualTo(first.report());
    Map<String, String> after = snapshot(objects);
    assertThat(after).isEqualTo(before);
    assertThat(audit.read(Instant.EPOCH)).hasSize(2);
  }

  /** Every object but the audit log, as a digest. */
  private static Map<String, String> snapshot(ObjectStore objects) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String key : objects.list("")) {
      if (!key.startsWith("_audit/")) {
        out.put(
            key,
            Base64.getEncoder().encodeToString(objects.get(key).orElseThrow()).hashCode() + "");
      }
    }
    return out;
  }

  @Test
  void aCrashBetweenStepsResumesWhereItStoppedAndEndsAsAnUninterruptedRun() throws IOException {
    for (String failing :
        List.of("plan", "clean", "quarantine", "identity", "profiles", "raw", "report")) {
      InMemoryObjectStore straight = new InMemoryObjectStore();
      lake(straight);
      erasure(straight, null, null).erase(ACME, "user_id", "alice", "", "t");

      InMemoryObjectStore crashed = new InMemoryObjectStore();
      lake(crashed);
      Erasure.StepHook crash =
          step -> {
            if (step.equals(failing)) {
              throw new IOException("injected crash before " + step);
            }
          };
      AuditLog audit = new AuditLog(crashed, AuditLog.DEFAULT_PREFIX, CLOCK);
      assertThrows(
          IOException.class,
          () -> erasure(crashed, audit, crash).erase(ACME, "user_id", "alice", "", "t"),
          failing);
      Erasure.Done done =
          (Erasure.Done) erasure(crashed, audit, null).erase(ACME, "user_id", "alice", "", "t");
      assertThat(done.resumed()).as(failing).isEqualTo(!failing.equals("plan"));
      CuratedStore a = new CuratedStore(straight, work);
      CuratedStore b = new CuratedStore(crashed, work);
      assertThat(rows(b, CleanTables.EVENTS, "clean/"))
          .as(failing)
          .isEqualTo(rows(a, CleanTables.EVENTS, "clean/"));
      assertThat(rawMessageIds(crashed)).as(failing).isEqualTo(rawMessageIds(straight));
      assertThat(rows(b, CleanTables.QUARANTINE, "quarantine/"))
          .as(failing)
          .isEqualTo(rows(a, CleanTables.QUARANTINE, "quarantine/"));
      for (String step : List.of("identity", "profiles")) {
        TableSchema t =
            step.equals("identity") ? CuratedTables.IDENTITY_GRAPH : CuratedTables.PROFILES;
        assertThat(current(b, step, t)).as(failing).isEqualTo(current(a, step, t));
      }
      assertThat(done.report().path("removed"))
          .as(failing)
          .isEqualTo(Erasure.parse(straight.get(done.reportKey()).orElseThrow()).path("removed"));
      assertThat(audit.verify().intact()).isTrue();
      var actions = audit.read(Instant.EPOCH).stream().map(e -> e.event().outcome()).toList();
      assertThat(actions).as(failing).containsExactly("failure", "success");
    }
  }

  @Test
  void anUnknownIdentifierIsNotFoundAndTheRequestIsAudited() throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    lake(objects);
    AuditLog audit = new AuditLog(objects, AuditLog.DEFAULT_PREFIX, CLOCK);
    Erasure.Outcome out =
        erasure(objects, audit, null).erase(ACME, "email", "nobody@example.com", "why", "t");
    assertThat(out).isInstanceOf(Erasure.NotFound.class);
    var e = audit.read(Instant.EPOCH).get(0).event();
    assertThat(e.outcome()).isEqualTo("failure");
    assertThat(e.details()).containsEntry("result", "not_found").containsKey("identifier_hash");
    assertThat(e.details().toString()).doesNotContain("nobody");
    assertThat(objects.list("_state/privacy/")).isEmpty();
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> erasure(objects, audit, null).erase(ACME, "shoe_size", "42", "", "t"));
    assertThat(bad.getMessage()).contains("shoe_size").contains("email");
  }

  @Test
  void laterIncrementalRunsAndAFullRebuildDoNotBringThePersonBack() throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    CuratedStore store = lake(objects);
    erasure(objects, null, null).erase(ACME, "email", ALICE_EMAIL, "", "t");
    int before = store.pointer("acme", "identity").orElseThrow().generation();
    carolArrives(objects);
    var r = new ResolveIdentities(store).run("acme", RULES, "US");
    new BuildProfiles(store).run("acme", RULES);
    assertThat(r.rebuilt()).isFalse();
    assertThat(store.pointer("acme", "identity").orElseThrow().generation()).isEqualTo(before);
    assertThat(current(store, "identity", CuratedTables.IDENTITY_GRAPH).toString())
        .doesNotContain("alice")
        .contains("carol");
    assertThat(current(store, "profiles", CuratedTables.PROFILES).toString())
        .doesNotContain("alice");

    // from scratch over what is left: the same, without alice
    InMemoryObjectStore scratch = new InMemoryObjectStore();
    for (String key : objects.list("clean/")) {
      scratch.put(key, objects.get(key).orElseThrow());
    }
    CuratedStore fresh = new CuratedStore(scratch, work);
    new ResolveIdentities(fresh).run("acme", RULES, "US");
    new BuildProfiles(fresh).run("acme", RULES);
    assertThat(current(fresh, "identity", CuratedTables.IDENTITY_GRAPH).toString())
        .doesNotContain("alice");
  }

  @Test
  void ingestionAcceptsButNeverStoresCallsOfAnErasedPerson() throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    lake(objects);
    erasure(objects, null, null).erase(ACME, "email", ALICE_EMAIL, "", "t");
    String key = WriteKeys.generate();
    TenantConfig acme =
        new TenantConfig(
            "acme",
            null,
            null,
            null,
            List.of(new SourceConfig("web", List.of(WriteKeys.hash(key)))),
            null);
    Tenants tenants = new Tenants(new CdpConfig(1, List.of(acme)));
    List<Envelope> stored = new ArrayList<>();
    IngestService ingest =
        new IngestService(
            () -> tenants,
            stored::addAll,
            new RateLimiter(),
            new SegmentCallValidator(),
            new Suppression(objects, keys, Duration.ZERO, CLOCK));
    String batch =
        "{\"batch\":["
            + "{\"type\":\"track\",\"event\":\"X\",\"anonymousId\":\"dev-alice-2\"},"
            + "{\"type\":\"identify\",\"anonymousId\":\"new-device\",\"traits\":{\"email\":\"ALICE@example.com\"}},"
            // invalid (a track without event): it would be quarantined, payload and all
            + "{\"type\":\"track\",\"userId\":\"alice\",\"properties\":{\"n\":1}},"
            + "{\"type\":\"track\",\"event\":\"X\",\"userId\":\"bob\"}]}";
    IngestResponse r =
        ingest.handle(
            new IngestRequest(
                "POST",
                "/v1/batch",
                "application/json",
                null,
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)),
                batch.getBytes(StandardCharsets.UTF_8),
                CLOCK.instant(),
                "req-1"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).payload()).contains("bob");
    var body = Json.MAPPER.readTree(r.body());
    assertThat(body.path("received").asInt()).isEqualTo(4);
    assertThat(body.path("suppressed").asInt()).isEqualTo(3);
    assertThat(body.path("problems")).as("a suppressed call is not reported either").isEmpty();
    assertThat(r.stored()).isEqualTo(1);
  }

  @Test
  void exportHoldsEverythingAboutThePersonAndIsAudited() throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    lake(objects);
    AuditLog audit = new AuditLog(objects, AuditLog.DEFAULT_PREFIX, CLOCK);
    PersonExport export = new PersonExport(objects, work, keys, audit, CLOCK);
    ObjectNode doc = export.export(ACME, "user_id", "alice", "DSAR-7", "t").orElseThrow();
    assertThat(doc.path("profile").path("traits").path("plan").asText()).isEqualTo("gold");
    assertThat(doc.path("profile").path("consent").path("advertising").asBoolean(true)).isFalse();
    assertThat(doc.path("identifiers")).hasSize(4);
    assertThat(doc.path("events")).hasSize(4);
    assertThat(doc.path("consentHistory")).hasSize(1);
    assertThat(doc.path("consentHistory").get(0).path("purpose").asText()).isEqualTo("advertising");
    Map<String, Integer> ids = new HashMap<>();
    doc.path("identifiers")
        .forEach(i -> ids.merge(i.path("identifier_type").asText(), 1, Integer::sum));
    assertThat(ids).isEqualTo(Map.of("user_id", 1, "email", 1, "anonymous_id", 2));
    assertThat(export.export(ACME, "email", "nobody@example.com", "", "t")).isEmpty();
    var entries = audit.read(Instant.EPOCH);
    assertThat(entries)
        .extracting(e -> e.event().action())
        .containsExactly("privacy.export", "privacy.export");
    assertThat(entries).extracting(e -> e.event().outcome()).containsExactly("success", "failure");
    assertThat(entries.get(0).event().details().toString()).doesNotContain("alice");
  }

  @Test
  void anEventBridgeRequestRunsTheSameJob() throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    lake(objects);
    Tenants tenants = new Tenants(new CdpConfig(1, List.of(ACME)));
    String event =
        "{\"source\":\"cdp.privacy\",\"detail-type\":\"Erasure Requested\",\"detail\":"
            + "{\"tenant\":\"acme\",\"identifierType\":\"email\",\"identifier\":\"alice@EXAMPLE.com\","
            + "\"reason\":\"GDPR-1\",\"requestedBy\":\"dpo\"}}";
    AuditLog audit = new AuditLog(objects, AuditLog.DEFAULT_PREFIX, CLOCK);
    var first =
        ErasureRequests.handle(Json.MAPPER.readTree(event), tenants, erasure(objects, audit, null));
    assertThat(first.path("status").asText()).isEqualTo("erased");
    assertThat(objects.exists(first.path("reportKey").asText())).isTrue();
    var again =
        ErasureRequests.handle(Json.MAPPER.readTree(event), tenants, erasure(objects, audit, null));
    assertThat(again.path("status").asText()).isEqualTo("already_erased");
    assertThat(again.path("requestId")).isEqualTo(first.path("requestId"));
    assertThat(audit.read(Instant.EPOCH).get(0).event().actor()).isEqualTo("eventbridge:dpo");
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ErasureRequests.handle(
                    Json.MAPPER.readTree(
                        event.replace("\"tenant\":\"acme\"", "\"tenant\":\"zzz\"")),
                    tenants,
                    erasure(objects, audit, null)));
    assertThat(bad.getMessage()).isEqualTo("unknown tenant 'zzz'");
  }

  @Test
  void aBudgetThatRunsOutPausesTheJobAndEachLaterCallResumesUntilItEndsAsOneRun()
      throws IOException {
    InMemoryObjectStore straight = new InMemoryObjectStore();
    lake(straight);
    Erasure.Done reference =
        (Erasure.Done) erasure(straight, null, null).erase(ACME, "user_id", "alice", "", "t");

    InMemoryObjectStore objects = new InMemoryObjectStore();
    lake(objects);
    Tenants tenants = new Tenants(new CdpConfig(1, List.of(ACME)));
    String event =
        "{\"source\":\"cdp.privacy\",\"detail-type\":\"Erasure Requested\",\"detail\":"
            + "{\"tenant\":\"acme\",\"identifierType\":\"user_id\",\"identifier\":\"alice\"}}";
    AuditLog audit = new AuditLog(objects, AuditLog.DEFAULT_PREFIX, CLOCK);
    List<String> statuses = new ArrayList<>();
    List<String> ran = new ArrayList<>();
    for (int call = 0; call < 20; call++) {
      // each call may run one step after the plan, as a Lambda near its time limit would
      int[] allowed = {1};
      var out =
          ErasureRequests.handle(
              Json.MAPPER.readTree(event),
              tenants,
              erasure(objects, audit, ran::add),
              step -> allowed[0]-- > 0);
      statuses.add(out.path("status").asText());
      if (!out.path("status").asText().equals("in_progress")) {
        assertThat(out.path("requestId").asText()).isEqualTo(reference.requestId());
        break;
      }
      assertThat(out.path("nextStep").asText()).isIn(Erasure.STEPS);
    }
    // plan + the first step, then one step per call: 9 calls for the 10 steps
    assertThat(statuses).hasSize(Erasure.STEPS.size() - 1).endsWith("erased");
    assertThat(statuses.subList(0, Erasure.STEPS.size() - 2)).containsOnly("in_progress");
    assertThat(ran).isEqualTo(Erasure.STEPS);
    assertThat(Erasure.parse(objects.get(reference.reportKey()).orElseThrow()).path("removed"))
        .isEqualTo(reference.report().path("removed"));
    assertThat(audit.verify().intact()).isTrue();
    assertThat(audit.read(Instant.EPOCH))
        .extracting(e -> e.event().details().get("result"))
        .startsWith("in progress; continues at step find")
        .endsWith("erased (resumed)");
  }

  /** A store that runs {@code between} just before the first tagged read of {@code key}. */
  private static final class Interleaved implements ObjectStore, ConditionalWrites {
    private final InMemoryObjectStore store;
    private final String key;
    private Erasure.StepHook between;

    Interleaved(InMemoryObjectStore store, String key, Erasure.StepHook between) {
      this.store = store;
      this.key = key;
      this.between = between;
    }

    @Override
    public Optional<Tagged> getTagged(String k) throws IOException {
      if (k.equals(key) && between != null) {
        Erasure.StepHook once = between;
        between = null;
        once.before(k);
      }
      return store.getTagged(k);
    }

    @Override
    public Optional<String> putIf(String k, byte[] content, String expectedTag) {
      return store.putIf(k, content, expectedTag);
    }

    @Override
    public void put(String k, byte[] content) {
      store.put(k, content);
    }

    @Override
    public void putFile(String k, Path file) throws IOException {
      store.putFile(k, file);
    }

    @Override
    public Optional<byte[]> get(String k) {
      return store.get(k);
    }

    @Override
    public List<String> list(String prefix) {
      return store.list(prefix);
    }

    @Override
    public boolean exists(String k) {
      return store.exists(k);
    }

    @Override
    public void delete(String k) {
      store.delete(k);
    }
  }

  @Test
  void aProfilesRunThatReadItsSnapshotBeforeAnErasureCannotSwitchThePersonBackIn()
      throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    CuratedStore store = lake(objects);
    carolArrives(objects);
    new ResolveIdentities(store).run("acme", RULES, "US");
    // build-profiles reads the snapshot in force (alice in it) and builds the next one; the erasure
    // switches the profiles pointer before build-profiles switches its own
    Interleaved late =
        new Interleaved(
            objects,
            CuratedStore.pointerKey("acme", CuratedStore.PROFILES),
            k -> erasure(objects, null, null).erase(ACME, "email", ALICE_EMAIL, "", "t"));

    CuratedStore.PointerMovedException moved =
        assertThrows(
            CuratedStore.PointerMovedException.class,
            () -> new BuildProfiles(new CuratedStore(late, work)).run("acme", RULES));

    assertThat(moved.getMessage())
        .startsWith("tenant acme: the profiles pointer is no longer snapshot 3 as read");
    assertThat(current(store, "profiles", CuratedTables.PROFILES).toString())
        .doesNotContain("alice");
    // the run again starts from the erased snapshot: carol in, alice still out
    new BuildProfiles(store).run("acme", RULES);
    assertThat(current(store, "profiles", CuratedTables.PROFILES).toString())
        .doesNotContain("alice")
        .contains("carol");
  }

  @Test
  void anErasureAndACurateRunOfTheSameTenantNeverWriteAtOnce() throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    lake(objects);
    TenantLease lease = TenantLease.over(objects, CLOCK).orElseThrow();
    try (TenantLease.Held run = lease.acquire("acme", "curate:run-1")) {
      TenantBusyException busy =
          assertThrows(
              TenantBusyException.class,
              () -> erasure(objects, null, null).erase(ACME, "email", ALICE_EMAIL, "", "t"));
      assertThat(busy.getMessage()).contains("being written by curate:run-1");
      assertThat(objects.list("_state/privacy/")).isEmpty();
    }
    // while the erasure runs, a curate run is told the tenant is busy
    List<String> seen = new ArrayList<>();
    Erasure.StepHook curate =
        step -> {
          if (step.equals("profiles")) {
            try {
              lease.acquire("acme", "curate:run-2");
              seen.add("acquired");
            } catch (TenantBusyException e) {
              seen.add(e.getMessage());
            }
          }
        };
    Erasure.Done done =
        (Erasure.Done) erasure(objects, null, curate).erase(ACME, "email", ALICE_EMAIL, "", "t");
    assertThat(seen)
        .singleElement()
        .asString()
        .contains("being written by erasure:" + done.requestId());
    // and free once it is done
    assertThat(lease.current("acme").orElseThrow().owner()).isEmpty();
    lease.acquire("acme", "curate:run-2");
  }

  @Test
  void aPausedErasureKeepsTheTenantUntilItEnds() throws IOException {
    InMemoryObjectStore objects = new InMemoryObjectStore();
    lake(objects);
    Erasure.Outcome paused =
        erasure(objects, null, null)
            .erase(ACME, "email", ALICE_EMAIL, "", "t", step -> !step.equals("identity"));
    assertThat(paused).isInstanceOf(Erasure.InProgress.class);
    TenantLease lease = TenantLease.over(objects, CLOCK).orElseThrow();
    assertThat(lease.current("acme").orElseThrow().owner())
        .isEqualTo("erasure:" + paused.requestId());

    erasure(objects, null, null).erase(ACME, "email", ALICE_EMAIL, "", "t");

    assertThat(lease.current("acme").orElseThrow().owner()).isEmpty();
  }
}
