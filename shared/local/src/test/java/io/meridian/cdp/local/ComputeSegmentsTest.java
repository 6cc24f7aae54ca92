package io.meridian.cdp.local;

import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.activation.ActivationEvent;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.PublishChanges;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.AudienceTraits;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.segment.ComputeSegments;
import io.meridian.cdp.segment.SegmentDefinitions;
import io.meridian.cdp.segment.Segments;
import io.meridian.cdp.segment.SqlDialect;
import io.meridian.cdp.sql.QueryResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * compute-segments and publish-changes over a real lake: Parquet written by the curate steps, the
 * segment SQL run by DuckDB, membership and changes read back through the DuckDB views. The
 * publisher here records events (the port's local bus has its own tests).
 */
class ComputeSegmentsTest {
  private static final IdentityRules RULES = IdentityRules.defaults();
  private static final Instant NOW = Instant.parse("2026-11-24T06:00:00Z");

  @TempDir Path temp;

  private final List<ActivationEvent> published = new ArrayList<>();
  private final EventPublisher recorder =
      events -> {
        published.addAll(events);
        return new PublishReport(events.size(), events.size(), List.of());
      };

  private static Segments segments(String json) throws Exception {
    List<JsonNode> defs = new ArrayList<>();
    Json.MAPPER.readTree(json).forEach(defs::add);
    return SegmentDefinitions.parse(defs);
  }

  private static final String PRO =
      "{\"id\":\"pro\",\"name\":\"Pro plan\",\"where\":{\"trait\":\"plan\",\"eq\":\"pro\"},"
          + "\"activation\":{\"traits\":[\"plan\",\"lifetime_revenue\"],\"identifiers\":[\"email\"]}}";
  private static final String BUYERS =
      "{\"id\":\"buyers\",\"where\":{\"performed\":\"Order Completed\"}}";

  /**
   * Whether the run is staged as {@code cdp run} does it: build-profiles writes the audience traits
   * of {@link #AUDIENCE_TRAITS}, and the segments are computed over one staged table.
   */
  private boolean staged;

  private static final AudienceTraits.Layout AUDIENCE_TRAITS =
      new AudienceTraits.Layout(List.of("lifetime_revenue"), List.of(List.of("plan")));

  private ComputeSegments.Result compute(
      LocalFileObjectStore lake, CuratedStore store, Segments segments, Instant now)
      throws Exception {
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(lake.root())) {
      ComputeSegments step =
          staged
              ? new ComputeSegments(store, sql, DuckDbSqlEngine.snapshots(lake.root()))
              : new ComputeSegments(store, sql, SqlDialect.DUCKDB);
      return step.run("acme", segments, now);
    }
  }

  private void curate(CuratedStore store) throws Exception {
    new ResolveIdentities(store).run("acme", RULES, "US");
    if (staged) {
      new BuildProfiles(store).run("acme", RULES, AUDIENCE_TRAITS);
      assertThat(store.pointer("acme", CuratedStore.PROFILES).orElseThrow().tables())
          .containsKey(AudienceTraits.TABLE);
    } else {
      new BuildProfiles(store).run("acme", RULES);
    }
  }

  private static Map<String, String> profilesByUser(LocalFileObjectStore lake) throws Exception {
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(lake.root())) {
      return sql
          .query(
              "SELECT identifier, profile_id FROM curated.identity_graph WHERE identifier_type IN"
                  + " ('user_id', 'anonymous_id')")
          .rows()
          .stream()
          .collect(Collectors.toMap(r -> (String) r.get(0), r -> (String) r.get(1)));
    }
  }

  private static List<String> rows(LocalFileObjectStore lake, String sql) throws Exception {
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(lake.root())) {
      QueryResult r = engine.query(sql);
      return r.rows().stream().map(Object::toString).toList();
    }
  }

  /** The same membership, changes and events unstaged, and staged from the audience traits. */
  @ParameterizedTest(name = "staged from the audience traits: {0}")
  @ValueSource(booleans = {false, true})
  void membershipFollowsTheProfilesAndEveryChangeIsPublishedOnce(boolean staged) throws Exception {
    this.staged = staged;
    LocalFileObjectStore lake = new LocalFileObjectStore(temp.resolve("lake"));
    CuratedStore store = new CuratedStore(lake, temp.resolve("work"));
    String consentNoAds = "{\"consent\":{\"categoryPreferences\":{\"advertising\":false}}}";
    writeClean(
        lake,
        temp,
        "acme",
        "2026-11-01",
        "a",
        List.of(
            new Call(
                "m1",
                "identify",
                null,
                "u-1",
                "anon-1",
                "{\"plan\":\"pro\",\"email\":\"ann@example.com\"}",
                null,
                100,
                consentNoAds),
            new Call("m2", "identify", null, "u-2", null, "{\"plan\":\"free\"}", null, 200),
            new Call(
                "m3", "track", "Order Completed", null, "anon-3", null, "{\"revenue\":50}", 300)));
    curate(store);
    Segments both = segments("[" + PRO + "," + BUYERS + "]");

    ComputeSegments.Result first = compute(lake, store, both, NOW);
    Map<String, String> profile = profilesByUser(lake);
    assertThat(first.members()).containsEntry("pro", 1).containsEntry("buyers", 1);
    assertThat(first.entered()).isEqualTo(2);
    assertThat(
            rows(lake, "SELECT segment_id, profile_id FROM curated.segment_membership ORDER BY 1"))
        .containsExactly(
            "[buyers, " + profile.get("anon-3") + "]", "[pro, " + profile.get("u-1") + "]");

    PublishChanges publish = new PublishChanges(store, recorder);
    PublishChanges.Result out = publish.run("acme", both);
    assertThat(out.events()).isEqualTo(2);
    JsonNode ann =
        published.stream()
            .filter(e -> e.detail().path("segment").path("id").asText().equals("pro"))
            .findFirst()
            .orElseThrow()
            .detail();
    assertThat(ann.path("change").asText()).isEqualTo("entered");
    assertThat(ann.path("segment").path("name").asText()).isEqualTo("Pro plan");
    assertThat(ann.path("traits").path("plan").asText()).isEqualTo("pro");
    assertThat(ann.path("traits").path("lifetime_revenue").asDouble()).isEqualTo(0.0);
    assertThat(ann.path("identifiers").path("email").get(0).asText()).isEqualTo("ann@example.com");
    assertThat(ann.path("identifiers").has("user_id"))
        .as("only the identifiers asked for")
        .isFalse();
    assertThat(ann.path("consent").path("advertising").asBoolean(true)).isFalse();

    // running again changes nothing and publishes nothing
    assertThat(compute(lake, store, both, NOW.plusSeconds(60)).noop()).isTrue();
    assertThat(publish.run("acme", both).noop()).isTrue();
    assertThat(published).hasSize(2);

    // day 2: u-1 downgrades, u-2 upgrades, and anon-3 turns out to be u-2 (its profile merges away)
    writeClean(
        lake,
        temp,
        "acme",
        "2026-11-02",
        "a",
        List.of(
            new Call("m4", "identify", null, "u-1", null, "{\"plan\":\"free\"}", null, 90_000),
            new Call("m5", "identify", null, "u-2", "anon-3", "{\"plan\":\"pro\"}", null, 90_100)));
    curate(store);
    ComputeSegments.Result second = compute(lake, store, both, NOW.plusSeconds(3600));
    assertThat(second.entered()).isEqualTo(2);
    assertThat(second.exited()).isEqualTo(2);
    String u2 = profile.get("u-2");
    assertThat(
            rows(
                lake,
                "SELECT segment_id, profile_id, change, run_id FROM curated.segment_changes WHERE"
                    + " run_id = '"
                    + second.runId()
                    + "' ORDER BY 1, 3, 2"))
        .containsExactly(
            "[buyers, " + u2 + ", entered, " + second.runId() + "]",
            "[buyers, " + profile.get("anon-3") + ", exited, " + second.runId() + "]",
            "[pro, " + u2 + ", entered, " + second.runId() + "]",
            "[pro, " + profile.get("u-1") + ", exited, " + second.runId() + "]");
    assertThat(rows(lake, "SELECT count(*) FROM curated.segment_changes")).containsExactly("[6]");

    published.clear();
    publish.run("acme", both);
    assertThat(published).hasSize(4);
    JsonNode mergedAway =
        published.stream()
            .map(ActivationEvent::detail)
            .filter(d -> d.path("profile_id").asText().equals(profile.get("anon-3")))
            .findFirst()
            .orElseThrow();
    assertThat(mergedAway.path("change").asText()).isEqualTo("exited");
    assertThat(mergedAway.path("identifiers").size())
        .as("a merged-away profile's exit names no identifier of the survivor")
        .isZero();

    // a deleted segment: its members exit
    ComputeSegments.Result third =
        compute(lake, store, segments("[" + BUYERS + "]"), NOW.plusSeconds(7200));
    assertThat(third.exited()).isEqualTo(1);
    assertThat(rows(lake, "SELECT DISTINCT segment_id FROM curated.segment_membership"))
        .containsExactly("[buyers]");
  }

  @Test
  void aFirstRunWithoutSegmentsWritesAnEmptyMembership() throws Exception {
    LocalFileObjectStore lake = new LocalFileObjectStore(temp.resolve("lake"));
    CuratedStore store = new CuratedStore(lake, temp.resolve("work"));
    writeClean(
        lake,
        temp,
        "acme",
        "2026-11-01",
        "a",
        List.of(new Call("m1", "identify", null, "u-1", null, null, null, 100)));
    curate(store);
    ComputeSegments.Result r = compute(lake, store, Segments.empty(), NOW);
    assertThat(r.snapshot()).isEqualTo(1);
    assertThat(rows(lake, "SELECT count(*) FROM curated.segment_membership"))
        .containsExactly("[0]");
    assertThat(compute(lake, store, Segments.empty(), NOW).noop()).isTrue();
  }

  @Test
  void aProfileWithASuppressedIdentifierIsNeverPublished() throws Exception {
    LocalFileObjectStore lake = new LocalFileObjectStore(temp.resolve("lake"));
    CuratedStore store = new CuratedStore(lake, temp.resolve("work"));
    writeClean(
        lake,
        temp,
        "acme",
        "2026-11-01",
        "a",
        List.of(
            new Call("m1", "identify", null, "u-1", null, "{\"plan\":\"pro\"}", null, 100),
            new Call("m2", "identify", null, "u-2", null, "{\"plan\":\"pro\"}", null, 200)));
    curate(store);
    Segments pro = segments("[" + PRO + "]");
    compute(lake, store, pro, NOW);
    io.meridian.cdp.privacy.PrivacyKeys keys =
        new io.meridian.cdp.privacy.PrivacyKeys(
            ref -> "local-test-privacy-key", io.meridian.cdp.privacy.PrivacyKeys::localRef);
    io.meridian.cdp.privacy.Suppression suppression =
        new io.meridian.cdp.privacy.Suppression(
            lake, keys, java.time.Duration.ZERO, java.time.Clock.systemUTC());
    suppression.add("acme", "er-test", List.of(suppression.hash("acme", "user_id", "u-2")));

    PublishChanges.Result out =
        new PublishChanges(store, recorder).withSuppression(suppression).run("acme", pro);

    assertThat(out.events()).isEqualTo(1);
    assertThat(out.suppressed()).isEqualTo(1);
    assertThat(published).hasSize(1);
    assertThat(published.get(0).detail().path("profile_id").asText())
        .isEqualTo(profilesByUser(lake).get("u-1"));
  }
}
