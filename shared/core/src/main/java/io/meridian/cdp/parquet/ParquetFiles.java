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
}
