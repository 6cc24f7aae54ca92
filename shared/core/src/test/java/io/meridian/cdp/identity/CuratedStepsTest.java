package io.meridian.cdp.identity;

import static io.meridian.cdp.identity.CleanFixtures.randomDays;
import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.parquet.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resolve-identities and build-profiles steps over an object store holding real clean-zone
 * Parquet files.
 */
class CuratedStepsTest {
  @TempDir Path work;

  private static final IdentityRules RULES = IdentityRules.defaults();

  private List<String> table(
      CuratedStore store, String tenant, String step, String table, TableSchema schema)
      throws IOException {
    var pointer = store.pointer(tenant, step).orElseThrow();
    List<String> rows = new ArrayList<>();
    for (Object[] row : store.read(schema, pointer.tables().get(table))) {
      rows.add(Arrays.toString(row));
    }
    rows.sort(null);
    return rows;
  }

  /** curated.profiles after resolving {@code calls} of one clean file of tenant acme. */
  private List<Object[]> profilesOf(IdentityRules rules, List<Call> calls) throws IOException {
    CuratedStore store = new CuratedStore(new InMemoryObjectStore(), work);
    writeClean(store.objects(), work, "acme", "2026-11-01", "a", calls);
    new ResolveIdentities(store).run("acme", rules, "US");
    new BuildProfiles(store).run("acme", rules);
    return store.read(
        CuratedTables.PROFILES,
        store.pointer("acme", "profiles").orElseThrow().tables().get("profiles"));
  }

  private void runBoth(CuratedStore store, String tenant) throws IOException {
    new ResolveIdentities(store).run(tenant, RULES, "US");
    new BuildProfiles(store).run(tenant, RULES);
  }

  @Test
  void dayByDayGivesExactlyTheGraphAndProfilesOfAllDaysAtOnce() throws IOException {
    for (long seed = 1; seed <= 5; seed++) {
      List<List<Call>> days = randomDays(seed, 4, 25);
      CuratedStore incremental = new CuratedStore(new InMemoryObjectStore(), work);
      CuratedStore scratch = new CuratedStore(new InMemoryObjectStore(), work);
      for (int d = 0; d < days.size(); d++) {
        writeClean(
            incremental.objects(),
            work,
            "acme",
            "2026-11-0" + (d + 1),
            "web-h00-" + d,
            days.get(d));
        runBoth(incremental, "acme");
        writeClean(
            scratch.objects(), work, "acme", "2026-11-0" + (d + 1), "web-h00-" + d, days.get(d));
      }
      runBoth(scratch, "acme");
      for (String table : List.of("identity_graph", "profile_merges", "blocked_merges")) {
        TableSchema schema =
            switch (table) {
              case "identity_graph" -> CuratedTables.IDENTITY_GRAPH;
              case "profile_merges" -> CuratedTables.PROFILE_MERGES;
              default -> CuratedTables.BLOCKED_MERGES;
            };
        assertEquals(
            table(scratch, "acme", "identity", table, schema),
            table(incremental, "acme", "identity", table, schema),
            table + " with seed " + seed);
      }
      List<String> profiles =
          table(scratch, "acme", "profiles", "profiles", CuratedTables.PROFILES);
      assertEquals(
          profiles,
          table(incremental, "acme", "profiles", "profiles", CuratedTables.PROFILES),
          "profiles with seed " + seed);
      assertFalse(profiles.isEmpty());
      var pointer = incremental.pointer("acme", "identity").orElseThrow();
      java.util.Set<Object> graphProfiles = new java.util.HashSet<>();
      for (Object[] row :
          incremental.read(CuratedTables.IDENTITY_GRAPH, pointer.tables().get("identity_graph"))) {
        graphProfiles.add(row[2]);
      }
      java.util.Set<Object> profileIds = new java.util.HashSet<>();
      for (Object[] row :
          incremental.read(
              CuratedTables.PROFILES,
              incremental.pointer("acme", "profiles").orElseThrow().tables().get("profiles"))) {
        profileIds.add(row[0]);
      }
      assertEquals(graphProfiles, profileIds, "one profiles row per profile of the graph");
    }
  }

  @Test
  void profilesAreWrittenMostRecentlySeenFirst() throws IOException {
    CuratedStore store = new CuratedStore(new InMemoryObjectStore(), work);
    writeClean(store.objects(), work, "acme", "2026-11-01", "a", randomDays(3, 1, 40).get(0));
    runBoth(store, "acme");
    List<Object[]> stored =
        store.read(
            CuratedTables.PROFILES,
            store.pointer("acme", "profiles").orElseThrow().tables().get("profiles"));
    assertTrue(stored.size() > 10, "profiles: " + stored.size());
    int lastSeen = CuratedTables.PROFILES.indexOf("last_seen");
    int id = CuratedTables.PROFILES.indexOf("profile_id");
    for (int i = 1; i < stored.size(); i++) {
      Instant before = (Instant) stored.get(i - 1)[lastSeen];
      Instant here = (Instant) stored.get(i)[lastSeen];
      assertTrue(
          before.isAfter(here)
              || before.equals(here)
                  && ((String) stored.get(i - 1)[id]).compareTo((String) stored.get(i)[id]) < 0,
          "row " + i + " is out of order: " + before + " then " + here);
    }
  }

  @Test
  void runningAgainWithoutNewFilesChangesNothing() throws IOException {
    CuratedStore store = new CuratedStore(new InMemoryObjectStore(), work);
    writeClean(store.objects(), work, "acme", "2026-11-01", "a", randomDays(7, 1, 10).get(0));
    runBoth(store, "acme");
    List<String> keys = store.objects().list("");
    var resolve = new ResolveIdentities(store).run("acme", RULES, "US");
    var build = new BuildProfiles(store).run("acme", RULES);
    assertTrue(resolve.noop());
    assertTrue(build.noop());
    assertEquals(keys, store.objects().list(""));
  }

  @Test
  void aLateFileRebuildsTheTenantToWhatAFullRunGives() throws IOException {
    List<List<Call>> days = randomDays(11, 3, 20);
    CuratedStore late = new CuratedStore(new InMemoryObjectStore(), work);
    CuratedStore scratch = new CuratedStore(new InMemoryObjectStore(), work);
    writeClean(late.objects(), work, "acme", "2026-11-01", "a", days.get(0));
    writeClean(late.objects(), work, "acme", "2026-11-03", "c", days.get(2));
    runBoth(late, "acme");
    writeClean(late.objects(), work, "acme", "2026-11-02", "b", days.get(1)); // converted late
    var result = new ResolveIdentities(late).run("acme", RULES, "US");
    assertTrue(result.rebuilt());
    assertTrue(new BuildProfiles(late).run("acme", RULES).rebuilt());
    for (int d = 0; d < 3; d++) {
      writeClean(
          scratch.objects(),
          work,
          "acme",
          "2026-11-0" + (d + 1),
          String.valueOf((char) ('a' + d)),
          days.get(d));
    }
    runBoth(scratch, "acme");
    assertEquals(
        table(scratch, "acme", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH),
        table(late, "acme", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH));
    assertEquals(
        table(scratch, "acme", "profiles", "profiles", CuratedTables.PROFILES),
        table(late, "acme", "profiles", "profiles", CuratedTables.PROFILES));
  }

  @Test
  void changedRulesRebuildTheTenantWithTheNewRules() throws IOException {
    List<List<Call>> days = randomDays(5, 2, 20);
    IdentityRules strict =
        new IdentityRules(
            List.of(
                new IdentityRules.IdentifierRule("user_id", 1, null, null),
                new IdentityRules.IdentifierRule("anonymous_id", 1, null, null)),
            null,
            null,
            null);
    CuratedStore changed = new CuratedStore(new InMemoryObjectStore(), work);
    CuratedStore scratch = new CuratedStore(new InMemoryObjectStore(), work);
    writeClean(changed.objects(), work, "acme", "2026-11-01", "a", days.get(0));
    runBoth(changed, "acme");
    writeClean(changed.objects(), work, "acme", "2026-11-02", "b", days.get(1));
    new ResolveIdentities(changed).run("acme", strict, "US");
    new BuildProfiles(changed).run("acme", strict);
    assertTrue(new ResolveIdentities(changed).run("acme", strict, "US").noop());
    writeClean(scratch.objects(), work, "acme", "2026-11-01", "a", days.get(0));
    writeClean(scratch.objects(), work, "acme", "2026-11-02", "b", days.get(1));
    new ResolveIdentities(scratch).run("acme", strict, "US");
    new BuildProfiles(scratch).run("acme", strict);
    assertEquals(
        table(scratch, "acme", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH),
        table(changed, "acme", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH));
    assertEquals(
        table(scratch, "acme", "profiles", "profiles", CuratedTables.PROFILES),
        table(changed, "acme", "profiles", "profiles", CuratedTables.PROFILES));
    // and only the rules changed: running the old rules again rebuilds once more
    assertTrue(new ResolveIdentities(changed).run("acme", RULES, "US").rebuilt());
  }

  @Test
  void identicalIdentifiersInTwoTenantsNeverLink() throws IOException {
    CuratedStore store = new CuratedStore(new InMemoryObjectStore(), work);
    List<Call> same =
        List.of(
            new Call(
                "m1",
                "identify",
                null,
                "u-1",
                "a-1",
                "{\"email\":\"ann@example.com\"}",
                null,
                1_790_000_000L));
    writeClean(store.objects(), work, "acme", "2026-11-01", "a", same);
    writeClean(store.objects(), work, "globex", "2026-11-01", "a", same);
    runBoth(store, "acme");
    runBoth(store, "globex");
    List<String> acme =
        table(store, "acme", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH);
    List<String> globex =
        table(store, "globex", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH);
    assertEquals(3, acme.size());
    assertEquals(3, globex.size());
    assertNotEquals(
        acme.get(0).split(", ")[2], globex.get(0).split(", ")[2], "profile ids differ per tenant");
    assertTrue(
        store.objects().list("curated/identity_graph/tenant=acme/").stream()
            .noneMatch(k -> k.contains("globex")));
  }

  @Test
  void profilesMergeTraitsAndComputeTraits() throws IOException {
    CuratedStore store = new CuratedStore(new InMemoryObjectStore(), work);
    long t = 1_790_000_000L;
    writeClean(
        store.objects(),
        work,
        "acme",
        "2026-11-01",
        "a",
        List.of(
            new Call(
                "m1",
                "identify",
                null,
                null,
                "a-1",
                "{\"plan\":\"free\",\"name\":\"Ann\"}",
                null,
                t),
            new Call(
                "m2", "track", "Order Completed", null, "a-1", null, "{\"revenue\":20.25}", t + 10),
            new Call("m3", "identify", null, "u-1", "a-2", "{\"plan\":\"pro\"}", null, t + 86_400),
            new Call(
                "m4",
                "track",
                "Order Completed",
                "u-1",
                null,
                null,
                "{\"total\":\"9.75\"}",
                t + 86_500),
            new Call("m5", "identify", null, "u-1", "a-1", null, null, t + 2 * 86_400)));
    runBoth(store, "acme");
    var pointer = store.pointer("acme", "profiles").orElseThrow();
    List<Object[]> rows = store.read(CuratedTables.PROFILES, pointer.tables().get("profiles"));
    assertEquals(1, rows.size(), "a-1's profile and u-1's merged");
    Object[] p = rows.get(0);
    assertEquals("{\"name\":\"Ann\",\"plan\":\"pro\"}", p[3], "latest timestamp wins per trait");
    assertEquals(5L, p[7]);
    assertEquals("{\"$identify\":3,\"Order Completed\":2}", p[8]);
    assertEquals(3, p[9], "active days");
    assertEquals(30.0, (Double) p[10], 1e-9);
    assertEquals(2L, p[11]);
    assertEquals(Instant.ofEpochSecond(t + 86_500), p[12]);
    assertEquals(Instant.ofEpochSecond(t), p[5]);
    assertTrue(((String) p[4]).contains("\"anonymous_id\":[\"a-1\",\"a-2\"]"), (String) p[4]);
    assertEquals(
        1,
        store
            .read(
                CuratedTables.PROFILE_MERGES,
                store.pointer("acme", "identity").orElseThrow().tables().get("profile_merges"))
            .size());
  }

  @Test
  void anIdentifierThatFitsNoProfileGetsAProfileRowWithoutEvents() throws IOException {
    IdentityRules onePhone =
        new IdentityRules(
            List.of(
                new IdentityRules.IdentifierRule("user_id", 1, null, null),
                new IdentityRules.IdentifierRule("phone", 1, null, null),
                new IdentityRules.IdentifierRule("anonymous_id", 20, null, null)),
            null,
            null,
            null);
    List<Object[]> rows =
        profilesOf(
            onePhone,
            List.of(
                new Call(
                    "m1",
                    "identify",
                    null,
                    "u-1",
                    "a-1",
                    "{\"phone\":\"+14155550100\"}",
                    null,
                    100),
                new Call(
                    "m2",
                    "identify",
                    null,
                    "u-1",
                    "a-1",
                    "{\"phone\":\"+14155550199\"}",
                    null,
                    200)));
    assertEquals(2, rows.size(), "u-1's profile, and one for the second phone");
    Object[] phoneOnly =
        rows.stream()
            .filter(r -> ((String) r[4]).contains("+14155550199"))
            .findFirst()
            .orElseThrow();
    assertEquals(0L, phoneOnly[7]);
    assertEquals("{\"phone\":[\"+14155550199\"]}", phoneOnly[4]);
    assertEquals(Instant.ofEpochSecond(200), phoneOnly[5]);
  }

  @Test
  void firstWinsTraitsKeepTheEarliestValue() throws IOException {
    IdentityRules rules =
        new IdentityRules(null, null, null, java.util.Map.of("signup_source", "first"));
    Object[] p =
        profilesOf(
                rules,
                List.of(
                    new Call(
                        "m1",
                        "identify",
                        null,
                        "u-1",
                        "a-1",
                        "{\"signup_source\":\"ads\"}",
                        null,
                        100),
                    new Call(
                        "m2",
                        "identify",
                        null,
                        "u-1",
                        "a-1",
                        "{\"signup_source\":\"email\"}",
                        null,
                        200)))
            .get(0);
    assertEquals("{\"signup_source\":\"ads\"}", p[3]);
  }

  @Test
  void consentPerPurposeIsTheLatestDecisionAcrossMergedProfiles() throws IOException {
    String deniesAds =
        "{\"consent\":{\"categoryPreferences\":{\"Advertising\":false,\"analytics\":true}}}";
    String allowsAds = "{\"consent\":{\"categoryPreferences\":{\"advertising\":true}}}";
    String notABoolean = "{\"consent\":{\"categoryPreferences\":{\"email\":\"yes\"}}}";
    List<Object[]> rows =
        profilesOf(
            RULES,
            List.of(
                new Call("m1", "page", null, null, "a-1", null, null, 100, allowsAds),
                new Call("m2", "track", "Viewed", "u-1", null, null, null, 300, deniesAds),
                new Call("m3", "page", null, null, "a-1", null, null, 400, notABoolean),
                new Call("m4", "identify", null, "u-1", "a-1", null, null, 500)));
    assertEquals(1, rows.size(), "a-1 and u-1 merged by m4");
    assertEquals(
        "{\"advertising\":false,\"analytics\":true}",
        rows.get(0)[13],
        "purposes lower-cased; the later decision (m2 at 300) wins over m1's; non-booleans ignored");
  }

  /** A store that fails when the identity pointer is written: a crash just before the switch. */
  private static final class CrashBeforeSwitch implements ObjectStore {
    final InMemoryObjectStore inner = new InMemoryObjectStore();
    boolean armed;

    @Override
    public void put(String key, byte[] content) throws IOException {
      if (armed && key.startsWith(CuratedStore.POINTERS)) {
        throw new IOException("crash");
      }
      inner.put(key, content);
    }

    @Override
    public void putFile(String key, Path file) throws IOException {
      inner.putFile(key, file);
    }

    @Override
    public Optional<byte[]> get(String key) {
      return inner.get(key);
    }

    @Override
    public List<String> list(String prefix) {
      return inner.list(prefix);
    }

    @Override
    public boolean exists(String key) {
      return inner.get(key).isPresent();
    }

    @Override
    public void delete(String key) {
      inner.delete(key);
    }
  }

  @Test
  void aCrashBeforeTheSwitchLeavesThePreviousStateInForceAndTheRetryCompletesIt()
      throws IOException {
    List<List<Call>> days = randomDays(3, 2, 15);
    CrashBeforeSwitch objects = new CrashBeforeSwitch();
    CuratedStore store = new CuratedStore(objects, work);
    writeClean(objects, work, "acme", "2026-11-01", "a", days.get(0));
    runBoth(store, "acme");
    List<String> before =
        table(store, "acme", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH);
    writeClean(objects, work, "acme", "2026-11-02", "b", days.get(1));
    objects.armed = true;
    assertThrows(IOException.class, () -> new ResolveIdentities(store).run("acme", RULES, "US"));
    assertEquals(
        before, table(store, "acme", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH));
    objects.armed = false;
    runBoth(store, "acme");
    CuratedStore scratch = new CuratedStore(new InMemoryObjectStore(), work);
    writeClean(scratch.objects(), work, "acme", "2026-11-01", "a", days.get(0));
    writeClean(scratch.objects(), work, "acme", "2026-11-02", "b", days.get(1));
    runBoth(scratch, "acme");
    assertEquals(
        table(scratch, "acme", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH),
        table(store, "acme", "identity", "identity_graph", CuratedTables.IDENTITY_GRAPH));
  }
}
