package io.meridian.cdp.parquet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a flat Parquet file one row group at a time into {@link ColumnBatch}es: pages are read and
 * decompressed as by {@link RowReader}, then decoded straight into primitive arrays (PLAIN values,
 * dictionary ids and definition levels with parquet-java's RLE/bit-packing decoder), with no object
 * per row or per value. Optionally the next row group is decoded on a second thread while the
 * caller works on the current one.
 */
final class ColumnBatchReader {
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private ColumnBatchReader() {}

  static long forEach(TableSchema schema, Path file, Consumer<ColumnBatch> batches, boolean ahead)
      throws IOException {
    InputFile input = new LocalInputFile(file);
    try (SeekableInputStream in = input.newStream()) {
      ParquetMetadata footer = RowReader.readFooter(in, input.getLength(), file);
      MessageType fileSchema = footer.getFileMetaData().getSchema();
      List<Column> present = new ArrayList<>();
      for (Column c : schema.columns()) {
        if (c.required() || fileSchema.containsField(c.name())) {
          present.add(c);
        }
      }
      TableSchema read = new TableSchema(schema.name(), present);
      MessageType requested = read.messageType();
      RowReader.checkColumns(read, requested, fileSchema, file);
      List<BlockMetaData> blocks = new ArrayList<>();
      for (BlockMetaData block : footer.getBlocks()) {
        if (block.getRowCount() > 0) {
          blocks.add(block);
        }
      }
      ZstdCodecFactory codecs = new ZstdCodecFactory(3);
      ExecutorService decoder = ahead ? Executors.newSingleThreadExecutor(daemon()) : null;
      try {
        long count = 0;
        Future<ColumnBatch> next = null;
        for (int b = 0; b < blocks.size(); b++) {
          ColumnBatch batch;
          if (decoder == null) {
            batch = decode(schema, requested, in, blocks.get(b), codecs, file);
          } else {
            if (next == null) {
              next = decoder.submit(decodeTask(schema, requested, in, blocks.get(b), codecs, file));
            }
            batch = await(next);
            next =
                b + 1 < blocks.size()
                    ? decoder.submit(
                        decodeTask(schema, requested, in, blocks.get(b + 1), codecs, file))
                    : null;
          }
          batches.accept(batch);
          count += batch.rows();
        }
        return count;
      } finally {
        if (decoder != null) {
          decoder.shutdownNow();
        }
        codecs.release();
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "parquet-column-decoder");
      t.setDaemon(true);
      return t;
    };
  }

  private static java.util.concurrent.Callable<ColumnBatch> decodeTask(
      TableSchema schema,
      MessageType requested,
      SeekableInputStream in,
      BlockMetaData block,
      ZstdCodecFactory codecs,
      Path file) {
    return () -> decode(schema, requested, in, block, codecs, file);
  }

  private static ColumnBatch await(Future<ColumnBatch> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while decoding a row group", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new UncheckedIOException(new IOException(e.getCause()));
    }
  }

  private static ColumnBatch decode(
      TableSchema schema,
      MessageType requested,
      SeekableInputStream in,
      BlockMetaData block,
      ZstdCodecFactory codecs,
      Path file)
      throws IOException {
    PageReadStore pages = RowReader.readRowGroup(in, block, requested, codecs, file);
    int rows = Math.toIntExact(block.getRowCount());
    ColumnBatch batch = new ColumnBatch(schema.columns(), rows);
    for (int c = 0; c < schema.columns().size(); c++) {
      Column column = schema.columns().get(c);
      if (!requested.containsField(column.name())) {
        absent(batch, c, column.type(), rows);
        continue;
      }
      ColumnDescriptor d = requested.getColumnDescription(new String[] {column.name()});
      new ColumnDecoder(batch, c, column, d, rows, file).decode(pages.getPageReader(d));
    }
    return batch;
  }

  /** An optional column the file lacks (written before it existed): all null. */
  private static void absent(ColumnBatch batch, int c, ColumnType type, int rows) {
    batch.nulls[c] = new boolean[rows];
    Arrays.fill(batch.nulls[c], true);
    switch (type) {
      case STRING, JSON -> {
        batch.bytes[c] = new byte[0];
        batch.offsets[c] = new int[rows + 1];
      }
      case TIMESTAMP, INT64 -> batch.longs[c] = new long[rows];
      case INT32 -> batch.ints[c] = new int[rows];
      case DOUBLE -> batch.doubles[c] = new double[rows];
      case BOOLEAN -> batch.booleans[c] = new boolean[rows];
    }
  }

  /** Decodes the pages of one column chunk into a batch's arrays. */
  private static final class ColumnDecoder {
    private final ColumnBatch batch;
    private final int c;
    private final Column column;
    private final int maxDef;
    private final int rows;
    private final Path file;
    private final boolean[] nulls;
    private byte[] bytes;
    private int size;
    private int[] offsets;
    private long[] longs;
    private int[] ints;
    private double[] doubles;
    private boolean[] booleans;
    // the dictionary, decoded
    private byte[][] dictBytes;
    private long[] dictLongs;
    private int[] dictInts;
    private double[] dictDoubles;

    ColumnDecoder(
        ColumnBatch batch, int c, Column column, ColumnDescriptor d, int rows, Path file) {
      this.batch = batch;
      this.c = c;
      this.column = column;
      this.maxDef = d.getMaxDefinitionLevel();
      this.rows = rows;
      this.file = file;
      this.nulls = maxDef > 0 ? new boolean[rows] : null;
      switch (column.type()) {
        case STRING, JSON -> {
          bytes = new byte[Math.max(1024, rows * 8)];
          offsets = new int[rows + 1];
        }
        case TIMESTAMP, INT64 -> longs = new long[rows];
        case INT32 -> ints = new int[rows];
        case DOUBLE -> doubles = new double[rows];
        case BOOLEAN -> booleans = new boolean[rows];
      }
    }

    void decode(PageReader pages) throws IOException {
      DictionaryPage dictionary = pages.readDictionaryPage();
      if (dictionary != null) {
        readDictionary(dictionary);
      }
      int row = 0;
      for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
        int n = page.getValueCount();
        if (row + n > rows) {
          throw new IOException(
              "column '" + column.name() + "' in " + file + " has more values than rows");
        }
        byte[] data;
        int pos;
        Encoding encoding;
        if (page instanceof DataPageV1 v1) {
          data = v1.getBytes().toByteArray();
          pos = 0;
          if (maxDef > 0) {
            if (v1.getDlEncoding() != Encoding.RLE) {
              throw unsupported("definition levels encoded as " + v1.getDlEncoding());
            }
            int length = (int) INT.get(data, 0);
            levels(new ByteArrayInputStream(data, 4, length), row, n);
            pos = 4 + length;
          }
          encoding = v1.getValueEncoding();
        } else {
          DataPageV2 v2 = (DataPageV2) page;
          if (maxDef > 0) {
            byte[] levels = v2.getDefinitionLevels().toByteArray();
            levels(new ByteArrayInputStream(levels), row, n);
          }
          data = v2.getData().toByteArray();
          pos = 0;
          encoding = v2.getDataEncoding();
        }
        values(encoding, data, pos, row, n);
        row += n;
      }
      if (row != rows) {
        throw new IOException(
            "column '" + column.name() + "' in " + file + " has " + row + " of " + rows + " rows");
      }
      batch.nulls[c] = nulls;
      if (offsets != null) {
        batch.bytes[c] = bytes;
        batch.offsets[c] = offsets;
      }
      batch.longs[c] = longs;
      batch.ints[c] = ints;
      batch.doubles[c] = doubles;
      batch.booleans[c] = booleans;
    }

    private void levels(ByteArrayInputStream in, int row, int n) throws IOException {
      RunLengthBitPackingHybridDecoder levels =
          new RunLengthBitPackingHybridDecoder(BytesUtils.getWidthFromMaxInt(maxDef), in);
      for (int i = 0; i < n; i++) {
        nulls[row + i] = levels.readInt() != maxDef;
      }
    }

    private void values(Encoding encoding, byte[] data, int pos, int row, int n)
        throws IOException {
      switch (encoding) {
        case PLAIN -> plain(data, pos, row, n);
        case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
          if (dictBytes == null && dictLongs == null && dictInts == null && dictDoubles == null) {
            throw unsupported("dictionary-encoded page without a dictionary page");
          }
          int width = data[pos];
          RunLengthBitPackingHybridDecoder ids =
              new RunLengthBitPackingHybridDecoder(
                  width, new ByteArrayInputStream(data, pos + 1, data.length - pos - 1));
          for (int i = row; i < row + n; i++) {
            if (nulls != null && nulls[i]) {
              nullValue(i);
            } else {
              fromDictionary(i, ids.readInt());
            }
          }
        }
        default -> throw unsupported("values encoded as " + encoding);
      }
    }

    private void plain(byte[] data, int pos, int row, int n) {
      int bit = 0;
      for (int i = row; i < row + n; i++) {
        if (nulls != null && nulls[i]) {
          nullValue(i);
          continue;
        }
        switch (column.type()) {
          case STRING, JSON -> {
            int length = (int) INT.get(data, pos);
            append(data, pos + 4, length);
            offsets[i + 1] = size;
            pos += 4 + length;
          }
          case TIMESTAMP, INT64 -> {
            longs[i] = (long) LONG.get(data, pos);
            pos += 8;
          }
          case INT32 -> {
            ints[i] = (int) INT.get(data, pos);
            pos += 4;
          }
          case DOUBLE -> {
            doubles[i] = Double.longBitsToDouble((long) LONG.get(data, pos));
            pos += 8;
          }
          case BOOLEAN -> {
            booleans[i] = ((data[pos + (bit >>> 3)] >>> (bit & 7)) & 1) != 0;
            bit++;
          }
        }
      }
    }

    private void nullValue(int i) {
      if (offsets != null) {
        offsets[i + 1] = size;
      }
    }

    private void fromDictionary(int i, int id) throws IOException {
      switch (column.type()) {
        case STRING, JSON -> {
          byte[] v = entry(dictBytes, id);
          append(v, 0, v.length);
          offsets[i + 1] = size;
        }
        case TIMESTAMP, INT64 -> longs[i] = dictLongs[check(id, dictLongs.length)];
        case INT32 -> ints[i] = dictInts[check(id, dictInts.length)];
        case DOUBLE -> doubles[i] = dictDoubles[check(id, dictDoubles.length)];
        case BOOLEAN -> throw unsupported("a dictionary-encoded BOOLEAN column");
      }
    }

    private byte[] entry(byte[][] dict, int id) throws IOException {
      return dict[check(id, dict.length)];
    }

    private int check(int id, int length) throws IOException {
      if (id < 0 || id >= length) {
        throw new IOException(
            "column '"
                + column.name()
                + "' in "
                + file
                + " refers to dictionary entry "
                + id
                + " of "
                + length);
      }
      return id;
    }

    private void readDictionary(DictionaryPage page) throws IOException {
      if (page.getEncoding() != Encoding.PLAIN && page.getEncoding() != Encoding.PLAIN_DICTIONARY) {
        throw unsupported("a dictionary encoded as " + page.getEncoding());
      }
      byte[] data = page.getBytes().toByteArray();
      int n = page.getDictionarySize();
      int pos = 0;
      switch (column.type()) {
        case STRING, JSON -> {
          dictBytes = new byte[n][];
          for (int i = 0; i < n; i++) {
            int length = (int) INT.get(data, pos);
            dictBytes[i] = Arrays.copyOfRange(data, pos + 4, pos + 4 + length);
            pos += 4 + length;
          }
        }
        case TIMESTAMP, INT64 -> {
          dictLongs = new long[n];
          for (int i = 0; i < n; i++) {
            dictLongs[i] = (long) LONG.get(data, 8 * i);
          }
        }
        case INT32 -> {
          dictInts = new int[n];
          for (int i = 0; i < n; i++) {
            dictInts[i] = (int) INT.get(data, 4 * i);
          }
        }
        case DOUBLE -> {
          dictDoubles = new double[n];
          for (int i = 0; i < n; i++) {
            dictDoubles[i] = Double.longBitsToDouble((long) LONG.get(data, 8 * i));
          }
        }
        case BOOLEAN -> throw unsupported("a dictionary-encoded BOOLEAN column");
      }
    }

    private void append(byte[] from, int offset, int length) {
      if (size + length > bytes.length) {
        long next = Math.max((long) size + length, 2L * bytes.length);
        bytes = Arrays.copyOf(bytes, (int) Math.min(next, Integer.MAX_VALUE - 8));
      }
      System.arraycopy(from, offset, bytes, size, length);
      size += length;
    }

    private IOException unsupported(String what) {
      return new IOException(
          "column '"
              + column.name()
              + "' in "
              + file
              + " uses "
              + what
              + ", which the columnar reader does not decode; read it with ParquetFiles.forEach");
    }
  }
}
