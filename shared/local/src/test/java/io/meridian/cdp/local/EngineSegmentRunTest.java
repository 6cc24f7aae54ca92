package io.meridian.cdp.local;

import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.activation.ActivationEvent;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.PublishChanges;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.profile.CuratedProfiles;
import io.meridian.cdp.segment.ComputeSegments;
import io.meridian.cdp.segment.EngineSegmentRun;
import io.meridian.cdp.segment.SegmentDefinitions;
import io.meridian.cdp.segment.SegmentStatements;
import io.meridian.cdp.segment.Segments;
import io.meridian.cdp.segment.SqlDialect;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-based segment run of ADR 0017 — the algorithm compute-segments runs on Athena — executed
 * for real by DuckDB ({@code COPY ... TO} for {@code unload}), side by side with the local step
 * ({@link ComputeSegments}, which compares in Java) over two lakes fed the same events: the same
 * membership with the same entry times, the same changes, the same published events. The Athena
 * statements are this algorithm in the Trino dialect ({@code SegmentStatementsTest} pins them).
 */
class EngineSegmentRunTest {
  private static final IdentityRules RULES = IdentityRules.defaults();
  private static final Instant NOW = Instant.parse("2026-11-24T06:00:00Z");

  private static final String PRO =
      "{\"id\":\"pro\",\"name\":\"Pro plan\",\"where\":{\"trait\":\"plan\",\"eq\":\"pro\"},"
          + "\"activation\":{\"traits\":[\"plan\"],\"identifiers\":[\"email\"]}}";
  private static final String BUYERS =
      "{\"id\":\"buyers\",\"where\":{\"performed\":\"Order Completed\"}}";
  private static final String PRO_BUYERS =
      "{\"id\":\"pro-buyers\",\"where\":{\"all\":[{\"in_segment\":\"pro\"},"
          + "{\"in_segment\":\"buyers\"}]}}";

  @TempDir Path temp;

  /** One lake with its curated store. */
  private final class Lake {
    final LocalFileObjectStore objects;
    final CuratedStore store;
    final List<ActivationEvent> published = new ArrayList<>();

    Lake(String name) throws java.io.IOException {
      objects = new LocalFileObjectStore(temp.resolve(name));
      store = new CuratedStore(objects, temp.resolve(name + "-work"));
    }

    void day(String dt, List<Call> calls) throws Exception {
      writeClean(objects, temp, "acme", dt, "a", calls);
      new ResolveIdentities(store).run("acme", RULES, "US");
      new BuildProfiles(store).run("acme", RULES);
    }

    PublishChanges.Result publish(Segments segments) throws Exception {
      EventPublisher recorder =
          events -> {
            published.addAll(events);
            return new PublishReport(events.size(), events.size(), List.of());
          };
      return new PublishChanges(store, recorder).run("acme", segments);
    }

    List<String> rows(String sql) throws Exception {
      try (DuckDbSqlEngine engine = new DuckDbSqlEngine(objects.root())) {
        return engine.query(sql).rows().stream().map(Object::toString).toList();
      }
    }

    List<String> membership() throws Exception {
      return rows(
          "SELECT segment_id, profile_id, entered_at FROM curated.segment_membership ORDER BY ALL");
    }

    List<String> changes() throws Exception {
      return rows(
          "SELECT segment_id, profile_id, change, changed_at, run_id FROM curated.segment_changes"
              + " ORDER BY ALL");
    }

    List<String> events() {
      return published.stream().map(e -> e.detail().toString()).sorted().toList();
    }
  }

  private static Segments segments(String... json) throws Exception {
    List<JsonNode> defs = new ArrayList<>();
    for (String j : json) {
      defs.add(Json.MAPPER.readTree(j));
    }
    return SegmentDefinitions.parse(defs);
  }

  private static ComputeSegments.Result local(Lake lake, Segments segments, Instant now)
      throws Exception {
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(lake.objects.root())) {
      return new ComputeSegments(lake.store, sql, SqlDialect.DUCKDB).run("acme", segments, now);
    }
  }

  /** The three steps as the state machine runs them; each member step twice (a retry). */
  private static EngineSegmentRun.Result inEngine(Lake lake, Segments segments, Instant now)
      throws Exception {
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(lake.objects.root())) {
      EngineSegmentRun run =
          new EngineSegmentRun(
              lake.store,
              sql,
              new SegmentStatements(DuckDbSqlEngine.snapshots(lake.objects.root())));
      run.plan("acme", segments, now); // an attempt that failed after planning...
      EngineSegmentRun.Plan plan = run.plan("acme", segments, now);
      for (String segment : plan.segments()) {
        run.members(plan, segment, segments);
        run.members(plan, segment, segments); // ...and a member step retried
      }
      return run.changes(plan);
    }
  }

  private static List<Call> day1() {
    return List.of(
        new Call(
            "m1",
            "identify",
            null,
            "u-1",
            "anon-1",
            "{\"plan\":\"pro\",\"email\":\"ann@example.com\"}",
            null,
            100),
        new Call("m2", "identify", null, "u-2", null, "{\"plan\":\"free\"}", null, 200),
        new Call("m3", "track", "Order Completed", null, "anon-3", null, "{\"revenue\":50}", 300),
        new Call("m4", "track", "Order Completed", "u-1", null, null, "{\"revenue\":20}", 400));
  }

  private static List<Call> day2() {
    // u-1 downgrades, u-2 upgrades, and anon-3 turns out to be u-2 (its profile merges away)
    return List.of(
        new Call("m5", "identify", null, "u-1", null, "{\"plan\":\"free\"}", null, 90_000),
        new Call("m6", "identify", null, "u-2", "anon-3", "{\"plan\":\"pro\"}", null, 90_100));
  }

  @Test
  void theEngineRunGivesTheSameMembershipChangesAndEventsAsTheLocalStep() throws Exception {
    Lake javaDiff = new Lake("local");
    Lake sqlSide = new Lake("engine");
    Segments all = segments(PRO, BUYERS, PRO_BUYERS);

    javaDiff.day("2026-11-01", day1());
    sqlSide.day("2026-11-01", day1());
    ComputeSegments.Result l1 = local(javaDiff, all, NOW);
    EngineSegmentRun.Result e1 = inEngine(sqlSide, all, NOW);
    assertThat(e1.entered()).isEqualTo(l1.entered()).isEqualTo(4);
    assertThat(e1.runId()).isEqualTo(l1.runId());
    assertThat(sqlSide.membership()).isEqualTo(javaDiff.membership()).hasSize(4);
    assertThat(sqlSide.changes()).isEqualTo(javaDiff.changes());
    assertThat(sqlSide.objects.list("curated/segment_membership/tenant=acme/"))
        .as("one directory per segment under the snapshot")
        .containsExactlyInAnyOrder(
            "curated/segment_membership/tenant=acme/snapshot=000001/segment-buyers/part-0.parquet",
            "curated/segment_membership/tenant=acme/snapshot=000001/segment-pro/part-0.parquet",
            "curated/segment_membership/tenant=acme/snapshot=000001/segment-pro-buyers/"
                + "part-0.parquet");

    // running again at a later time changes nothing: no new snapshot, nothing left behind
    EngineSegmentRun.Result again = inEngine(sqlSide, all, NOW.plusSeconds(60));
    assertThat(again.noop()).isTrue();
    assertThat(again.snapshot()).isEqualTo(1);
    assertThat(sqlSide.objects.list("curated/segment_membership/tenant=acme/snapshot=000002/"))
        .isEmpty();
    assertThat(local(javaDiff, all, NOW.plusSeconds(60)).noop()).isTrue();

    // day 2: entries, exits, a merged-away profile; entered_at of those who stay is kept
    javaDiff.day("2026-11-02", day2());
    sqlSide.day("2026-11-02", day2());
    ComputeSegments.Result l2 = local(javaDiff, all, NOW.plusSeconds(3600));
    EngineSegmentRun.Result e2 = inEngine(sqlSide, all, NOW.plusSeconds(3600));
    assertThat(e2.entered()).isEqualTo(l2.entered());
    assertThat(e2.exited()).isEqualTo(l2.exited()).isPositive();
    assertThat(sqlSide.membership()).isEqualTo(javaDiff.membership());
    assertThat(sqlSide.changes()).isEqualTo(javaDiff.changes());

    // a deleted segment: its members exit
    Segments fewer = segments(PRO, BUYERS);
    local(javaDiff, fewer, NOW.plusSeconds(7200));
    EngineSegmentRun.Result e3 = inEngine(sqlSide, fewer, NOW.plusSeconds(7200));
    assertThat(e3.exited()).isPositive();
    assertThat(sqlSide.membership()).isEqualTo(javaDiff.membership());
    assertThat(sqlSide.changes()).isEqualTo(javaDiff.changes());

    // publish-changes reads the engine's directories as it reads the local files
    PublishChanges.Result p = sqlSide.publish(fewer);
    javaDiff.publish(fewer);
    assertThat(p.events())
        .isEqualTo((int) (e1.entered() + e2.entered() + e2.exited() + e3.exited()));
    assertThat(sqlSide.events()).isEqualTo(javaDiff.events());

    // and the profile API's reader sees the membership of the engine's snapshot
    CuratedProfiles profiles =
        new CuratedProfiles(sqlSide.store, Duration.ofDays(1), Clock.systemUTC());
    String u2 =
        sqlSide
            .rows(
                "SELECT profile_id FROM curated.identity_graph WHERE identifier = 'u-2' AND"
                    + " identifier_type = 'user_id'")
            .get(0)
            .replaceAll("[\\[\\]]", "");
    assertThat(profiles.byId("acme", u2).orElseThrow().segments())
        .extracting(m -> m.segmentId())
        .containsExactly("buyers", "pro");
  }

  @Test
  void erasureFindsAndRemovesAPersonFromTheEnginesDirectories() throws Exception {
    Lake lake = new Lake("engine");
    lake.day("2026-11-01", day1());
    Segments all = segments(PRO, BUYERS);
    inEngine(lake, all, NOW);
    String u1 =
        lake.rows(
                "SELECT profile_id FROM curated.identity_graph WHERE identifier = 'u-1' AND"
                    + " identifier_type = 'user_id'")
            .get(0)
            .replaceAll("[\\[\\]]", "");
    io.meridian.cdp.identity.CuratedErasure erasure =
        new io.meridian.cdp.identity.CuratedErasure(lake.store);

    var held = erasure.rowsOf("acme", java.util.Set.of(u1));
    assertThat(held.get("segment_membership")).hasSize(2);
    assertThat(held.get("segment_changes")).hasSize(2);

    var removed = erasure.eraseSegments("acme", java.util.Set.of(u1));

    assertThat(removed.rows())
        .containsEntry("segment_membership", 2L)
        .containsEntry("segment_changes", 2L);
    assertThat(lake.membership()).noneMatch(r -> r.contains(u1)).isNotEmpty();
    assertThat(lake.changes()).noneMatch(r -> r.contains(u1)).isNotEmpty();
  }

  @Test
  void aPlanOverTakenByAnotherRunIsRefusedAndChangesNothing() throws Exception {
    Lake lake = new Lake("engine");
    lake.day("2026-11-01", day1());
    Segments all = segments(PRO);
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(lake.objects.root())) {
      EngineSegmentRun run =
          new EngineSegmentRun(
              lake.store,
              sql,
              new SegmentStatements(DuckDbSqlEngine.snapshots(lake.objects.root())));
      EngineSegmentRun.Plan stale = run.plan("acme", all, NOW);
      inEngine(lake, all, NOW);
      List<String> before = lake.membership();

      assertThatThrownBy(() -> run.changes(stale))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another run finished in between");
      assertThat(lake.membership()).isEqualTo(before);
      assertThatThrownBy(() -> run.members(stale, "vip", all))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not one of the run's segments");
    }
  }

  @Test
  void withoutProfilesThereIsNothingToEvaluate() throws Exception {
    Lake lake = new Lake("engine");
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(lake.objects.root())) {
      EngineSegmentRun run =
          new EngineSegmentRun(
              lake.store,
              sql,
              new SegmentStatements(DuckDbSqlEngine.snapshots(lake.objects.root())));
      EngineSegmentRun.Plan plan = run.plan("acme", segments(PRO), NOW);
      assertThat(plan.segments()).isEmpty();
      assertThat(plan.profiles()).isZero();
      EngineSegmentRun.Result r = run.changes(plan);
      assertThat(r.entered() + r.exited()).isZero();
      assertThat(r.snapshot()).isEqualTo(1);
    }
  }
}
