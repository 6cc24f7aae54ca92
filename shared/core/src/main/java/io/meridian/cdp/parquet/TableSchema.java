package io.meridian.cdp.parquet;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * A flat table layout: a name and its columns in row order.
 *
 * @param name the table name, used as the Parquet message name; not blank
 * @param columns the columns in row order; at least one, names unique ignoring case (DuckDB binds
 *     column names case-insensitively)
 */
public record TableSchema(String name, List<Column> columns) {

  public TableSchema {
    Objects.requireNonNull(name, "table name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("table name must not be blank");
    }
    Objects.requireNonNull(columns, () -> "columns of table '" + name + "'");
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("table '" + name + "' needs at least one column");
    }
    Set<String> seen = new HashSet<>();
    for (Column column : columns) {
      if (!seen.add(column.name().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "table '"
                + name
                + "' has column '"
                + column.name()
                + "' more than once (ignoring case)");
      }
    }
  }

  /**
   * This table with only the columns {@code names}, in this table's order: what a reader that needs
   * fewer columns reads (Parquet then skips the others).
   *
   * @throws IllegalArgumentException naming a column this table does not have
   */
  public TableSchema project(String... names) {
    Set<String> wanted = new HashSet<>(List.of(names));
    List<Column> kept = columns.stream().filter(c -> wanted.remove(c.name())).toList();
    if (!wanted.isEmpty()) {
      throw new IllegalArgumentException("table '" + name + "' has no columns " + wanted);
    }
    return new TableSchema(name, kept);
  }

  /**
   * The position of column {@code name} in a row of this table.
   *
   * @throws IllegalArgumentException if this table has no such column
   */
  public int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("table '" + this.name + "' has no column '" + name + "'");
  }

  /** The Parquet message type of this table: one primitive field per column, in order. */
  MessageType messageType() {
    Types.MessageTypeBuilder builder = Types.buildMessage();
    for (Column column : columns) {
      Repetition repetition = column.required() ? Repetition.REQUIRED : Repetition.OPTIONAL;
      switch (column.type()) {
        case STRING ->
            builder
                .primitive(PrimitiveTypeName.BINARY, repetition)
                .as(LogicalTypeAnnotation.stringType())
                .named(column.name());
        case JSON ->
            builder
                .primitive(PrimitiveTypeName.BINARY, repetition)
                .as(LogicalTypeAnnotation.jsonType())
                .named(column.name());
        case TIMESTAMP ->
            builder
                .primitive(PrimitiveTypeName.INT64, repetition)
                .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS))
                .named(column.name());
        case INT64 -> builder.primitive(PrimitiveTypeName.INT64, repetition).named(column.name());
        case INT32 -> builder.primitive(PrimitiveTypeName.INT32, repetition).named(column.name());
        case DOUBLE -> builder.primitive(PrimitiveTypeName.DOUBLE, repetition).named(column.name());
        case BOOLEAN ->
            builder.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(column.name());
      }
    }
    return builder.named(name);
  }
}
