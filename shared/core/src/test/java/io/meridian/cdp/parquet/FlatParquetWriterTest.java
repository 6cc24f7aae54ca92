package io.meridian.cdp.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class FlatParquetWriterTest {

  /** Every column kind the flat writer has: dictionary or not, required or not, text or number. */
  public static final TableSchema FLAT =
      new TableSchema(
          "flat",
          List.of(
              Column.required("source", ColumnType.STRING),
              Column.required("id", ColumnType.STRING).withoutDictionary(),
              Column.optional("name", ColumnType.STRING),
              Column.optional("user", ColumnType.STRING).withoutDictionary(),
              Column.optional("context", ColumnType.JSON),
              Column.optional("properties", ColumnType.JSON).withoutDictionary(),
              Column.required("ts", ColumnType.TIMESTAMP).withoutDictionary(),
              Column.optional("sent_at", ColumnType.TIMESTAMP).withoutDictionary(),
              Column.required("received_at", ColumnType.TIMESTAMP),
              Column.optional("count", ColumnType.INT64).withoutDictionary(),
              Column.optional("bucket", ColumnType.INT64),
              Column.optional("never", ColumnType.STRING)));

  @TempDir Path dir;

  @Test
  void roundTripsNullsUnicodeExtremesAndMicroseconds() throws IOException {
    Instant nanos = Instant.parse("2025-03-04T05:06:07.123456789Z");
    Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999Z");
    List<Object[]> rows =
        List.of(
            new Object[] {
              "web",
              "e1",
              "Zoë 日本語 🚀 e\u0301",
              "u1".getBytes(java.nio.charset.StandardCharsets.UTF_8),
              "{\"ip\":\"1.2.3.4\"}",
              "{\"tags\":[\"a\",\"ü\"],\"n\":1.5}",
              nanos,
              beforeEpoch,
              Instant.EPOCH,
              Long.MAX_VALUE,
              Long.MIN_VALUE,
              null
            },
            new Object[] {
              "web",
              "e2",
              null,
              null,
              null,
              null,
              beforeEpoch,
              null,
              Instant.EPOCH,
              Long.MIN_VALUE,
              null,
              null
            },
            new Object[] {
              "app", "e3", "", "", "{}", "{}", Instant.EPOCH, Instant.EPOCH, nanos, 0L, 7L, null
            });
    Path file = dir.resolve("flat.parquet");

    try (RowWriter writer = ParquetFiles.createFlat(FLAT, file, ParquetFiles.Options.defaults())) {
      for (Object[] row : rows) {
        writer.write(row);
      }
      assertThat(writer.rowCount()).isEqualTo(3);
    }

    List<Object[]> read = ParquetFiles.readAll(FLAT, file);
    assertThat(read).hasSize(3);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(read.get(i)).as("row %d", i).containsExactly(expected(rows.get(i)));
    }
  }

  @Test
  void writesTheRowsParquetJavaWritesAcrossPagesRowGroupsAndDictionaryFallback()
      throws IOException {
    List<Object[]> rows = randomRows(new Random(42), 30_000);
    ParquetFiles.Options small = new ParquetFiles.Options(3, 256 * 1024, 8 * 1024);
    Path flat = dir.resolve("flat.parquet");
    Path reference = dir.resolve("reference.parquet");
    try (RowWriter ours = ParquetFiles.createFlat(FLAT, flat, small);
        RowWriter theirs = ParquetFiles.create(FLAT, reference, small)) {
      for (Object[] row : rows) {
        ours.write(row);
        theirs.write(row);
      }
    }

    List<Object[]> read = ParquetFiles.readAll(FLAT, flat);
    List<Object[]> readReference = ParquetFiles.readAll(FLAT, reference);
    assertThat(read).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(read.get(i)).as("row %d", i).containsExactly(expected(rows.get(i)));
      assertThat(read.get(i)).as("row %d", i).containsExactly(readReference.get(i));
    }
    ParquetMetadata footer = RowReader.readFooter(flat);
    assertThat(footer.getBlocks()).hasSizeGreaterThan(1);
    assertThat(footer.getFileMetaData().getSchema()).isEqualTo(FLAT.messageType());
    assertThat(footer.getFileMetaData().getCreatedBy()).isEqualTo(FlatParquetWriter.CREATED_BY);
    long total = 0;
    for (BlockMetaData block : footer.getBlocks()) {
      total += block.getRowCount();
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        assertThat(chunk.getCodec()).isEqualTo(CompressionCodecName.ZSTD);
        assertThat(chunk.getValueCount()).isEqualTo(block.getRowCount());
      }
      assertThat(encodings(block, "ts")).contains(Encoding.DELTA_BINARY_PACKED);
      assertThat(encodings(block, "source")).contains(Encoding.PLAIN_DICTIONARY);
      assertThat(encodings(block, "id")).doesNotContain(Encoding.PLAIN_DICTIONARY);
    }
    assertThat(total).isEqualTo(rows.size());
    // The context column has more distinct values than an 8 KiB dictionary holds: it starts with
    // a dictionary and falls back to plain within a chunk, as parquet-java does.
    assertThat(footer.getBlocks())
        .anySatisfy(
            b ->
                assertThat(encodings(b, "context"))
                    .contains(Encoding.PLAIN_DICTIONARY, Encoding.PLAIN));
  }

  @Test
  void columnChunkStatisticsAreThoseParquetJavaComputes() throws IOException {
    List<Object[]> rows = randomRows(new Random(7), 5_000);
    Path flat = dir.resolve("flat.parquet");
    Path reference = dir.resolve("reference.parquet");
    try (RowWriter ours = ParquetFiles.createFlat(FLAT, flat, ParquetFiles.Options.defaults());
        RowWriter theirs = ParquetFiles.create(FLAT, reference)) {
      for (Object[] row : rows) {
        ours.write(row);
        theirs.write(row);
      }
    }
    BlockMetaData ourBlock = RowReader.readFooter(flat).getBlocks().get(0);
    BlockMetaData theirBlock = RowReader.readFooter(reference).getBlocks().get(0);
    for (int c = 0; c < FLAT.columns().size(); c++) {
      ColumnChunkMetaData ours = ourBlock.getColumns().get(c);
      ColumnChunkMetaData theirs = theirBlock.getColumns().get(c);
      String name = ours.getPath().toDotString();
      assertThat(ours.getStatistics().getNumNulls())
          .as(name)
          .isEqualTo(theirs.getStatistics().getNumNulls());
      assertThat(ours.getStatistics().hasNonNullValue())
          .as(name)
          .isEqualTo(theirs.getStatistics().hasNonNullValue());
      if (theirs.getStatistics().hasNonNullValue()) {
        assertThat(ours.getStatistics().genericGetMin())
            .as(name)
            .isEqualTo(theirs.getStatistics().genericGetMin());
        assertThat(ours.getStatistics().genericGetMax())
            .as(name)
            .isEqualTo(theirs.getStatistics().genericGetMax());
      }
    }
  }

  @Test
  void rejectsBadRowsNamingTheColumnAndKeepsWriting() throws IOException {
    Path file = dir.resolve("bad.parquet");
    try (RowWriter writer = ParquetFiles.createFlat(FLAT, file, ParquetFiles.Options.defaults())) {
      Object[] nullId = randomRows(new Random(1), 1).get(0);
      nullId[1] = null;
      assertThatThrownBy(() -> writer.write(nullId))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("column 'id' is required but the value is null");
      Object[] wrongType = randomRows(new Random(1), 1).get(0);
      wrongType[6] = "2025-01-01T00:00:00Z";
      assertThatThrownBy(() -> writer.write(wrongType))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("column 'ts' (TIMESTAMP) needs a java.time.Instant");
      writer.write(randomRows(new Random(1), 1).get(0));
      assertThat(writer.rowCount()).isEqualTo(1);
    }
    assertThat(ParquetFiles.readAll(FLAT, file)).hasSize(1);
  }

  @Test
  void writesAnEmptyFileThatReadsAsNoRows() throws IOException {
    Path file = dir.resolve("empty.parquet");
    ParquetFiles.createFlat(FLAT, file, ParquetFiles.Options.defaults()).close();
    assertThat(ParquetFiles.readAll(FLAT, file)).isEmpty();
  }

  @Test
  void rejectsColumnTypesItDoesNotWrite() {
    TableSchema doubles =
        new TableSchema("d", List.of(Column.optional("amount", ColumnType.DOUBLE)));
    assertThatThrownBy(
            () ->
                ParquetFiles.createFlat(
                    doubles, dir.resolve("d.parquet"), ParquetFiles.Options.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "column 'amount' is DOUBLE: the flat column writer writes STRING, JSON, TIMESTAMP and"
                + " INT64 only");
  }

  private static Set<Encoding> encodings(BlockMetaData block, String column) {
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      if (chunk.getPath().toDotString().equals(column)) {
        return EnumSet.copyOf(chunk.getEncodings());
      }
    }
    throw new AssertionError("no column " + column);
  }

  /** What a row reads back as: text as Strings, instants truncated to microseconds. */
  public static Object[] expected(Object[] row) {
    Object[] out = row.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof byte[] b) {
        out[i] = new String(b, java.nio.charset.StandardCharsets.UTF_8);
      } else if (out[i] instanceof Instant t) {
        out[i] = t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
      }
    }
    return out;
  }

  /**
   * Rows that exercise every encoding path: low- and high-cardinality text, runs and scattered
   * nulls, timestamps that mostly rise and sometimes jump back, extreme longs.
   */
  public static List<Object[]> randomRows(Random r, int n) {
    List<Object[]> rows = new ArrayList<>(n);
    long ts = 1_700_000_000_000_000L;
    String[] sources = {"web", "ios", "android", "server"};
    String[] names = {"Home", "Product", "Cart", "Checkout", "Zoë 🚀"};
    for (int i = 0; i < n; i++) {
      ts += r.nextInt(10) == 0 ? -r.nextInt(5_000_000) : r.nextInt(3_000);
      boolean nullBlock = (i / 500) % 7 == 3;
      Object[] row =
          new Object[] {
            sources[r.nextInt(sources.length)],
            "m-" + i,
            nullBlock || r.nextInt(4) == 0 ? null : names[r.nextInt(names.length)],
            r.nextInt(3) == 0
                ? null
                : ("u-" + r.nextInt(1_000)).getBytes(java.nio.charset.StandardCharsets.UTF_8),
            nullBlock ? null : "{\"ip\":\"10.0." + r.nextInt(i < 10_000 ? 20 : 5_000) + "\"}",
            r.nextInt(5) == 0
                ? null
                : "{\"price\":" + r.nextInt(100_000) / 100.0 + ",\"sku\":\"s" + i + "\"}",
            Instant.ofEpochSecond(ts / 1_000_000, (ts % 1_000_000) * 1_000 + r.nextInt(1_000)),
            r.nextInt(8) == 0 ? null : Instant.ofEpochSecond(ts / 1_000_000 - r.nextInt(100)),
            Instant.ofEpochSecond(1_700_000_000L + i / 100),
            switch (r.nextInt(6)) {
              case 0 -> null;
              case 1 -> Long.MAX_VALUE;
              case 2 -> Long.MIN_VALUE;
              default -> r.nextLong();
            },
            nullBlock ? null : (long) r.nextInt(12),
            null
          };
      rows.add(row);
    }
    return rows;
  }
}
