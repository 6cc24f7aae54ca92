package io.meridian.cdp.parquet;

import java.util.Objects;

/**
 * One column of a {@link TableSchema}.
 *
 * @param name the column name, not blank
 * @param type the value type
 * @param required whether every row must hold a non-null value in this column
 * @param dictionary whether the writer may dictionary-encode the column (it falls back to plain
 *     encoding when the dictionary grows too large); off for columns of mostly distinct values,
 *     where building the dictionary costs time and saves no space
 */
public record Column(String name, ColumnType type, boolean required, boolean dictionary) {

  /** A column that may be dictionary-encoded. */
  public Column(String name, ColumnType type, boolean required) {
    this(name, type, required, true);
  }

  public Column {
    Objects.requireNonNull(name, "column name");
    Objects.requireNonNull(type, () -> "type of column '" + name + "'");
    if (name.isBlank()) {
      throw new IllegalArgumentException("column name must not be blank");
    }
  }

  /** A column that may hold nulls. */
  public static Column optional(String name, ColumnType type) {
    return new Column(name, type, false);
  }

  /** A column that must hold a value in every row. */
  public static Column required(String name, ColumnType type) {
    return new Column(name, type, true);
  }

  /** This column, never dictionary-encoded. */
  public Column withoutDictionary() {
    return new Column(name, type, required, false);
  }
}
