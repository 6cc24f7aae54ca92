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
   * How {@code clean.events} files are written (by {@link ParquetFiles#createFlat}, ADR 0023): ZSTD
   * level 3, 64 MiB row groups, 1 MiB pages. With that writer's delta-encoded timestamps, level 3
   * keeps the files smaller than DuckDB's of the same calls (the earlier parquet-java writer needed
   * level 7, at a third of the conversion's time, to come within 10%).
   */
  static final ParquetFiles.Options EVENTS_FILES =
      new ParquetFiles.Options(3, 64L * 1024 * 1024, 1024 * 1024);

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
