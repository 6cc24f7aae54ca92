package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.identity.AudienceTraits;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.segment.Explainer;
import io.meridian.cdp.segment.Explanation;
import io.meridian.cdp.segment.Segment;
import io.meridian.cdp.segment.SegmentCompiler;
import io.meridian.cdp.segment.SegmentFixtures;
import io.meridian.cdp.segment.SegmentQuery;
import io.meridian.cdp.segment.Segments;
import io.meridian.cdp.segment.SqlDialect;
import io.meridian.cdp.sql.QueryResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The DuckDB SQL of every condition kind, executed against real curated tables: clean Parquet
 * written like raw-to-clean does, resolved and aggregated by the real curated steps, read through
 * {@link DuckDbSqlEngine}'s views. "Now" is fixed, so relative dates are exact.
 */
class SegmentSqlOnDuckDbTest {
  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  static final String HOSTILE_KEY = "we'ird \"key\" --; /*~/ $.x[0] ключ \\";
  static final String HOSTILE_VALUE = "x'); DROP VIEW curated.profiles; -- \\' \" ? 😀";

  @TempDir static Path lake;
  static DuckDbSqlEngine sql;
  static final Map<String, String> PROFILE = new HashMap<>();
  static final Map<String, CuratedStore.Pointer> POINTERS = new HashMap<>();

  @BeforeAll
  static void buildLake() throws Exception {
    CuratedStore store = new CuratedStore(new LocalFileObjectStore(lake), lake.resolve("_tmp"));
    List<Call> acme = new ArrayList<>();
    acme.add(
        identify(
            "a1",
            "alice",
            "{\"email\":\"Alice@Acme.example\",\"plan\":\"pro\",\"vip\":true,\"age\":34,"
                + "\"address\":{\"country\":\"se\"},\"signed_up_at\":\"2026-03-01T00:00:00Z\"}",
            daysAgo(20)));
    for (int i = 0; i < 3; i++) {
      acme.add(
          order(
              "a-o" + i,
              "alice",
              "{\"revenue\":200,\"total\":150,\"currency\":\"USD\"}",
              daysAgo(10 - i)));
    }
    acme.add(
        identify(
            "b1",
            "bob",
            "{\"email\":\"bob@corp.example\",\"plan\":\"free\",\"phone\":\"+14155550100\","
                + "\"age\":70,\"company\":\"Acme Corp\"}",
            daysAgo(6)));
    acme.add(order("b-o1", "bob", "{\"total\":50,\"currency\":\"usd\"}", daysAgo(5)));
    acme.add(
        identify(
            "c1", "carol", "{\"email\":\"carol@example.com\",\"plan\":\"pro\"}", daysAgo(201)));
    acme.add(order("c-o1", "carol", "{\"total\":300,\"currency\":\"usd\"}", daysAgo(200)));
    acme.add(order("c-o2", "carol", "{\"total\":300,\"currency\":\"usd\"}", daysAgo(200)));
    acme.add(
        identify(
            "d1",
            "dave",
            "{\""
                + HOSTILE_KEY.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\":\""
                + HOSTILE_VALUE.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"}",
            daysAgo(100)));
    CleanFixtures.writeClean(store.objects(), lake, "acme", "2026-11-20", "a", acme);
    CleanFixtures.writeClean(
        store.objects(),
        lake,
        "other",
        "2026-11-20",
        "a",
        List.of(
            identify("e1", "erin", "{\"plan\":\"pro\",\"phone\":\"+14155550199\"}", daysAgo(1)),
            order("e-o1", "erin", "{\"total\":900}", daysAgo(1))));
    // the audience traits of the examples and of the hostile key; other segments fall back to JSON
    AudienceTraits.Layout examples = SegmentCompiler.audienceTraits(SegmentFixtures.examples());
    List<List<String>> paths = new ArrayList<>(examples.paths());
    paths.add(List.of(HOSTILE_KEY));
    AudienceTraits.Layout layout = new AudienceTraits.Layout(examples.columns(), paths);
    for (String tenant : List.of("acme", "other")) {
      new ResolveIdentities(store).run(tenant, IdentityRules.defaults(), "US");
      new BuildProfiles(store).run(tenant, IdentityRules.defaults(), layout);
      POINTERS.put(tenant, store.pointer(tenant, CuratedStore.PROFILES).orElseThrow());
    }
    sql = new DuckDbSqlEngine(lake);
    QueryResult ids =
        sql.query(
            "SELECT identifier, profile_id FROM curated.identity_graph WHERE identifier_type ="
                + " 'user_id'");
    for (List<Object> row : ids.rows()) {
      PROFILE.put((String) row.get(1), (String) row.get(0));
    }
    assertThat(PROFILE.values()).contains("alice", "bob", "carol", "dave", "erin");
  }

  @AfterAll
  static void close() throws Exception {
    sql.close();
  }

  private static long daysAgo(int days) {
    return NOW.minus(Duration.ofDays(days)).getEpochSecond();
  }

  private static Call identify(String id, String user, String traits, long second) {
    return new Call(id, "identify", null, user, null, traits, null, second);
  }

  private static Call order(String id, String user, String properties, long second) {
    return new Call(id, "track", "Order Completed", user, null, null, properties, second);
  }

  /** The user ids of the members, sorted. */
  static Set<String> members(String tenant, Segments all, String id) throws Exception {
    Segment s = all.find(id).orElseThrow();
    SegmentQuery q = new SegmentCompiler(SqlDialect.DUCKDB).members(tenant, s, all, NOW);
    List<String> ids =
        sql.query(q.sql(), q.parameters()).rows().stream().map(r -> (String) r.get(0)).toList();
    assertThat(ids).doesNotHaveDuplicates();
    Set<String> users =
        ids.stream().map(PROFILE::get).collect(Collectors.toCollection(TreeSet::new));
    // the staged form of the same run selects the same profiles
    SegmentCompiler.Staged staged = new SegmentCompiler(SqlDialect.DUCKDB).stage(tenant, all);
    sql.query(staged.create().sql(), staged.create().parameters());
    SegmentQuery sq = staged.members(s, NOW);
    assertThat(sq.sql()).contains(SegmentCompiler.Staged.TABLE).doesNotContain("curated.profiles");
    assertThat(sql.query(sq.sql(), sq.parameters()).rows().stream().map(r -> (String) r.get(0)))
        .containsExactlyInAnyOrderElementsOf(ids);
    sql.query(SegmentCompiler.Staged.DROP);
    // and so does the one staged from the tenant's audience traits (or, lacking a path, from JSON)
    SegmentCompiler.Staged fromTable = stageFromAudienceTraits(tenant, all);
    assertThat(fromTable.fromAudienceTraits())
        .isEqualTo(
            POINTERS.get(tenant).audienceTraits().covers(SegmentCompiler.audienceTraits(all)));
    SegmentQuery tq = fromTable.members(s, NOW);
    assertThat(sql.query(tq.sql(), tq.parameters()).rows().stream().map(r -> (String) r.get(0)))
        .containsExactlyInAnyOrderElementsOf(ids);
    sql.query(SegmentCompiler.Staged.DROP);
    return users;
  }

  /** Staging as a DuckDB run does it: from the tenant's audience traits when they cover it. */
  static SegmentCompiler.Staged stageFromAudienceTraits(String tenant, Segments all)
      throws Exception {
    CuratedStore.Pointer p = POINTERS.get(tenant);
    SegmentCompiler.Staged staged =
        new SegmentCompiler(SqlDialect.DUCKDB)
            .stage(
                tenant,
                all,
                p.audienceTraits(),
                DuckDbSqlEngine.snapshots(lake)
                    .snapshot(AudienceTraits.TABLE, tenant, p.snapshot()));
    sql.query(staged.create().sql(), staged.create().parameters());
    return staged;
  }

  @Test
  void stagingReadsTheAudienceTraitsWhenTheyHoldEveryPathAndFallsBackToJsonOtherwise()
      throws Exception {
    SegmentCompiler.Staged covered = stageFromAudienceTraits("acme", SegmentFixtures.examples());
    assertThat(covered.fromAudienceTraits()).isTrue();
    assertThat(covered.create().sql()).doesNotContain("json_extract").doesNotContain("curated.");
    sql.query(SegmentCompiler.Staged.DROP);
    // a segment added after the last build reads a trait the table lacks: JSON, same members
    Segments added =
        SegmentFixtures.parse(
            """
            - id: pro
              where: {trait: plan, eq: pro}
            - id: has-address
              where: {trait: address, contains: country}
            """);
    SegmentCompiler.Staged fallback = stageFromAudienceTraits("acme", added);
    assertThat(fallback.fromAudienceTraits()).isFalse();
    assertThat(fallback.create().sql()).contains("json_extract_string");
    sql.query(SegmentCompiler.Staged.DROP);
    assertThat(members("acme", added, "has-address")).containsExactly("alice");
    assertThat(members("acme", added, "pro")).containsExactly("alice", "carol");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pro-plan          | alice,carol",
        "big-spenders      | alice",
        "nordics           | alice",
        "has-phone         | bob",
        "corporate-email   | alice,bob",
        "recently-active   | alice,bob",
        "dormant           | carol,dave",
        "joined-this-year  | alice",
        "repeat-buyers     | alice",
        "never-bought      | dave",
        "vip-not-dormant   | alice",
      })
  void everyExampleSelectsExactlyItsMembers(String segment, String expected) throws Exception {
    assertThat(members("acme", SegmentFixtures.examples(), segment))
        .containsExactlyElementsOf(new TreeSet<>(List.of(expected.split(","))));
  }

  @Test
  void membersAreThoseOfTheTenantAskedFor() throws Exception {
    assertThat(members("other", SegmentFixtures.examples(), "pro-plan")).containsExactly("erin");
    assertThat(members("other", SegmentFixtures.examples(), "has-phone")).containsExactly("erin");
  }

  @Test
  void relativeDatesCountBackFromTheNowGiven() throws Exception {
    Segments s =
        SegmentFixtures.parse(
            """
            - id: bought-recently
              where: {performed: Order Completed, within_last: 9d}
            - id: seen-within-a-week
              where: {computed: last_seen, within_last: 1w}
            """);
    assertThat(members("acme", s, "bought-recently")).containsExactly("alice", "bob");
    assertThat(members("acme", s, "seen-within-a-week")).containsExactly("bob");
  }

  @Test
  void hostileTraitNamesAndValuesAreDataNotSql() throws Exception {
    String yaml =
        "- id: hostile\n  where: {trait: "
            + json(HOSTILE_KEY)
            + ", eq: "
            + json(HOSTILE_VALUE)
            + "}\n"
            + "- id: hostile-contains\n  where: {trait: "
            + json(HOSTILE_KEY)
            + ", contains: \"'); DROP\", ignore_case: true}\n"
            + "- id: hostile-event\n  where: {performed: "
            + json("x' OR 1=1 --")
            + "}\n"
            + "- id: hostile-in\n  where: {trait: plan, in: [\"pro' OR '1'='1\", \"free\\\"--\"]}\n"
            + "- id: hostile-nested\n  where: {trait: [\"$..*\", \"a/b~c\"], exists: true}\n";
    Segments s = SegmentFixtures.parse(yaml);
    assertThat(members("acme", s, "hostile")).containsExactly("dave");
    assertThat(members("acme", s, "hostile-contains")).containsExactly("dave");
    assertThat(members("acme", s, "hostile-event")).isEmpty();
    assertThat(members("acme", s, "hostile-in")).isEmpty();
    assertThat(members("acme", s, "hostile-nested")).isEmpty();
    // nothing was dropped or changed
    assertThat(sql.query("SELECT count(*) FROM curated.profiles WHERE tenant = 'acme'").scalar())
        .isEqualTo(4L);
  }

  @Test
  void explainsEachConditionWithTheProfilesValue() throws Exception {
    Segments all = SegmentFixtures.examples();
    String bob = profileOf("bob");
    Explainer explainer =
        new SegmentCompiler(SqlDialect.DUCKDB)
            .explain("acme", all.find("vip-not-dormant").orElseThrow(), all, NOW, bob);
    Explanation e =
        explainer.read(sql.query(explainer.query().sql(), explainer.query().parameters()));
    assertThat(e.member()).isFalse();
    assertThat(String.join("\n", e.lines()))
        .contains("Profile " + bob + " is NOT a member of segment vip-not-dormant")
        .contains("[not met] lifetime_revenue >= 500 — actual: 50.0")
        .contains("[met]     not:")
        .contains("[not met] last_seen is before 90d ago — actual: ")
        .contains("[not met] trait age < 65 — actual: 70");
    String alice = profileOf("alice");
    Explainer forAlice =
        new SegmentCompiler(SqlDialect.DUCKDB)
            .explain("acme", all.find("repeat-buyers").orElseThrow(), all, NOW, alice);
    Explanation a = forAlice.read(sql.query(forAlice.query().sql(), forAlice.query().parameters()));
    assertThat(a.member()).isTrue();
    assertThat(a.lines().get(1)).contains("[met]").contains("actual: 3 matching events");
  }

  private static String profileOf(String user) {
    return PROFILE.entrySet().stream()
        .filter(e -> e.getValue().equals(user))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
