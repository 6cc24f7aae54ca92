package io.meridian.cdp.segment;

import io.meridian.cdp.identity.AudienceTraits;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedStore.Pointer;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlEngine;
import io.meridian.cdp.sql.SqlException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The compute-segments step: evaluates every segment of a tenant with the SQL engine over the
 * current curated snapshot, compares the members with the previous run's, and writes {@code
 * curated.segment_membership} (a new snapshot) and this run's {@code curated.segment_changes}. Then
 * switches the tenant's {@code segments} pointer, so a crash before the switch leaves the previous
 * membership in force and the retry recomputes the same run.
 *
 * <p>Members that left — a condition no longer holds, the profile was merged into another (its id
 * is gone), or the segment was deleted — exit; new members enter. A run that changes nothing writes
 * nothing (re-running is a no-op). Entered-at times survive across runs.
 */
public final class ComputeSegments {
  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final CuratedStore store;
  private final SqlEngine engine;
  private final SegmentCompiler compiler;
  private final SegmentStatements.Relations snapshots;

  /**
   * @param engine reads the tenant's current curated snapshot (open it after build-profiles)
   */
  public ComputeSegments(CuratedStore store, SqlEngine engine, SqlDialect dialect) {
    this.store = store;
    this.engine = engine;
    this.compiler = new SegmentCompiler(dialect);
    this.snapshots = null;
  }

  /**
   * DuckDB: the segments of a run are computed over one staged table ({@link
   * SegmentCompiler#stage}), copied from the tenant's {@link AudienceTraits#TABLE} snapshot when it
   * holds what the segments read (found through {@code snapshots}), else extracted from the
   * profiles' JSON once for all segments.
   */
  public ComputeSegments(
      CuratedStore store, SqlEngine engine, SegmentStatements.Relations snapshots) {
    if (snapshots.dialect() != SqlDialect.DUCKDB) {
      throw new IllegalArgumentException("staged runs are for DuckDB");
    }
    this.store = store;
    this.engine = engine;
    this.compiler = new SegmentCompiler(SqlDialect.DUCKDB);
    this.snapshots = snapshots;
  }

  /**
   * What a run did.
   *
   * @param snapshot the membership snapshot in force after the run
   * @param runId identifies the run's changes ({@code segment_changes.run_id}); empty when none
   * @param members current member count per segment
   */
  public record Result(
      String tenant,
      int snapshot,
      String runId,
      Map<String, Integer> members,
      long entered,
      long exited,
      boolean noop) {}

  /** Computes the segments of {@code tenant} as of {@code now}. */
  public Result run(String tenant, Segments segments, Instant now)
      throws IOException, SqlException {
    Instant at = now.truncatedTo(ChronoUnit.MICROS);
    Pointer previous = store.pointer(tenant, SegmentTables.STEP).orElse(null);
    Map<String, Map<String, Instant>> before = membership(previous);

    Map<String, Map<String, Instant>> after = new TreeMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    SegmentCompiler.Staged staged = stage(tenant, segments);
    try {
      for (Segment s : segments.all()) {
        SegmentQuery q =
            staged != null ? staged.members(s, at) : compiler.members(tenant, s, segments, at);
        QueryResult r = engine.query(q.sql(), q.parameters());
        Map<String, Instant> old = before.getOrDefault(s.id(), Map.of());
        Map<String, Instant> members = new TreeMap<>();
        for (List<Object> row : r.rows()) {
          String profile = (String) row.get(0);
          members.put(profile, old.getOrDefault(profile, at));
        }
        after.put(s.id(), members);
        counts.put(s.id(), members.size());
      }
    } finally {
      if (staged != null) {
        engine.query(SegmentCompiler.Staged.DROP);
      }
    }

    int snapshot = previous == null ? 1 : previous.snapshot() + 1;
    String runId = CuratedStore.snapshotName(snapshot) + "-" + RUN_TIME.format(at);
    List<Object[]> changes = new ArrayList<>();
    Set<String> segmentIds = new HashSet<>(before.keySet());
    segmentIds.addAll(after.keySet());
    for (String segment : new java.util.TreeSet<>(segmentIds)) {
      Map<String, Instant> was = before.getOrDefault(segment, Map.of());
      Map<String, Instant> is = after.getOrDefault(segment, Map.of());
      for (String p : is.keySet()) {
        if (!was.containsKey(p)) {
          changes.add(new Object[] {segment, p, SegmentTables.ENTERED, at, runId});
        }
      }
      for (String p : was.keySet()) {
        if (!is.containsKey(p)) {
          changes.add(new Object[] {segment, p, SegmentTables.EXITED, at, runId});
        }
      }
    }
    long entered = changes.stream().filter(c -> c[2].equals(SegmentTables.ENTERED)).count();
    if (changes.isEmpty() && previous != null) {
      return new Result(tenant, previous.snapshot(), "", counts, 0, 0, true);
    }

    String membershipKey =
        CuratedStore.snapshotKey(SegmentTables.MEMBERSHIP.name(), tenant, snapshot);
    List<Object[]> rows = new ArrayList<>();
    after.forEach(
        (segment, members) -> members.forEach((p, t) -> rows.add(new Object[] {segment, p, t})));
    store.write(SegmentTables.MEMBERSHIP, membershipKey, rows);
    if (!changes.isEmpty()) {
      store.write(SegmentTables.CHANGES, changesKey(tenant, snapshot), changes);
    }
    Map<String, String> tables = new HashMap<>();
    tables.put(SegmentTables.MEMBERSHIP.name(), membershipKey);
    Pointer next =
        new Pointer(snapshot, 0, at.toEpochMilli() * 1_000, runId, List.of(), tables, "");
    store.switchTo(
        tenant, SegmentTables.STEP, next, previous == null ? Pointer.initial() : previous);
    return new Result(tenant, snapshot, runId, counts, entered, changes.size() - entered, false);
  }

  /**
   * The staged table of a DuckDB run, created, or null (no staging: another engine, or no
   * segments).
   */
  private SegmentCompiler.Staged stage(String tenant, Segments segments)
      throws IOException, SqlException {
    if (snapshots == null || segments.all().isEmpty()) {
      return null;
    }
    Pointer profiles = store.pointer(tenant, CuratedStore.PROFILES).orElse(Pointer.initial());
    AudienceTraits.Layout layout = profiles.audienceTraits();
    String relation =
        profiles.tables().containsKey(AudienceTraits.TABLE)
            ? snapshots.snapshot(AudienceTraits.TABLE, tenant, profiles.snapshot())
            : null;
    SegmentCompiler.Staged staged = compiler.stage(tenant, segments, layout, relation);
    engine.query(staged.create().sql(), staged.create().parameters());
    return staged;
  }

  /**
   * Key of the changes file of run {@code snapshot}. Changes are history: unlike membership, the
   * files of earlier runs are kept (they are not in the pointer's tables, so the switch keeps
   * them).
   */
  public static String changesKey(String tenant, int snapshot) {
    return changesPrefix(tenant, snapshot) + "part-0.parquet";
  }

  /** The directory of run {@code snapshot}'s changes: {@link #changesKey} or an engine's files. */
  public static String changesPrefix(String tenant, int snapshot) {
    return CuratedStore.tablePrefix(SegmentTables.CHANGES.name(), tenant)
        + "snapshot="
        + CuratedStore.snapshotName(snapshot)
        + "/";
  }

  private Map<String, Map<String, Instant>> membership(Pointer pointer) throws IOException {
    Map<String, Map<String, Instant>> out = new TreeMap<>();
    if (pointer == null || !pointer.tables().containsKey(SegmentTables.MEMBERSHIP.name())) {
      return out;
    }
    for (Object[] r :
        store.read(
            SegmentTables.MEMBERSHIP, pointer.tables().get(SegmentTables.MEMBERSHIP.name()))) {
      out.computeIfAbsent((String) r[0], k -> new TreeMap<>()).put((String) r[1], (Instant) r[2]);
    }
    return out;
  }
}
