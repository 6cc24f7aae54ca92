package io.meridian.cdp.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes a flat Parquet file column by column (see {@link ParquetFiles#writeColumns}): for each row
 * group, every column chunk is encoded and ZSTD-compressed by its own parquet-java column writer
 * and page store, on a pool of threads, then the chunks are appended to the file in column order by
 * parquet-java's {@link ParquetFileWriter}. Two row groups are in flight at once, so the threads
 * stay busy while one row group is written out. The file is the same kind {@link
 * ParquetFiles#create} writes: Parquet 1.0 pages, dictionary encoding unless a column turns it off,
 * min/max statistics and column indexes.
 */
final class ColumnarWriter {
  private static final HeapByteBufferAllocator HEAP = new HeapByteBufferAllocator();

  private ColumnarWriter() {}

  static void write(
      TableSchema schema,
      Path file,
      int rows,
      int rowGroupRows,
      int threads,
      ParquetFiles.Options options,
      ParquetFiles.ColumnSource source)
      throws IOException {
    if (rows < 0 || rowGroupRows <= 0 || threads <= 0) {
      throw new IllegalArgumentException(
          "rows " + rows + ", rowGroupRows " + rowGroupRows + ", threads " + threads);
    }
    MessageType type = schema.messageType();
    ParquetProperties.Builder props =
        ParquetProperties.builder()
            .withWriterVersion(WriterVersion.PARQUET_1_0)
            .withPageSize(options.pageBytes())
            .withDictionaryPageSize(options.pageBytes())
            .withDictionaryEncoding(true)
            // the optional size statistics cost a pass over every value; readers do not use them
            .withSizeStatisticsEnabled(false)
            // one column per store: check the page size every 1,000 values, not every 100
            .withMinRowCountForPageSizeCheck(1_000)
            .withAllocator(HEAP);
    for (Column column : schema.columns()) {
      if (!column.dictionary()) {
        props.withDictionaryEncoding(column.name(), false);
      }
    }
    ParquetProperties properties = props.build();
    ParquetFileWriter out =
        new ParquetFileWriter(
            new LocalOutputFile(file),
            type,
            ParquetFileWriter.Mode.OVERWRITE,
            options.rowGroupBytes(),
            0,
            ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH,
            ParquetProperties.DEFAULT_STATISTICS_TRUNCATE_LENGTH,
            false);
    out.start();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "parquet-column-writer");
              t.setDaemon(true);
              return t;
            });
    try {
      int columns = schema.columns().size();
      ArrayDeque<List<Future<ColumnChunkPageWriteStore>>> inFlight = new ArrayDeque<>();
      ArrayDeque<Integer> inFlightRows = new ArrayDeque<>();
      int next = 0;
      while (next < rows || !inFlight.isEmpty()) {
        while (next < rows && inFlight.size() < 2) {
          int from = next;
          int to = (int) Math.min(rows, (long) from + rowGroupRows);
          List<Future<ColumnChunkPageWriteStore>> chunks = new ArrayList<>(columns);
          for (int c = 0; c < columns; c++) {
            chunks.add(
                pool.submit(
                    chunkTask(schema, type, properties, options.zstdLevel(), c, from, to, source)));
          }
          inFlight.add(chunks);
          inFlightRows.add(to - from);
          next = to;
        }
        List<Future<ColumnChunkPageWriteStore>> chunks = inFlight.poll();
        out.startBlock(inFlightRows.poll());
        for (Future<ColumnChunkPageWriteStore> chunk : chunks) {
          ColumnChunkPageWriteStore store = await(chunk);
          store.flushToFileWriter(out);
          store.close();
        }
        out.endBlock();
      }
      out.end(Map.of("writer.model.name", "meridian-cdp"));
    } finally {
      pool.shutdownNow();
    }
  }

  private static Callable<ColumnChunkPageWriteStore> chunkTask(
      TableSchema schema,
      MessageType type,
      ParquetProperties properties,
      int level,
      int c,
      int from,
      int to,
      ParquetFiles.ColumnSource source) {
    return () -> {
      MessageType one = new MessageType(type.getName(), type.getType(c));
      ColumnDescriptor descriptor = one.getColumns().get(0);
      ZstdCodecFactory codecs = new ZstdCodecFactory(level);
      try {
        ColumnChunkPageWriteStore pages =
            new ColumnChunkPageWriteStore(
                codecs.getCompressor(CompressionCodecName.ZSTD),
                one,
                HEAP,
                ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH,
                false);
        ColumnWriteStore store = properties.newColumnWriteStore(one, pages);
        Sink sink =
            new Sink(
                schema.columns().get(c),
                store.getColumnWriter(descriptor),
                store,
                descriptor.getMaxDefinitionLevel());
        source.write(c, from, to, sink);
        if (sink.values != to - from) {
          throw new IllegalStateException(
              "column '"
                  + schema.columns().get(c).name()
                  + "' got "
                  + sink.values
                  + " values for rows "
                  + from
                  + " to "
                  + to);
        }
        store.flush();
        store.close();
        return pages;
      } finally {
        codecs.release();
      }
    };
  }

  private static ColumnChunkPageWriteStore await(Future<ColumnChunkPageWriteStore> f)
      throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing a row group", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new UncheckedIOException(new IOException(cause));
    }
  }

  /** Hands one column's values to its parquet-java column writer, one row each. */
  static final class Sink implements ParquetFiles.ColumnSink {
    private final Column column;
    private final ColumnWriter writer;
    private final ColumnWriteStore store;
    private final int present;
    long values;

    Sink(Column column, ColumnWriter writer, ColumnWriteStore store, int present) {
      this.column = column;
      this.writer = writer;
      this.store = store;
      this.present = present;
    }

    private void end() {
      store.endRecord();
      values++;
    }

    private void expect(ColumnType a, ColumnType b) {
      if (column.type() != a && column.type() != b) {
        throw new IllegalArgumentException(
            "column '" + column.name() + "' is " + column.type() + ", not " + a);
      }
    }

    @Override
    public void bytes(byte[] utf8, int from, int length) {
      expect(ColumnType.STRING, ColumnType.JSON);
      writer.write(Binary.fromReusedByteArray(utf8, from, length), 0, present);
      end();
    }

    @Override
    public void string(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      bytes(utf8, 0, utf8.length);
    }

    @Override
    public void timestampMicros(long micros) {
      expect(ColumnType.TIMESTAMP, ColumnType.TIMESTAMP);
      writer.write(micros, 0, present);
      end();
    }

    @Override
    public void int64(long value) {
      expect(ColumnType.INT64, ColumnType.INT64);
      writer.write(value, 0, present);
      end();
    }

    @Override
    public void int32(int value) {
      expect(ColumnType.INT32, ColumnType.INT32);
      writer.write(value, 0, present);
      end();
    }

    @Override
    public void float64(double value) {
      expect(ColumnType.DOUBLE, ColumnType.DOUBLE);
      writer.write(value, 0, present);
      end();
    }

    @Override
    public void bool(boolean value) {
      expect(ColumnType.BOOLEAN, ColumnType.BOOLEAN);
      writer.write(value, 0, present);
      end();
    }

    @Override
    public void nullValue() {
      if (column.required()) {
        throw new IllegalArgumentException(
            "column '" + column.name() + "' is required but the value is null");
      }
      writer.writeNull(0, 0);
      end();
    }
  }
}
