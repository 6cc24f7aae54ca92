package io.meridian.cdp.segment;

import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.tenant.Ids;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The SQL of a segment run that stays inside the engine (ADR 0017), the same algorithm for DuckDB
 * and Athena: per segment, one statement whose result is the segment's new membership (its compiled
 * member query, left-joined to the previous membership snapshot to keep {@code entered_at}); then
 * one statement whose result is the run's changes (a full outer join of the previous and the new
 * membership: who is only in the new one entered, who is only in the old one exited — a deleted
 * segment's members and merged-away profiles included). The engine writes each result as Parquet
 * ({@code SqlEngine.unload}); nothing passes through the caller.
 *
 * <p>Every curated table is read through {@link Relations}: one tenant's files of one snapshot, the
 * one its pointer names. Values (tenant, segment ids, times, run id) are bound parameters as in
 * {@link SegmentCompiler}; only the relations' text holds the tenant id and snapshot number, both
 * checked here (a tenant id is {@code [a-z0-9_-]}, a snapshot a positive number).
 */
public final class SegmentStatements {
  private static final Set<String> TABLES =
      Set.of(
          "profiles",
          "identity_graph",
          SegmentTables.MEMBERSHIP.name(),
          SegmentTables.CHANGES.name());

  /** Where one engine finds a snapshot of a curated table. */
  public interface Relations {
    SqlDialect dialect();

    /**
     * A parenthesized relation with the columns of {@code table} (and {@code tenant}): the files of
     * {@code tenant}'s snapshot {@code snapshot}, including files in sub-directories of the
     * snapshot's directory (an engine writes a directory of files).
     */
    String snapshot(String table, String tenant, int snapshot);
  }

  /**
   * Athena: the Glue tables of {@code cdp_curated}, confined to one tenant and one {@code snapshot}
   * partition (projected from the key {@code snapshot=NNNNNN/}).
   */
  public static Relations athena() {
    return new Relations() {
      @Override
      public SqlDialect dialect() {
        return SqlDialect.TRINO;
      }

      @Override
      public String snapshot(String table, String tenant, int snapshot) {
        return "(SELECT * FROM cdp_curated."
            + table
            + " WHERE tenant = '"
            + tenant
            + "' AND snapshot = "
            + snapshot
            + ")";
      }
    };
  }

  private final Relations relations;
  private final String timestamp;

  public SegmentStatements(Relations relations) {
    this.relations = Objects.requireNonNull(relations, "relations");
    this.timestamp = relations.dialect() == SqlDialect.DUCKDB ? "TIMESTAMPTZ" : "timestamp";
  }

  public SqlDialect dialect() {
    return relations.dialect();
  }

  /**
   * The new membership of {@code segment}: columns {@code segment_id, profile_id, entered_at}.
   *
   * @param profiles the profiles snapshot to evaluate
   * @param identity the identity snapshot behaviour conditions join through
   * @param previous the previous membership snapshot, 0 when there is none
   * @param at the run's time: "now" of the conditions and the entry time of new members
   */
  public SegmentQuery members(
      String tenant,
      Segment segment,
      Segments all,
      int profiles,
      int identity,
      int previous,
      Instant at) {
    SegmentCompiler compiler =
        SegmentCompiler.over(
            dialect(),
            relation("profiles", tenant, profiles),
            relation("identity_graph", tenant, identity));
    SegmentQuery q = compiler.members(tenant, segment, all, at);
    Sql sql =
        new Sql()
            .sql("SELECT CAST(")
            .param(segment.id())
            .sql(" AS VARCHAR) AS segment_id, m.profile_id, COALESCE(o.entered_at, CAST(")
            .param(at)
            .sql(" AS " + timestamp + ")) AS entered_at\nFROM (\n");
    sql.append(q)
        .sql("\n) m\nLEFT JOIN " + membership(tenant, previous) + " o\n  ON o.segment_id = ")
        .param(segment.id())
        .sql(" AND o.profile_id = m.profile_id");
    return sql.build();
  }

  /**
   * The run's changes: columns {@code segment_id, profile_id, change, changed_at, run_id}.
   *
   * @param next the new membership snapshot, 0 when no segment was evaluated (all deleted)
   * @param previous the previous membership snapshot, 0 when there is none
   */
  public SegmentQuery changes(String tenant, int next, int previous, Instant at, String runId) {
    Sql sql =
        new Sql()
            .sql(
                "SELECT COALESCE(n.segment_id, o.segment_id) AS segment_id,"
                    + " COALESCE(n.profile_id, o.profile_id) AS profile_id,\n  CASE WHEN"
                    + " o.profile_id IS NULL THEN '"
                    + SegmentTables.ENTERED
                    + "' ELSE '"
                    + SegmentTables.EXITED
                    + "' END AS change, CAST(")
            .param(at)
            .sql(" AS " + timestamp + ") AS changed_at, CAST(")
            .param(runId)
            .sql(
                " AS VARCHAR) AS run_id\nFROM "
                    + membership(tenant, next)
                    + " n\nFULL OUTER JOIN "
                    + membership(tenant, previous)
                    + " o\n  ON o.segment_id = n.segment_id AND o.profile_id = n.profile_id\n"
                    + "WHERE n.profile_id IS NULL OR o.profile_id IS NULL");
    return sql.build();
  }

  /** How many entered and exited in {@link #changes}: one row, columns {@code entered, exited}. */
  public SegmentQuery countChanges(
      String tenant, int next, int previous, Instant at, String runId) {
    SegmentQuery changes = changes(tenant, next, previous, at, runId);
    Sql sql =
        new Sql()
            .sql(
                "SELECT count(*) FILTER (WHERE c.change = '"
                    + SegmentTables.ENTERED
                    + "') AS entered, count(*) FILTER (WHERE c.change = '"
                    + SegmentTables.EXITED
                    + "') AS exited\nFROM (\n");
    return sql.append(changes).sql("\n) c").build();
  }

  /** A membership snapshot, or an empty relation with its columns for snapshot 0. */
  private String membership(String tenant, int snapshot) {
    if (snapshot == 0) {
      return "(SELECT CAST(NULL AS VARCHAR) AS segment_id, CAST(NULL AS VARCHAR) AS profile_id,"
          + " CAST(NULL AS "
          + timestamp
          + ") AS entered_at WHERE false)";
    }
    return "(SELECT segment_id, profile_id, entered_at FROM "
        + relation(SegmentTables.MEMBERSHIP.name(), tenant, snapshot)
        + " s)";
  }

  private String relation(String table, String tenant, int snapshot) {
    if (!TABLES.contains(table)) {
      throw new IllegalArgumentException("not a curated snapshot table: " + table);
    }
    if (snapshot < 1 || snapshot > 999_999) {
      throw new IllegalArgumentException("snapshot " + snapshot + " is out of range");
    }
    return relations.snapshot(table, Ids.require("tenant", tenant), snapshot);
  }

  /** The directory of a tenant's membership snapshot: one sub-directory per segment. */
  public static String membershipPrefix(String tenant, int snapshot) {
    return CuratedStore.tablePrefix(SegmentTables.MEMBERSHIP.name(), tenant)
        + "snapshot="
        + CuratedStore.snapshotName(snapshot)
        + "/";
  }

  /** Where the members of one segment of a snapshot are written. */
  public static String membersPrefix(String tenant, int snapshot, String segmentId) {
    return membershipPrefix(tenant, snapshot)
        + "segment-"
        + Ids.require("segment", segmentId)
        + "/";
  }
}
