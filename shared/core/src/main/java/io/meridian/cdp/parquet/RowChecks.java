package io.meridian.cdp.parquet;

import java.time.Instant;
import java.util.List;

/** What every {@link RowWriter} checks of a row before it writes any of it. */
final class RowChecks {

  /** Seconds beyond which an instant's microseconds since the epoch no longer fit in a long. */
  private static final long MAX_EPOCH_SECONDS = Long.MAX_VALUE / 1_000_000L - 1;

  private final TableSchema schema;
  private final Column[] columns;
  private final Class<?>[] javaTypes;

  RowChecks(TableSchema schema) {
    this.schema = schema;
    List<Column> list = schema.columns();
    this.columns = list.toArray(new Column[0]);
    this.javaTypes = new Class<?>[columns.length];
    for (int i = 0; i < columns.length; i++) {
      javaTypes[i] = columns[i].type().javaType();
    }
  }

  /**
   * @throws IllegalArgumentException naming the column, if the row has the wrong length, a required
   *     value is null or a value has the wrong Java type or range
   */
  void validate(Object[] row) {
    if (row == null) {
      throw new IllegalArgumentException("row for table '" + schema.name() + "' is null");
    }
    if (row.length != columns.length) {
      throw new IllegalArgumentException(
          "row for table '"
              + schema.name()
              + "' has "
              + row.length
              + " values, but the table has "
              + columns.length
              + " columns");
    }
    for (int i = 0; i < columns.length; i++) {
      Object value = row[i];
      if (value == null) {
        if (columns[i].required()) {
          throw new IllegalArgumentException(
              "column '" + columns[i].name() + "' is required but the value is null");
        }
      } else if (value.getClass() != javaTypes[i]
          && !(value instanceof byte[] && javaTypes[i] == String.class)) {
        throw new IllegalArgumentException(
            "column '"
                + columns[i].name()
                + "' ("
                + columns[i].type()
                + ") needs a "
                + javaTypes[i].getName()
                + " but got a "
                + value.getClass().getName());
      } else if (value instanceof Instant instant
          && Math.abs(instant.getEpochSecond()) > MAX_EPOCH_SECONDS) {
        throw new IllegalArgumentException(
            "column '"
                + columns[i].name()
                + "' (TIMESTAMP) value "
                + instant
                + " is outside the range of microsecond timestamps");
      }
    }
  }
}
