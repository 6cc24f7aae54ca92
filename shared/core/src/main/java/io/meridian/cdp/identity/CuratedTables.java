package io.meridian.cdp.identity;

import static io.meridian.cdp.parquet.Column.optional;
import static io.meridian.cdp.parquet.Column.required;

import io.meridian.cdp.parquet.ColumnType;
import io.meridian.cdp.parquet.TableSchema;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Schemas of the curated zone (docs/TABLES.md). {@code tenant} is a partition column and lives in
 * the object key. Whole-tenant tables are written as one snapshot per run ({@code
 * snapshot=NNNNNN}); readers follow the tenant's pointer to the current snapshot.
 */
public final class CuratedTables {
  /** {@code curated.identity_graph}: one row per identifier. */
  public static final TableSchema IDENTITY_GRAPH =
      new TableSchema(
          "identity_graph",
          List.of(
              required("identifier_type", ColumnType.STRING),
              required("identifier", ColumnType.STRING).withoutDictionary(),
              // A profile holds a few identifiers, first seen at scattered times: dictionaries of
              // these columns overflow and fall back to plain encoding after costing time.
              required("profile_id", ColumnType.STRING).withoutDictionary(),
              required("first_seen", ColumnType.TIMESTAMP).withoutDictionary(),
              required("last_seen", ColumnType.TIMESTAMP).withoutDictionary(),
              required("shared", ColumnType.BOOLEAN)));

  /** {@code curated.profile_merges}: one row per merge, in the order they happened. */
  public static final TableSchema PROFILE_MERGES =
      new TableSchema(
          "profile_merges",
          List.of(
              required("from_profile_id", ColumnType.STRING),
              required("into_profile_id", ColumnType.STRING),
              required("rule", ColumnType.STRING),
              required("identifier_type", ColumnType.STRING),
              required("identifier", ColumnType.STRING),
              required("message_id", ColumnType.STRING),
              required("merged_at", ColumnType.TIMESTAMP)));

  /** {@code curated.blocked_merges}: links refused by a limit, once per pair of profiles. */
  public static final TableSchema BLOCKED_MERGES =
      new TableSchema(
          "blocked_merges",
          List.of(
              required("profile_id", ColumnType.STRING),
              required("other_profile_id", ColumnType.STRING),
              required("rule", ColumnType.STRING),
              required("identifier_type", ColumnType.STRING),
              required("identifier", ColumnType.STRING),
              required("message_id", ColumnType.STRING),
              required("blocked_at", ColumnType.TIMESTAMP)));

  /**
   * {@code curated.event_identifiers}: each event's deciding (highest-priority) identifier, one
   * file per clean-zone file. Joined through {@code identity_graph} it gives the event's current
   * profile ({@code curated.event_profiles}).
   */
  public static final TableSchema EVENT_IDENTIFIERS =
      new TableSchema(
          "event_identifiers",
          List.of(
              required("message_id", ColumnType.STRING).withoutDictionary(),
              required("identifier_type", ColumnType.STRING),
              required("identifier", ColumnType.STRING).withoutDictionary()));

  /**
   * {@code curated.profiles}: one row per profile, traits and computed traits; written most
   * recently seen first ({@code last_seen} descending, then {@code profile_id}) in row groups of at
   * most {@link #PROFILES_ROW_GROUP_ROWS} profiles, so that a query on recent profiles (the usual
   * audience: "seen in the last 30 days and ...") reads only the row groups whose {@code last_seen}
   * statistics can match (ADR 0029).
   */
  public static final TableSchema PROFILES =
      new TableSchema(
          "profiles",
          List.of(
              required("profile_id", ColumnType.STRING).withoutDictionary(),
              required("created_at", ColumnType.TIMESTAMP),
              required("updated_at", ColumnType.TIMESTAMP),
              required("traits", ColumnType.JSON),
              required("identifiers", ColumnType.JSON),
              required("first_seen", ColumnType.TIMESTAMP),
              required("last_seen", ColumnType.TIMESTAMP),
              required("event_count", ColumnType.INT64),
              required("event_counts", ColumnType.JSON),
              required("active_days", ColumnType.INT32),
              required("lifetime_revenue", ColumnType.DOUBLE),
              required("order_count", ColumnType.INT64),
              optional("last_order_at", ColumnType.TIMESTAMP),
              // optional: snapshots written before consent was recorded lack it
              optional("consent", ColumnType.JSON)));

  /**
   * {@code curated.consent_history}: each change of a profile's consent decision for one purpose,
   * in time order (the first decision, then every decision that differs from the one before), from
   * {@code context.consent.categoryPreferences} of any call and {@code traits.consent} of identify
   * calls.
   */
  public static final TableSchema CONSENT_HISTORY =
      new TableSchema(
          "consent_history",
          List.of(
              required("profile_id", ColumnType.STRING).withoutDictionary(),
              required("purpose", ColumnType.STRING),
              required("granted", ColumnType.BOOLEAN),
              required("recorded_at", ColumnType.TIMESTAMP).withoutDictionary(),
              required("message_id", ColumnType.STRING).withoutDictionary(),
              required("source", ColumnType.STRING)));

  /** Private: every profile of the graph with its creation time, to restore the graph. */
  static final TableSchema PROFILE_INDEX =
      new TableSchema(
          "profile_index",
          List.of(
              required("profile_id", ColumnType.STRING).withoutDictionary(),
              required("created_at", ColumnType.TIMESTAMP)));

  /** Private: the mergeable aggregate state of every profile. */
  static final TableSchema PROFILE_STATE =
      new TableSchema(
          "profile_state",
          List.of(
              required("profile_id", ColumnType.STRING).withoutDictionary(),
              required("state", ColumnType.JSON)));

  /** The most profiles in one row group of {@code curated.profiles}. */
  public static final int PROFILES_ROW_GROUP_ROWS = 128 * 1024;

  /**
   * The most rows in one row group of a curated table: {@link #PROFILES_ROW_GROUP_ROWS} for {@code
   * profiles} and its {@link AudienceTraits} (row group for row group the same profiles), no limit
   * but the row group's size for the others.
   */
  public static int rowGroupRows(TableSchema table) {
    return table.name().equals(PROFILES.name())
            || table.name().equals(AudienceTraits.TABLE.substring(1))
        ? PROFILES_ROW_GROUP_ROWS
        : Integer.MAX_VALUE;
  }

  /**
   * The order in which {@code curated.profiles} rows are written: {@code last_seen} descending,
   * then {@code profile_id}.
   */
  public static final Comparator<Object[]> PROFILES_ORDER = profilesOrder();

  private static Comparator<Object[]> profilesOrder() {
    int lastSeen = PROFILES.indexOf("last_seen");
    int id = PROFILES.indexOf("profile_id");
    Comparator<Object[]> recent =
        Comparator.comparing((Object[] row) -> (Instant) row[lastSeen]).reversed();
    return recent.thenComparing(row -> (String) row[id]);
  }

  private CuratedTables() {}
}
