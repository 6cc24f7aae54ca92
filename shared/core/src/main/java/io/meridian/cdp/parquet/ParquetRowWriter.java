package io.meridian.cdp.parquet;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.hadoop.ParquetWriter;

/** The {@link RowWriter} behind {@link ParquetFiles#create}: validates each row, then writes it. */
final class ParquetRowWriter implements RowWriter {

  private final ParquetWriter<Object[]> writer;
  private final RowChecks checks;
  private final Path file;
  private long rowCount;
  private boolean closed;

  ParquetRowWriter(ParquetWriter<Object[]> writer, TableSchema schema, Path file) {
    this.writer = writer;
    this.checks = new RowChecks(schema);
    this.file = file;
  }

  @Override
  public void write(Object[] row) throws IOException {
    if (closed) {
      throw new IllegalStateException("Parquet writer for " + file + " is already closed");
    }
    checks.validate(row);
    writer.write(row);
    rowCount++;
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
