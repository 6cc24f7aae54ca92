package io.meridian.cdp.parquet;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/** Creates ZSTD-compressed Parquet files from rows, and reads them back, without Hadoop. */
public final class ParquetFiles {

  private ParquetFiles() {}

  /**
   * How a file is written.
   *
   * @param zstdLevel the ZSTD compression level (1 to 22, or zstd's negative fast levels)
   * @param rowGroupBytes the target size of a row group in bytes, measured as parquet-java buffers
   *     it: pages already compressed plus the open pages, so roughly the size on disk; the
   *     uncompressed data of a row group is several times larger
   * @param pageBytes the target size of a data page, and the dictionary page limit, in bytes
   */
  public record Options(int zstdLevel, long rowGroupBytes, int pageBytes) {

    public Options {
      if (zstdLevel == 0
          || zstdLevel < Zstd.minCompressionLevel()
          || zstdLevel > Zstd.maxCompressionLevel()) {
        throw new IllegalArgumentException(
            "zstdLevel "
                + zstdLevel
                + " is not a ZSTD level: use "
                + Zstd.minCompressionLevel()
                + " to -1 or 1 to "
                + Zstd.maxCompressionLevel());
      }
      if (rowGroupBytes <= 0) {
        throw new IllegalArgumentException("rowGroupBytes must be positive: " + rowGroupBytes);
      }
      if (pageBytes <= 0) {
        throw new IllegalArgumentException("pageBytes must be positive: " + pageBytes);
      }
    }

    /** ZSTD level 3, 64 MiB row groups, 1 MiB pages. */
    public static Options defaults() {
      return new Options(3, 64L * 1024 * 1024, 1024 * 1024);
    }
  }

  /** Creates (or overwrites) {@code file} with {@link Options#defaults()}. */
  public static RowWriter create(TableSchema schema, Path file) throws IOException {
    return create(schema, file, Options.defaults());
  }

  /**
   * Creates (or overwrites) {@code file}: Parquet 1.0 data pages with dictionary encoding (except
   * for columns that turn it off), every column chunk ZSTD-compressed, min/max statistics on.
   */
  public static RowWriter create(TableSchema schema, Path file, Options options)
      throws IOException {
    return create(schema, file, options, Integer.MAX_VALUE);
  }

  /**
   * Creates (or overwrites) {@code file} as {@link #create(TableSchema, Path, Options)} does, with
   * at most {@code rowGroupRows} rows in a row group: smaller row groups let a reader skip more of
   * a file by the columns' min/max statistics when the rows are ordered by the filtered column.
   *
   * @throws IllegalArgumentException if {@code rowGroupRows} is not positive
   */
  public static RowWriter create(TableSchema schema, Path file, Options options, int rowGroupRows)
      throws IOException {
    if (rowGroupRows <= 0) {
      throw new IllegalArgumentException("rowGroupRows must be positive: " + rowGroupRows);
    }
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    RowWriteSupport.Builder builder =
        new RowWriteSupport.Builder(new LocalOutputFile(file), new RowWriteSupport(schema))
            .withConf(new PlainParquetConfiguration())
            .withCodecFactory(new ZstdCodecFactory(options.zstdLevel()))
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withRowGroupSize(options.rowGroupBytes())
            .withRowGroupRowCountLimit(rowGroupRows)
            .withPageSize(options.pageBytes())
            .withDictionaryPageSize(options.pageBytes())
            .withDictionaryEncoding(true)
            .withWriterVersion(WriterVersion.PARQUET_1_0)
            .withValidation(false);
    for (Column column : schema.columns()) {
      if (!column.dictionary()) {
        builder.withDictionaryEncoding(column.name(), false);
      }
    }
    ParquetWriter<Object[]> writer = builder.build();
    return new ParquetRowWriter(writer, schema, file);
  }

  /**
   * Creates (or overwrites) {@code file} with the flat column writer of our own (ADR 0023), several
   * times faster than {@link #create(TableSchema, Path, Options)} per row: Parquet 1.0 data pages,
   * dictionary encoding for columns that allow it (with parquet-java's fallback to plain), {@code
   * DELTA_BINARY_PACKED} for {@code TIMESTAMP} and {@code INT64} columns without a dictionary, ZSTD
   * pages, column chunk statistics, no page index.
   *
   * @throws IllegalArgumentException if the schema has a column of another type than {@code
   *     STRING}, {@code JSON}, {@code TIMESTAMP} or {@code INT64}
   */
  public static RowWriter createFlat(TableSchema schema, Path file, Options options)
      throws IOException {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    return new FlatParquetWriter(schema, file, options);
  }

  /**
   * Reads every row of {@code file}, which must hold the columns of {@code schema} with the same
   * types (it may hold more). Meant for tests and small tools: all rows are kept in memory.
   */
  public static List<Object[]> readAll(TableSchema schema, Path file) throws IOException {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(file, "file");
    return RowReader.readAll(schema, file);
  }

  /**
   * Reads the rows of {@code file} one at a time, like {@link #readAll} without keeping them (only
   * one row group's pages are in memory at once); returns the number of rows.
   */
  public static long forEach(TableSchema schema, Path file, Consumer<Object[]> rows)
      throws IOException {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(rows, "rows");
    return RowReader.forEach(schema, file, rows);
  }

  /**
   * Reads {@code file} one row group at a time, decoded column by column into primitive arrays
   * ({@link ColumnBatch}) instead of one {@code Object[]} per row: for large files read by hot
   * loops. Reads PLAIN and dictionary-encoded values (what {@link #create} writes); another
   * encoding fails with an {@link IOException} naming the column. With {@code readAhead} the next
   * row group is read and decoded on a second thread while {@code batches} handles the current one.
   * Returns the number of rows.
   */
  public static long forEachBatch(
      TableSchema schema, Path file, boolean readAhead, Consumer<ColumnBatch> batches)
      throws IOException {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(batches, "batches");
    return ColumnBatchReader.forEach(schema, file, batches, readAhead);
  }

  /** Supplies the values of one column for a range of rows, for {@link #writeColumns}. */
  @FunctionalInterface
  public interface ColumnSource {
    /**
     * Hands the values of column {@code column} (its index in the schema) for rows {@code [from,
     * to)} to {@code sink}, one call per row. Called from several threads at once, for different
     * columns and row ranges.
     */
    void write(int column, int from, int to, ColumnSink sink) throws IOException;
  }

  /** Takes one value per row of a column; a value of the wrong type fails. */
  public interface ColumnSink {
    /** A STRING or JSON value as UTF-8; the bytes are copied before the call returns. */
    void bytes(byte[] utf8, int from, int length);

    void string(String value);

    void timestampMicros(long micros);

    void int64(long value);

    void int32(int value);

    void float64(double value);

    void bool(boolean value);

    /** No value (an optional column only). */
    void nullValue();
  }

  /**
   * Writes {@code rows} rows to {@code file} column by column, without an object per row: each row
   * group's column chunks are encoded and compressed on {@code threads} threads. The file has the
   * same layout, encodings and statistics as one written by {@link #create}, in row groups of
   * {@code rowGroupRows} rows.
   */
  public static void writeColumns(
      TableSchema schema,
      Path file,
      int rows,
      int rowGroupRows,
      int threads,
      Options options,
      ColumnSource source)
      throws IOException {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(source, "source");
    ColumnarWriter.write(schema, file, rows, rowGroupRows, threads, options, source);
  }
}
