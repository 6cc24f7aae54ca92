package io.meridian.cdp.parquet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads a flat Parquet file into rows with public parquet-java building blocks: the footer and page
 * headers are decoded with {@link Util}, pages are decompressed by {@link ZstdCodecFactory}, and
 * parquet-java's record assembly turns them into rows through {@link RowMaterializer}.
 *
 * <p>parquet-java's own {@code ParquetFileReader} is not used because it needs a {@code
 * ParquetReadOptions}, and every public way to build one loads Hadoop classes ({@code
 * ParquetReadOptions.Builder} creates the Hadoop-backed {@code CodecFactory} and calls {@code
 * ParquetInputFormat}, a Hadoop {@code FileInputFormat}).
 */
final class RowReader {

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
  private static final ParquetMetadataConverter CONVERTER = new ParquetMetadataConverter();

  private RowReader() {}

  static List<Object[]> readAll(TableSchema schema, Path file) throws IOException {
    List<Object[]> rows = new ArrayList<>();
    forEach(schema, file, rows::add);
    return rows;
  }

  static long forEach(TableSchema schema, Path file, Consumer<Object[]> rows) throws IOException {
    InputFile input = new LocalInputFile(file);
    try (SeekableInputStream in = input.newStream()) {
      ParquetMetadata footer = readFooter(in, input.getLength(), file);
      MessageType fileSchema = footer.getFileMetaData().getSchema();
      TableSchema nullable = nullableInFile(schema, fileSchema);
      if (nullable != schema) {
        // A file written by a SQL engine (DuckDB COPY, Athena UNLOAD) declares every column
        // optional: read the columns as the file declares them, and refuse a null where the table
        // requires a value.
        try {
          return forEachNullable(nullable, file, requireValues(schema, rows));
        } catch (NullValue e) {
          throw new IOException(file + ": " + e.getMessage(), e);
        }
      }
      TableSchema present = presentColumns(schema, fileSchema);
      if (present != schema) {
        // A file written before an optional column existed: read what it has, the rest is null.
        Consumer<Object[]> widen = widen(schema, present, rows);
        return forEach(present, footer, fileSchema, in, file, widen);
      }
      return forEach(schema, footer, fileSchema, in, file, rows);
    }
  }

  /**
   * {@code schema} with its required columns that {@code fileSchema} holds as optional made
   * optional (itself if none).
   */
  private static TableSchema nullableInFile(TableSchema schema, MessageType fileSchema) {
    List<Column> columns = new ArrayList<>();
    boolean changed = false;
    for (Column c : schema.columns()) {
      if (c.required()
          && fileSchema.containsField(c.name())
          && fileSchema.getType(c.name()).isRepetition(Type.Repetition.OPTIONAL)) {
        columns.add(new Column(c.name(), c.type(), false, c.dictionary()));
        changed = true;
      } else {
        columns.add(c);
      }
    }
    return changed ? new TableSchema(schema.name(), columns) : schema;
  }

  private static long forEachNullable(TableSchema nullable, Path file, Consumer<Object[]> rows)
      throws IOException {
    InputFile input = new LocalInputFile(file);
    try (SeekableInputStream in = input.newStream()) {
      ParquetMetadata footer = readFooter(in, input.getLength(), file);
      MessageType fileSchema = footer.getFileMetaData().getSchema();
      TableSchema present = presentColumns(nullable, fileSchema);
      Consumer<Object[]> sink = present != nullable ? widen(nullable, present, rows) : rows;
      return forEach(present, footer, fileSchema, in, file, sink);
    }
  }

  private static Consumer<Object[]> requireValues(TableSchema schema, Consumer<Object[]> rows) {
    List<Column> columns = schema.columns();
    return row -> {
      for (int i = 0; i < columns.size(); i++) {
        if (row[i] == null && columns.get(i).required()) {
          throw new NullValue(
              "column '"
                  + columns.get(i).name()
                  + "' of table '"
                  + schema.name()
                  + "' holds a null; the table requires a value");
        }
      }
      rows.accept(row);
    };
  }

  /** A null in a column the table requires. */
  private static final class NullValue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NullValue(String message) {
      super(message);
    }
  }

  /** {@code schema} without the optional columns {@code fileSchema} lacks (itself if none). */
  private static TableSchema presentColumns(TableSchema schema, MessageType fileSchema) {
    List<Column> kept = new ArrayList<>();
    for (Column c : schema.columns()) {
      if (c.required() || fileSchema.containsField(c.name())) {
        kept.add(c);
      }
    }
    // a file with none of the columns is another table's: let the column check name the mismatch
    return kept.size() == schema.columns().size() || kept.isEmpty()
        ? schema
        : new TableSchema(schema.name(), kept);
  }

  private static Consumer<Object[]> widen(
      TableSchema schema, TableSchema present, Consumer<Object[]> rows) {
    int[] positions = new int[present.columns().size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = schema.columns().indexOf(present.columns().get(i));
    }
    int width = schema.columns().size();
    return narrow -> {
      Object[] row = new Object[width];
      for (int i = 0; i < positions.length; i++) {
        row[positions[i]] = narrow[i];
      }
      rows.accept(row);
    };
  }

  private static long forEach(
      TableSchema schema,
      ParquetMetadata footer,
      MessageType fileSchema,
      SeekableInputStream in,
      Path file,
      Consumer<Object[]> rows)
      throws IOException {
    ZstdCodecFactory codecs = new ZstdCodecFactory(3);
    try {
      MessageType requested = schema.messageType();
      checkColumns(schema, requested, fileSchema, file);
      MessageColumnIO columnIo =
          new ColumnIOFactory(footer.getFileMetaData().getCreatedBy())
              .getColumnIO(requested, fileSchema, true);
      long count = 0;
      for (BlockMetaData block : footer.getBlocks()) {
        if (block.getRowCount() == 0) {
          continue;
        }
        PageReadStore pages = readRowGroup(in, block, requested, codecs, file);
        RecordReader<Object[]> records =
            columnIo.getRecordReader(pages, new RowMaterializer(schema.columns()));
        for (long r = 0; r < block.getRowCount(); r++) {
          rows.accept(records.read());
        }
        count += block.getRowCount();
      }
      return count;
    } finally {
      codecs.release();
    }
  }

  /** The footer of {@code file}, for tests that check what was written. */
  static ParquetMetadata readFooter(Path file) throws IOException {
    InputFile input = new LocalInputFile(file);
    try (SeekableInputStream in = input.newStream()) {
      return readFooter(in, input.getLength(), file);
    }
  }

  static ParquetMetadata readFooter(SeekableInputStream in, long length, Path file)
      throws IOException {
    if (length < 2L * MAGIC.length + 4) {
      throw new IOException(file + " is not a Parquet file: it has only " + length + " bytes");
    }
    byte[] tail = new byte[8];
    in.seek(length - tail.length);
    in.readFully(tail);
    for (int i = 0; i < MAGIC.length; i++) {
      if (tail[4 + i] != MAGIC[i]) {
        throw new IOException(
            file + " does not end with the Parquet magic PAR1 (encrypted footers are unsupported)");
      }
    }
    int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (footerLength <= 0 || footerLength > length - tail.length - MAGIC.length) {
      throw new IOException(
          file
              + " has a corrupt footer length "
              + footerLength
              + " for a "
              + length
              + "-byte file");
    }
    byte[] footer = new byte[footerLength];
    in.seek(length - tail.length - footerLength);
    in.readFully(footer);
    return CONVERTER.fromParquetMetadata(Util.readFileMetaData(new ByteArrayInputStream(footer)));
  }

  static void checkColumns(
      TableSchema schema, MessageType requested, MessageType fileSchema, Path file)
      throws IOException {
    for (Type expected : requested.getFields()) {
      if (!fileSchema.containsField(expected.getName())) {
        throw new IOException(
            file + " has no column '" + expected.getName() + "' of table '" + schema.name() + "'");
      }
      Type actual = fileSchema.getType(expected.getName());
      if (!actual.equals(expected)) {
        throw new IOException(
            "column '"
                + expected.getName()
                + "' in "
                + file
                + " is '"
                + actual
                + "' but table '"
                + schema.name()
                + "' declares '"
                + expected
                + "'");
      }
    }
  }

  static PageReadStore readRowGroup(
      SeekableInputStream in,
      BlockMetaData block,
      MessageType requested,
      ZstdCodecFactory codecs,
      Path file)
      throws IOException {
    Map<ColumnPath, ColumnChunkMetaData> chunks = new HashMap<>();
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      chunks.put(chunk.getPath(), chunk);
    }
    Map<ColumnPath, PageReader> readers = new HashMap<>();
    for (ColumnDescriptor column : requested.getColumns()) {
      ColumnPath path = ColumnPath.get(column.getPath());
      ColumnChunkMetaData chunk = chunks.get(path);
      if (chunk == null) {
        throw new IOException(
            file + " has a row group without a column chunk for '" + path.toDotString() + "'");
      }
      readers.put(path, readChunk(in, chunk, column.getPrimitiveType(), codecs, file));
    }
    return new RowGroupPages(readers, block.getRowCount());
  }

  private static ChunkPages readChunk(
      SeekableInputStream in,
      ColumnChunkMetaData chunk,
      PrimitiveType type,
      ZstdCodecFactory codecs,
      Path file)
      throws IOException {
    byte[] data = new byte[Math.toIntExact(chunk.getTotalSize())];
    in.seek(chunk.getStartingPos());
    in.readFully(data);
    BytesInputDecompressor decompressor = codecs.getDecompressor(chunk.getCodec());
    Statistics<?> noStatistics = Statistics.getBuilderForReading(type).build();
    ByteArrayInputStream stream = new ByteArrayInputStream(data);
    DictionaryPage dictionary = null;
    ArrayDeque<DataPage> pages = new ArrayDeque<>();
    long values = 0;
    while (values < chunk.getValueCount()) {
      if (stream.available() == 0) {
        throw new IOException(
            "column chunk '"
                + chunk.getPath().toDotString()
                + "' in "
                + file
                + " ends after "
                + values
                + " of "
                + chunk.getValueCount()
                + " values");
      }
      PageHeader header = Util.readPageHeader(stream);
      int offset = data.length - stream.available();
      int stored = header.getCompressed_page_size();
      int size = header.getUncompressed_page_size();
      if (stored < 0 || stored > stream.available()) {
        throw new IOException(
            "page of column '"
                + chunk.getPath().toDotString()
                + "' in "
                + file
                + " claims "
                + stored
                + " bytes but the column chunk has "
                + stream.available()
                + " left");
      }
      stream.skip(stored);
      BytesInput body = BytesInput.from(data, offset, stored);
      switch (header.getType()) {
        case DICTIONARY_PAGE -> {
          DictionaryPageHeader page = header.getDictionary_page_header();
          dictionary =
              new DictionaryPage(
                  decompressor.decompress(body, size),
                  size,
                  page.getNum_values(),
                  encoding(page.getEncoding()));
        }
        case DATA_PAGE -> {
          DataPageHeader page = header.getData_page_header();
          pages.add(
              new DataPageV1(
                  decompressor.decompress(body, size),
                  page.getNum_values(),
                  size,
                  noStatistics,
                  encoding(page.getRepetition_level_encoding()),
                  encoding(page.getDefinition_level_encoding()),
                  encoding(page.getEncoding())));
          values += page.getNum_values();
        }
        case DATA_PAGE_V2 -> {
          DataPageHeaderV2 page = header.getData_page_header_v2();
          int repetitionLength = page.getRepetition_levels_byte_length();
          int definitionLength = page.getDefinition_levels_byte_length();
          int levelsLength = repetitionLength + definitionLength;
          BytesInput valueBytes =
              BytesInput.from(data, offset + levelsLength, stored - levelsLength);
          if (!page.isSetIs_compressed() || page.isIs_compressed()) {
            valueBytes = decompressor.decompress(valueBytes, size - levelsLength);
          }
          pages.add(
              DataPageV2.uncompressed(
                  page.getNum_rows(),
                  page.getNum_nulls(),
                  page.getNum_values(),
                  BytesInput.from(data, offset, repetitionLength),
                  BytesInput.from(data, offset + repetitionLength, definitionLength),
                  encoding(page.getEncoding()),
                  valueBytes,
                  noStatistics));
          values += page.getNum_values();
        }
        default -> {
          // Index pages carry nothing needed to assemble rows.
        }
      }
    }
    return new ChunkPages(dictionary, pages, chunk.getValueCount());
  }

  private static Encoding encoding(org.apache.parquet.format.Encoding encoding) {
    return CONVERTER.getEncoding(encoding);
  }

  /** The decoded pages of one column chunk, handed out in file order. */
  private static final class ChunkPages implements PageReader {
    private final DictionaryPage dictionary;
    private final ArrayDeque<DataPage> pages;
    private final long valueCount;

    ChunkPages(DictionaryPage dictionary, ArrayDeque<DataPage> pages, long valueCount) {
      this.dictionary = dictionary;
      this.pages = pages;
      this.valueCount = valueCount;
    }

    @Override
    public DictionaryPage readDictionaryPage() {
      return dictionary;
    }

    @Override
    public long getTotalValueCount() {
      return valueCount;
    }

    @Override
    public DataPage readPage() {
      return pages.poll();
    }
  }

  /** The requested column chunks of one row group. */
  private record RowGroupPages(Map<ColumnPath, PageReader> readers, long rowCount)
      implements PageReadStore {

    @Override
    public PageReader getPageReader(ColumnDescriptor descriptor) {
      PageReader reader = readers.get(ColumnPath.get(descriptor.getPath()));
      if (reader == null) {
        throw new IllegalArgumentException(
            "column " + String.join(".", descriptor.getPath()) + " was not read");
      }
      return reader;
    }

    @Override
    public long getRowCount() {
      return rowCount;
    }
  }
}
