package io.meridian.cdp.parquet;

import java.util.List;

/**
 * One row group of a flat Parquet file, decoded column by column into primitive arrays instead of
 * one {@code Object[]} per row (see {@link ParquetFiles#forEachBatch}). Column {@code c} is the
 * {@code c}-th column of the {@link TableSchema} it was read with:
 *
 * <ul>
 *   <li>STRING and JSON: the UTF-8 bytes of row {@code r} are {@code bytes(c)[offsets(c)[r],
 *       offsets(c)[r + 1])};
 *   <li>TIMESTAMP (microseconds since the epoch) and INT64: {@code longs(c)[r]};
 *   <li>INT32: {@code ints(c)[r]}; DOUBLE: {@code doubles(c)[r]}; BOOLEAN: {@code booleans(c)[r]}.
 * </ul>
 *
 * A null value is reported by {@link #isNull}; its slot holds an empty string, 0 or false.
 */
public final class ColumnBatch {
  private final List<Column> columns;
  private final int rows;
  final byte[][] bytes;
  final int[][] offsets;
  final long[][] longs;
  final int[][] ints;
  final double[][] doubles;
  final boolean[][] booleans;
  final boolean[][] nulls;

  ColumnBatch(List<Column> columns, int rows) {
    this.columns = columns;
    this.rows = rows;
    int n = columns.size();
    bytes = new byte[n][];
    offsets = new int[n][];
    longs = new long[n][];
    ints = new int[n][];
    doubles = new double[n][];
    booleans = new boolean[n][];
    nulls = new boolean[n][];
  }

  /** The number of rows. */
  public int rows() {
    return rows;
  }

  /** Whether row {@code row} of column {@code column} is null. */
  public boolean isNull(int column, int row) {
    boolean[] n = nulls[column];
    return n != null && n[row];
  }

  /** The UTF-8 bytes of a STRING or JSON column, row after row. */
  public byte[] bytes(int column) {
    return check(column, bytes[column], "STRING or JSON");
  }

  /** Where each row's bytes start in {@link #bytes}; {@code rows() + 1} entries. */
  public int[] offsets(int column) {
    return check(column, offsets[column], "STRING or JSON");
  }

  /** The values of a TIMESTAMP (microseconds) or INT64 column. */
  public long[] longs(int column) {
    return check(column, longs[column], "TIMESTAMP or INT64");
  }

  /** The values of an INT32 column. */
  public int[] ints(int column) {
    return check(column, ints[column], "INT32");
  }

  /** The values of a DOUBLE column. */
  public double[] doubles(int column) {
    return check(column, doubles[column], "DOUBLE");
  }

  /** The values of a BOOLEAN column. */
  public boolean[] booleans(int column) {
    return check(column, booleans[column], "BOOLEAN");
  }

  private <T> T check(int column, T values, String expected) {
    if (values == null) {
      throw new IllegalArgumentException(
          "column '"
              + columns.get(column).name()
              + "' is "
              + columns.get(column).type()
              + ", not "
              + expected);
    }
    return values;
  }
}
