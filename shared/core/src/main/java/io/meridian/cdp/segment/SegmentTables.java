package io.meridian.cdp.segment;

import static io.meridian.cdp.parquet.Column.required;

import io.meridian.cdp.parquet.ColumnType;
import io.meridian.cdp.parquet.TableSchema;
import java.util.List;

/**
 * Schemas of the segment tables of the curated zone (docs/TABLES.md). {@code tenant} lives in the
 * object key. Membership is a snapshot per run, like the profiles; changes are history: each run
 * adds the file of its own changes.
 */
public final class SegmentTables {
  /** The curated step that computes segments; the name of its pointer. */
  public static final String STEP = "segments";

  /** {@code curated.segment_membership}: the current members of every segment. */
  public static final TableSchema MEMBERSHIP =
      new TableSchema(
          "segment_membership",
          List.of(
              required("segment_id", ColumnType.STRING),
              required("profile_id", ColumnType.STRING).withoutDictionary(),
              required("entered_at", ColumnType.TIMESTAMP)));

  /** {@code curated.segment_changes}: who entered and who left, run by run. */
  public static final TableSchema CHANGES =
      new TableSchema(
          "segment_changes",
          List.of(
              required("segment_id", ColumnType.STRING),
              required("profile_id", ColumnType.STRING).withoutDictionary(),
              required("change", ColumnType.STRING),
              required("changed_at", ColumnType.TIMESTAMP),
              required("run_id", ColumnType.STRING)));

  /** The {@code change} of a profile that joined a segment. */
  public static final String ENTERED = "entered";

  /** The {@code change} of a profile that left a segment (or was merged away, or lost it). */
  public static final String EXITED = "exited";

  private SegmentTables() {}
}
