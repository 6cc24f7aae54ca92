package io.meridian.cdp.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * A Parquet writer of our own for flat tables of {@code STRING}, {@code JSON}, {@code TIMESTAMP}
 * and {@code INT64} columns (ADR 0023). It encodes each column straight from the row values into
 * page buffers, without parquet-java's record consumer, per-value column writers and value writer
 * objects, then compresses each page with ZSTD and writes the footer with parquet-java's metadata
 * converter and Thrift structures, so the file is what parquet-java writes in kind:
 *
 * <ul>
 *   <li>Parquet 1.0 data pages of at most {@link #PAGE_ROWS} values or the page size in bytes,
 *       definition levels RLE/bit-packed, no repetition levels;
 *   <li>dictionary encoding ({@code PLAIN_DICTIONARY}, one dictionary page per column chunk) for
 *       columns that allow it, falling back to plain for the rest of the chunk when the dictionary
 *       outgrows the page size or does not make the first page smaller, as parquet-java does;
 *   <li>{@code PLAIN} for other text columns, {@code DELTA_BINARY_PACKED} for {@code TIMESTAMP} and
 *       {@code INT64} columns without a dictionary (timestamps of one object are close together);
 *   <li>column chunk statistics (null count, min, max) as parquet-java computes them; no page index
 *       and no bloom filters.
 * </ul>
 *
 * <p>Memory: one row group's compressed pages plus one open page per column, as parquet-java. Not
 * thread-safe.
 */
final class FlatParquetWriter implements RowWriter {

  /** The writer named in the footer; "version" lets readers' version parsers recognise it. */
  static final String CREATED_BY = "meridian-cdp version 1 (build flat column writer)";

  /** Values per data page at most, like parquet-java's default page row count limit. */
  static final int PAGE_ROWS = 20_000;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
  private static final ParquetMetadataConverter CONVERTER = new ParquetMetadataConverter();

  private final Path file;
  private final MessageType messageType;
  private final RowChecks checks;
  private final ColumnBuffer[] columns;
  private final ZstdCompressCtx zstd;
  private final long rowGroupBytes;
  private final int pageBytes;
  private final OutputStream out;
  private final List<BlockMetaData> blocks = new ArrayList<>();
  private byte[] compressed = new byte[0];
  private long position;
  private long rowCount;
  private long rowGroupRows;
  private boolean closed;

  FlatParquetWriter(TableSchema schema, Path file, ParquetFiles.Options options)
      throws IOException {
    this.file = file;
    this.messageType = schema.messageType();
    this.checks = new RowChecks(schema);
    List<Column> list = schema.columns();
    this.columns = new ColumnBuffer[list.size()];
    for (int i = 0; i < columns.length; i++) {
      Column column = list.get(i);
      switch (column.type()) {
        case STRING, JSON, TIMESTAMP, INT64 -> {}
        default ->
            throw new IllegalArgumentException(
                "column '"
                    + column.name()
                    + "' is "
                    + column.type()
                    + ": the flat column writer writes STRING, JSON, TIMESTAMP and INT64 only");
      }
      columns[i] = new ColumnBuffer(column, messageType.getType(i).asPrimitiveType());
    }
    this.rowGroupBytes = options.rowGroupBytes();
    this.pageBytes = options.pageBytes();
    this.zstd = new ZstdCompressCtx().setLevel(options.zstdLevel()).setChecksum(false);
    OutputStream stream = null;
    try {
      stream = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024);
      stream.write(MAGIC);
    } catch (IOException | RuntimeException e) {
      zstd.close();
      if (stream != null) {
        try {
          stream.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    this.out = stream;
    this.position = MAGIC.length;
  }

  @Override
  public void write(Object[] row) throws IOException {
    if (closed) {
      throw new IllegalStateException("Parquet writer for " + file + " is already closed");
    }
    checks.validate(row);
    for (int i = 0; i < columns.length; i++) {
      ColumnBuffer column = columns[i];
      column.add(row[i]);
      if (column.pageFull()) {
        column.endPage();
      }
    }
    rowCount++;
    rowGroupRows++;
    if ((rowGroupRows & 1023) == 0 && bufferedBytes() >= rowGroupBytes) {
      flushRowGroup();
    }
  }

  @Override
  public long rowCount() {
    return rowCount;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (OutputStream o = out;
        ZstdCompressCtx z = zstd) {
      if (rowGroupRows > 0) {
        flushRowGroup();
      }
      ParquetMetadata metadata =
          new ParquetMetadata(
              new FileMetaData(
                  messageType, Map.of("writer.model.name", "meridian-cdp"), CREATED_BY),
              blocks);
      BytesOut footer = new BytesOut(4096);
      Util.writeFileMetaData(CONVERTER.toParquetMetadata(1, metadata), footer);
      footer.intLe(footer.length);
      footer.write(MAGIC, 0, MAGIC.length);
      o.write(footer.buf, 0, footer.length);
    }
  }

  private long bufferedBytes() {
    long n = 0;
    for (ColumnBuffer column : columns) {
      n += column.chunk.length + column.pageRawBytes;
    }
    return n;
  }

  private void flushRowGroup() throws IOException {
    BlockMetaData block = new BlockMetaData();
    block.setRowCount(rowGroupRows);
    block.setOrdinal(blocks.size());
    long uncompressed = 0;
    for (ColumnBuffer column : columns) {
      if (column.pageValues > 0) {
        column.endPage();
      }
      long start = position;
      long dictionaryOffset = 0;
      long chunkUncompressed = column.chunkUncompressed;
      if (column.dictionaryPages > 0) {
        dictionaryOffset = position;
        BytesOut dictPage = column.dict.plain();
        int size = compress(dictPage.buf, dictPage.length);
        PageHeader header = new PageHeader(PageType.DICTIONARY_PAGE, dictPage.length, size);
        header.setDictionary_page_header(
            new DictionaryPageHeader(column.dict.size, org.apache.parquet.format.Encoding.PLAIN));
        BytesOut h = new BytesOut(64);
        Util.writePageHeader(header, h);
        out.write(h.buf, 0, h.length);
        out.write(compressed, 0, size);
        position += h.length + size;
        chunkUncompressed += h.length + dictPage.length;
      }
      long firstDataPage = position;
      out.write(column.chunk.buf, 0, column.chunk.length);
      position += column.chunk.length;
      uncompressed += chunkUncompressed;
      block.addColumn(
          ColumnChunkMetaData.get(
              ColumnPath.get(column.column.name()),
              column.type,
              CompressionCodecName.ZSTD,
              null,
              column.encodings(),
              column.statistics(),
              firstDataPage,
              dictionaryOffset,
              column.chunkValues,
              position - start,
              chunkUncompressed));
      column.resetChunk();
    }
    block.setTotalByteSize(uncompressed);
    blocks.add(block);
    rowGroupRows = 0;
  }

  /** Compresses {@code length} bytes of {@code data} into {@link #compressed}; its length. */
  private int compress(byte[] data, int length) throws IOException {
    int bound = Math.toIntExact(Zstd.compressBound(length));
    if (compressed.length < bound) {
      compressed = new byte[Math.max(bound, compressed.length * 2)];
    }
    try {
      return zstd.compressByteArray(compressed, 0, compressed.length, data, 0, length);
    } catch (ZstdException e) {
      throw new IOException("ZSTD compression of a " + length + "-byte page failed", e);
    }
  }

  /** One column: its open page, and the compressed pages of the current row group. */
  private final class ColumnBuffer {
    final Column column;
    final PrimitiveType type;
    final boolean optional;
    final boolean binary;

    // The open page: definition levels (optional columns) and values.
    int[] defs;
    int pageValues;
    int pageNulls;
    long pageRawBytes;
    final BytesOut plain;
    int[] ids;
    int idCount;
    long[] longs;
    int longCount;

    // The dictionary, while the column uses it in this chunk.
    final boolean dictionaryAllowed;
    boolean dictionaryOn;
    Dictionary dict;
    int dictionaryPages;
    boolean plainPages;
    boolean deltaPages;

    // The chunk of the current row group: compressed data pages with their headers.
    final BytesOut chunk = new BytesOut(16 * 1024);
    long chunkUncompressed;
    long chunkValues;
    long chunkNulls;
    boolean hasMinMax;
    byte[] minBytes;
    byte[] maxBytes;
    long minLong;
    long maxLong;

    ColumnBuffer(Column column, PrimitiveType type) {
      this.column = column;
      this.type = type;
      this.optional = !column.required();
      this.binary = column.type() == ColumnType.STRING || column.type() == ColumnType.JSON;
      this.dictionaryAllowed = column.dictionary();
      // Sized for a few thousand rows; they grow as needed.
      this.defs = new int[optional ? 4096 : 0];
      this.ids = new int[dictionaryAllowed ? 4096 : 0];
      this.longs = new long[binary ? 0 : 4096];
      this.plain = new BytesOut(binary ? 16 * 1024 : 0);
      resetChunk();
    }

    void resetChunk() {
      chunk.length = 0;
      chunkUncompressed = 0;
      chunkValues = 0;
      chunkNulls = 0;
      hasMinMax = false;
      minBytes = null;
      maxBytes = null;
      dictionaryOn = dictionaryAllowed;
      dict = dictionaryAllowed ? new Dictionary(binary) : null;
      dictionaryPages = 0;
      plainPages = false;
      deltaPages = false;
    }

    void add(Object value) {
      if (optional) {
        if (pageValues == defs.length) {
          defs = Arrays.copyOf(defs, Math.max(1024, defs.length * 2));
        }
        defs[pageValues] = value == null ? 0 : 1;
      }
      pageValues++;
      if (value == null) {
        pageNulls++;
        return;
      }
      if (binary) {
        byte[] bytes =
            value instanceof byte[] utf8 ? utf8 : ((String) value).getBytes(StandardCharsets.UTF_8);
        pageRawBytes += 4 + bytes.length;
        if (dictionaryOn) {
          addId(dict.id(bytes)); // min and max come from the dictionary's entries
        } else {
          minMax(bytes, 0, bytes.length);
          plain.intLe(bytes.length);
          plain.write(bytes, 0, bytes.length);
        }
      } else {
        long v =
            value instanceof Instant instant
                ? RowWriteSupport.epochMicros(instant)
                : ((Long) value).longValue();
        pageRawBytes += 8;
        if (dictionaryOn) {
          addId(dict.id(v));
        } else {
          minMax(v);
          if (longCount == longs.length) {
            longs = Arrays.copyOf(longs, Math.max(1024, longs.length * 2));
          }
          longs[longCount++] = v;
        }
      }
    }

    private void addId(int id) {
      if (idCount == ids.length) {
        ids = Arrays.copyOf(ids, Math.max(1024, ids.length * 2));
      }
      ids[idCount++] = id;
    }

    private void minMax(byte[] v, int from, int to) {
      if (!hasMinMax) {
        minBytes = slice(v, from, to);
        maxBytes = minBytes;
        hasMinMax = true;
      } else if (Arrays.compareUnsigned(v, from, to, minBytes, 0, minBytes.length) < 0) {
        minBytes = slice(v, from, to);
      } else if (Arrays.compareUnsigned(v, from, to, maxBytes, 0, maxBytes.length) > 0) {
        maxBytes = slice(v, from, to);
      }
    }

    /**
     * The bytes {@code v[from..to)}: the array itself when that is all of it (rows never change).
     */
    private static byte[] slice(byte[] v, int from, int to) {
      return from == 0 && to == v.length ? v : Arrays.copyOfRange(v, from, to);
    }

    /** Takes the dictionary's entries (the values written through it) into min and max. */
    private void dictionaryMinMax() {
      for (int id = 0; id < dict.size; id++) {
        if (binary) {
          minMax(dict.entries.buf, dict.valueStart(id), dict.valueEnd(id));
        } else {
          minMax(dict.longAt(id));
        }
      }
    }

    private void minMax(long v) {
      if (!hasMinMax) {
        minLong = v;
        maxLong = v;
        hasMinMax = true;
      } else if (v < minLong) {
        minLong = v;
      } else if (v > maxLong) {
        maxLong = v;
      }
    }

    boolean pageFull() {
      return pageValues >= PAGE_ROWS
          || (dictionaryOn ? dict.bytes() + 4L * idCount : pageRawBytes) >= pageBytes;
    }

    /** Encodes, compresses and appends the open page to the chunk. */
    void endPage() throws IOException {
      if (dictionaryOn
          && (dict.bytes() > pageBytes || (dictionaryPages == 0 && !dictionaryPays()))) {
        fallBackToPlain();
      }
      BytesOut page = pageBuffer;
      page.length = 0;
      if (optional) {
        int lengthAt = page.length;
        page.intLe(0);
        Hybrid.encode(page, defs, pageValues, 1);
        page.setIntLe(lengthAt, page.length - lengthAt - 4);
      }
      org.apache.parquet.format.Encoding encoding;
      if (dictionaryOn) {
        int width = 32 - Integer.numberOfLeadingZeros(Math.max(0, dict.size - 1));
        page.write(width);
        Hybrid.encode(page, ids, idCount, width);
        encoding = org.apache.parquet.format.Encoding.PLAIN_DICTIONARY;
        dictionaryPages++;
      } else if (binary || longCount == 0) {
        if (!binary) {
          // A page of nulls only: nothing to delta-encode.
          encoding = org.apache.parquet.format.Encoding.PLAIN;
        } else {
          page.write(plain.buf, 0, plain.length);
          encoding = org.apache.parquet.format.Encoding.PLAIN;
        }
        plainPages = true;
      } else {
        Delta.encode(page, longs, longCount);
        encoding = org.apache.parquet.format.Encoding.DELTA_BINARY_PACKED;
        deltaPages = true;
      }
      int size = compress(page.buf, page.length);
      PageHeader header = new PageHeader(PageType.DATA_PAGE, page.length, size);
      header.setData_page_header(
          new DataPageHeader(
              pageValues,
              encoding,
              optional
                  ? org.apache.parquet.format.Encoding.RLE
                  : org.apache.parquet.format.Encoding.BIT_PACKED,
              org.apache.parquet.format.Encoding.BIT_PACKED));
      int headerStart = chunk.length;
      Util.writePageHeader(header, chunk);
      int headerLength = chunk.length - headerStart;
      chunk.write(compressed, 0, size);
      chunkUncompressed += headerLength + page.length;
      chunkValues += pageValues;
      chunkNulls += pageNulls;
      pageValues = 0;
      pageNulls = 0;
      pageRawBytes = 0;
      plain.length = 0;
      idCount = 0;
      longCount = 0;
    }

    /** parquet-java's test: dictionary and encoded ids smaller than the plain values. */
    private boolean dictionaryPays() {
      int width = 32 - Integer.numberOfLeadingZeros(Math.max(0, dict.size - 1));
      long encoded = ((long) idCount * width + 7) / 8;
      return encoded + dict.bytes() < pageRawBytes;
    }

    /** Rewrites the open page's ids as plain values; later pages of the chunk stay plain. */
    private void fallBackToPlain() {
      dictionaryMinMax();
      dictionaryOn = false;
      for (int i = 0; i < idCount; i++) {
        if (binary) {
          dict.appendPlain(ids[i], plain);
        } else {
          if (longCount == longs.length) {
            longs = Arrays.copyOf(longs, Math.max(1024, longs.length * 2));
          }
          longs[longCount++] = dict.longAt(ids[i]);
        }
      }
      idCount = 0;
      if (dictionaryPages == 0) {
        dict = null;
      }
    }

    Set<Encoding> encodings() {
      Set<Encoding> set = EnumSet.of(Encoding.BIT_PACKED);
      if (optional) {
        set.add(Encoding.RLE);
      }
      if (dictionaryPages > 0) {
        set.add(Encoding.PLAIN_DICTIONARY);
      }
      if (plainPages) {
        set.add(Encoding.PLAIN);
      }
      if (deltaPages) {
        set.add(Encoding.DELTA_BINARY_PACKED);
      }
      return set;
    }

    Statistics<?> statistics() {
      if (dictionaryOn) {
        dictionaryMinMax();
      }
      Statistics.Builder builder = Statistics.getBuilderForReading(type).withNumNulls(chunkNulls);
      if (hasMinMax) {
        if (binary) {
          builder.withMin(minBytes).withMax(maxBytes);
        } else {
          builder.withMin(longLe(minLong)).withMax(longLe(maxLong));
        }
      }
      return builder.build();
    }
  }

  /** The page being encoded, shared by the columns (one page is encoded at a time). */
  private final BytesOut pageBuffer = new BytesOut(64 * 1024);

  private static byte[] longLe(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  /**
   * The distinct values of a column chunk, in order of first appearance, with an open-addressing
   * table from value to id. Text values are kept PLAIN-encoded (length, bytes) as the dictionary
   * page holds them.
   */
  static final class Dictionary {
    private final boolean binary;
    final BytesOut entries = new BytesOut(1024);
    private int[] offsets = new int[64];
    private long[] longValues = new long[64];
    private int[] hashes = new int[64];
    private int[] table = new int[128];
    int size;

    Dictionary(boolean binary) {
      this.binary = binary;
    }

    /** The dictionary page's size in bytes. */
    long bytes() {
      return binary ? entries.length : 8L * size;
    }

    int id(byte[] value) {
      int h = hash(value);
      int mask = table.length - 1;
      for (int slot = mix(h) & mask; ; slot = (slot + 1) & mask) {
        int e = table[slot] - 1;
        if (e < 0) {
          return add(slot, h, value, 0);
        }
        if (hashes[e] == h) {
          int start = offsets[e] + 4;
          int end = e + 1 < size ? offsets[e + 1] : entries.length;
          if (end - start == value.length && sameBytes(entries.buf, start, value)) {
            return e;
          }
        }
      }
    }

    int id(long value) {
      int h = Long.hashCode(value);
      int mask = table.length - 1;
      for (int slot = mix(h) & mask; ; slot = (slot + 1) & mask) {
        int e = table[slot] - 1;
        if (e < 0) {
          return add(slot, h, null, value);
        }
        if (longValues[e] == value) {
          return e;
        }
      }
    }

    private int add(int slot, int hash, byte[] value, long longValue) {
      int e = size++;
      if (e == hashes.length) {
        hashes = Arrays.copyOf(hashes, e * 2);
        offsets = Arrays.copyOf(offsets, e * 2);
        longValues = Arrays.copyOf(longValues, e * 2);
      }
      hashes[e] = hash;
      if (binary) {
        offsets[e] = entries.length;
        entries.intLe(value.length);
        entries.write(value, 0, value.length);
      } else {
        longValues[e] = longValue;
      }
      table[slot] = e + 1;
      if (size * 2 > table.length) {
        rehash();
      }
      return e;
    }

    private void rehash() {
      table = new int[table.length * 2];
      int mask = table.length - 1;
      for (int e = 0; e < size; e++) {
        int slot = mix(hashes[e]) & mask;
        while (table[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        table[slot] = e + 1;
      }
    }

    /**
     * Whether {@code b[start..start + v.length)} equals {@code v}, eight bytes at a time (cheaper
     * than {@link Arrays#equals(byte[], int, int, byte[], int, int)}'s setup for short values).
     */
    private static boolean sameBytes(byte[] b, int start, byte[] v) {
      int i = 0;
      for (; i + 8 <= v.length; i += 8) {
        if ((long) LONGS.get(b, start + i) != (long) LONGS.get(v, i)) {
          return false;
        }
      }
      for (; i < v.length; i++) {
        if (b[start + i] != v[i]) {
          return false;
        }
      }
      return true;
    }

    /** A hash of the bytes read eight at a time (cheaper than {@link Arrays#hashCode(byte[])}). */
    static int hash(byte[] v) {
      long h = v.length * 0x9E3779B97F4A7C15L;
      int i = 0;
      for (; i + 8 <= v.length; i += 8) {
        h = (h ^ (long) LONGS.get(v, i)) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
      }
      long tail = 0;
      for (; i < v.length; i++) {
        tail = tail << 8 | (v[i] & 0xff);
      }
      h = (h ^ tail) * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }

    private static int mix(int h) {
      h *= 0x9E3779B9;
      return h ^ (h >>> 16);
    }

    /** Where entry {@code id}'s bytes start in {@link #entries}. */
    int valueStart(int id) {
      return offsets[id] + 4;
    }

    /** Where entry {@code id}'s bytes end in {@link #entries}. */
    int valueEnd(int id) {
      return id + 1 < size ? offsets[id + 1] : entries.length;
    }

    long longAt(int id) {
      return longValues[id];
    }

    void appendPlain(int id, BytesOut out) {
      int start = offsets[id];
      int end = id + 1 < size ? offsets[id + 1] : entries.length;
      out.write(entries.buf, start, end - start);
    }

    /** The dictionary page's content: PLAIN-encoded values in id order. */
    BytesOut plain() {
      if (binary) {
        return entries;
      }
      BytesOut page = new BytesOut(8 * size);
      for (int i = 0; i < size; i++) {
        page.longLe(longValues[i]);
      }
      return page;
    }
  }

  /** Parquet's RLE / bit-packing hybrid encoding, without a length prefix. */
  static final class Hybrid {
    private Hybrid() {}

    /**
     * Runs of 8 or more equal values become RLE runs; the rest is bit-packed in groups of 8, the
     * last group padded with zeros (readers stop at the page's value count).
     */
    static void encode(BytesOut out, int[] values, int count, int width) {
      int valueBytes = (width + 7) / 8;
      int i = 0;
      while (i < count) {
        int run = runLength(values, i, count);
        if (run >= 8) {
          out.varInt((long) run << 1);
          int v = values[i];
          for (int b = 0; b < valueBytes; b++) {
            out.write(v >>> (8 * b));
          }
          i += run;
          continue;
        }
        int start = i;
        int groups = 0;
        do {
          groups++;
          i += 8;
        } while (i < count && runLength(values, i, count) < 8);
        out.varInt(((long) groups << 1) | 1);
        bitPack(out, values, start, Math.min(count, start + groups * 8), groups * 8, width);
      }
    }

    private static int runLength(int[] values, int from, int count) {
      int v = values[from];
      int i = from + 1;
      while (i < count && values[i] == v) {
        i++;
      }
      return i - from;
    }

    /** Packs values[from..to), then zeros up to {@code slots} values, LSB first. */
    private static void bitPack(BytesOut out, int[] values, int from, int to, int slots, int w) {
      if (w == 0) {
        return;
      }
      long mask = (1L << w) - 1;
      long acc = 0;
      int bits = 0;
      for (int k = 0; k < slots; k++) {
        long v = from + k < to ? values[from + k] & mask : 0;
        acc |= v << bits;
        bits += w;
        while (bits >= 8) {
          out.write((int) acc);
          acc >>>= 8;
          bits -= 8;
        }
      }
      if (bits > 0) {
        out.write((int) acc);
      }
    }
  }

  /** Parquet's DELTA_BINARY_PACKED encoding for 64-bit integers: blocks of 128, 4 miniblocks. */
  static final class Delta {
    static final int BLOCK = 128;
    static final int MINIBLOCKS = 4;
    static final int MINI = BLOCK / MINIBLOCKS;

    private Delta() {}

    static void encode(BytesOut out, long[] values, int count) {
      out.varInt(BLOCK);
      out.varInt(MINIBLOCKS);
      out.varInt(count);
      out.varInt(zigzag(count == 0 ? 0 : values[0]));
      long[] deltas = new long[BLOCK];
      for (int i = 1; i < count; i += BLOCK) {
        int n = Math.min(BLOCK, count - i);
        long min = Long.MAX_VALUE;
        for (int k = 0; k < n; k++) {
          deltas[k] = values[i + k] - values[i + k - 1];
          min = Math.min(min, deltas[k]);
        }
        out.varInt(zigzag(min));
        int[] widths = new int[MINIBLOCKS];
        for (int m = 0; m < MINIBLOCKS; m++) {
          long or = 0;
          for (int k = m * MINI; k < Math.min(n, (m + 1) * MINI); k++) {
            deltas[k] -= min;
            or |= deltas[k];
          }
          widths[m] = m * MINI < n ? 64 - Long.numberOfLeadingZeros(or) : 0;
          out.write(widths[m]);
        }
        for (int m = 0; m < MINIBLOCKS && m * MINI < n; m++) {
          bitPack(out, deltas, m * MINI, Math.min(n, (m + 1) * MINI), MINI, widths[m]);
        }
      }
    }

    private static long zigzag(long v) {
      return (v << 1) ^ (v >> 63);
    }

    /** Packs values[from..to), then zeros up to {@code slots} values, LSB first. */
    private static void bitPack(BytesOut out, long[] values, int from, int to, int slots, int w) {
      if (w == 0) {
        return;
      }
      long mask = w == 64 ? -1L : (1L << w) - 1;
      long acc = 0;
      int bits = 0;
      for (int k = 0; k < slots; k++) {
        long v = from + k < to ? values[from + k] & mask : 0;
        acc |= v << bits;
        int taken = 64 - bits;
        if (w < taken) {
          bits += w;
        } else {
          for (int b = 0; b < 8; b++) {
            out.write((int) (acc >>> (8 * b)));
          }
          acc = taken == 64 ? 0 : v >>> taken;
          bits = w - taken;
        }
        while (bits >= 8) {
          out.write((int) acc);
          acc >>>= 8;
          bits -= 8;
        }
      }
      if (bits > 0) {
        out.write((int) acc);
      }
    }
  }

  /** A growable byte array that is also an {@link OutputStream} (for Thrift headers). */
  static final class BytesOut extends OutputStream {
    byte[] buf;
    int length;

    BytesOut(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (length + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(length + more, buf.length * 2));
      }
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, length, len);
      length += len;
    }

    void intLe(int v) {
      ensure(4);
      buf[length] = (byte) v;
      buf[length + 1] = (byte) (v >>> 8);
      buf[length + 2] = (byte) (v >>> 16);
      buf[length + 3] = (byte) (v >>> 24);
      length += 4;
    }

    void setIntLe(int at, int v) {
      buf[at] = (byte) v;
      buf[at + 1] = (byte) (v >>> 8);
      buf[at + 2] = (byte) (v >>> 16);
      buf[at + 3] = (byte) (v >>> 24);
    }

    void longLe(long v) {
      intLe((int) v);
      intLe((int) (v >>> 32));
    }

    /** Unsigned LEB128. */
    void varInt(long v) {
      while ((v & ~0x7FL) != 0) {
        write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      write((int) v);
    }
  }
}
