package io.meridian.cdp.parquet;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes rows to one Parquet file; the file is complete only after {@link #close()}. Not
 * thread-safe.
 */
public interface RowWriter extends Closeable {

  /**
   * Appends one row.
   *
   * @param row the values in column order; {@code null} only for optional columns. A {@code STRING}
   *     or {@code JSON} value may also be given as its UTF-8 bytes ({@code byte[]}), which are
   *     written as they are: the caller guarantees they are valid UTF-8 and never changes the array
   *     afterwards
   * @throws IllegalArgumentException if the row has the wrong length, a required value is null or a
   *     value has the wrong Java type (the message names the column); the row is then not written
   *     and the writer stays usable
   * @throws IOException if writing to the file fails
   */
  void write(Object[] row) throws IOException;

  /** The number of rows written so far. */
  long rowCount();
}
