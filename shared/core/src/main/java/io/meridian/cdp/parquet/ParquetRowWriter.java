package io.meridian.cdp.parquet;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.parquet.hadoop.ParquetWriter;

/** The {@link RowWriter} behind {@link ParquetFiles#create}: validates each row, then writes it. */
final class ParquetRowWriter implements RowWriter {

  /** Seconds beyond which an instant's microseconds since the epoch no longer fit in a long. */
  private static final long MAX_EPOCH_SECONDS = Long.MAX_VALUE / 1_000_000L - 1;

  private final ParquetWriter<Object[]> writer;
  private final TableSchema schema;
  private final Path file;
  private final Column[] columns;
  private final Class<?>[] javaTypes;
  private long rowCount;
  private boolean closed;

  ParquetRowWriter(ParquetWriter<Object[]> writer, TableSchema schema, Path file) {
    this.writer = writer;
    this.schema = schema;
    this.file = file;
    List<Column> list = schema.columns();
    this.columns = list.toArray(new Column[0]);
    this.javaTypes = new Class<?>[columns.length];
    for (int i = 0; i < columns.length; i++) {
      javaTypes[i] = columns[i].type().javaType();
    }
  }

  @Override
  public void write(Object[] row) throws IOException {
    if (closed) {
      throw new IllegalStateException("Parquet writer for " + file + " is already closed");
    }
    validate(row);
    writer.write(row);
    rowCount++;
  }

  private void validate(Object[] row) {
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

  @Override
  public long rowCount() {
    return rowCount;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      writer.close();
    }
  }
}
