package io.meridian.cdp.parquet;

import java.util.Objects;

/**
 * One column of a {@link TableSchema}.
 *
 * @param name the column name, not blank
 * @param type the value type
 * @param required whether every row must hold a non-null value in this column
 */
public record Column(String name, ColumnType type, boolean required) {

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
}
