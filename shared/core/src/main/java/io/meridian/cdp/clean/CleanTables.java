package io.meridian.cdp.clean;

import static io.meridian.cdp.parquet.Column.optional;
import static io.meridian.cdp.parquet.Column.required;

import io.meridian.cdp.parquet.ColumnType;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.TableSchema;
import java.util.List;

/**
 * Schemas of the clean-zone tables. {@code tenant} and {@code dt} are partition columns: they live
 * in the object key, not in the file. Column names and types are a public contract
 * (docs/TABLES.md): add columns, never rename or retype one.
 */
public final class CleanTables {
  /** {@code clean.events}: one row per valid, de-duplicated call. */
  public static final TableSchema EVENTS =
      new TableSchema(
          "events",
          List.of(
              required("source", ColumnType.STRING),
              required("message_id", ColumnType.STRING).withoutDictionary(),
              required("type", ColumnType.STRING),
              optional("event", ColumnType.STRING),
              optional("name", ColumnType.STRING),
              optional("user_id", ColumnType.STRING).withoutDictionary(),
              optional("anonymous_id", ColumnType.STRING).withoutDictionary(),
              optional("group_id", ColumnType.STRING),
              optional("previous_id", ColumnType.STRING),
              required("timestamp", ColumnType.TIMESTAMP).withoutDictionary(),
              optional("original_timestamp", ColumnType.TIMESTAMP).withoutDictionary(),
              optional("sent_at", ColumnType.TIMESTAMP).withoutDictionary(),
              required("received_at", ColumnType.TIMESTAMP),
              optional("properties", ColumnType.JSON).withoutDictionary(),
              optional("traits", ColumnType.JSON).withoutDictionary(),
              optional("context", ColumnType.JSON),
              optional("integrations", ColumnType.JSON)));

  /**
   * How {@code clean.events} files are written: ZSTD level 7 rather than the default 3, because the
   * JSON text columns shrink by a sixth (level 3 made files about 13% larger than DuckDB's of the
   * same calls, level 7 about 6%). Level 9 was 1.5% smaller still but cost a third more compression
   * time; level 6 and below exceed DuckDB's size by 10% or more.
   */
  static final ParquetFiles.Options EVENTS_FILES =
      new ParquetFiles.Options(7, 64L * 1024 * 1024, 1024 * 1024);

  /** {@code quarantine.records}: one row per rejected record, with the reason. */
  public static final TableSchema QUARANTINE =
      new TableSchema(
          "records",
          List.of(
              required("source", ColumnType.STRING),
              optional("message_id", ColumnType.STRING),
              required("received_at", ColumnType.TIMESTAMP),
              required("reason", ColumnType.STRING),
              optional("field", ColumnType.STRING),
              required("detail", ColumnType.STRING),
              required("payload", ColumnType.STRING),
              required("raw_object", ColumnType.STRING)));

  private CleanTables() {}
}
