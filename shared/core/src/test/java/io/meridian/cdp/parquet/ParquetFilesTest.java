package io.meridian.cdp.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetFilesTest {

  static final TableSchema ALL_TYPES =
      new TableSchema(
          "all_types",
          List.of(
              Column.required("event_id", ColumnType.STRING),
              Column.optional("name", ColumnType.STRING),
              Column.optional("properties", ColumnType.JSON),
              Column.required("ts", ColumnType.TIMESTAMP),
              Column.optional("received_at", ColumnType.TIMESTAMP),
              Column.optional("count", ColumnType.INT64),
              Column.optional("small", ColumnType.INT32),
              Column.optional("amount", ColumnType.DOUBLE),
              Column.optional("flag", ColumnType.BOOLEAN)));

  @TempDir Path dir;

  @Test
  void roundTripsEveryTypeWithNullsUnicodeJsonAndMicroseconds() throws IOException {
    Instant micros = Instant.parse("2025-03-04T05:06:07.123456Z");
    Instant nanos = Instant.parse("2025-03-04T05:06:07.123456789Z");
    Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999Z");
    List<Object[]> rows =
        List.of(
            new Object[] {
              "e1",
              "Zoë 日本語 🚀 e\u0301",
              "{\"plan\":\"pro\",\"tags\":[\"a\",\"ü\"],\"n\":1.5}",
              micros,
              nanos,
              Long.MAX_VALUE,
              Integer.MIN_VALUE,
              -0.0,
              true
            },
            new Object[] {"e2", null, null, beforeEpoch, null, null, null, null, null},
            new Object[] {
              "e3", "", "{}", Instant.EPOCH, Instant.EPOCH, Long.MIN_VALUE, 0, Double.NaN, false
            },
            new Object[] {
              "e4", "plain", "[1,2,3]", micros, beforeEpoch, 42L, 7, Double.NEGATIVE_INFINITY, true
            });
    Path file = dir.resolve("all.parquet");

    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, file)) {
      for (Object[] row : rows) {
        writer.write(row);
      }
      assertThat(writer.rowCount()).isEqualTo(4);
    }

    List<Object[]> read = ParquetFiles.readAll(ALL_TYPES, file);
    assertThat(read).hasSize(4);
    assertThat(read.get(0))
        .containsExactly(
            "e1",
            "Zoë 日本語 🚀 e\u0301",
            "{\"plan\":\"pro\",\"tags\":[\"a\",\"ü\"],\"n\":1.5}",
            micros,
            nanos.truncatedTo(ChronoUnit.MICROS),
            Long.MAX_VALUE,
            Integer.MIN_VALUE,
            -0.0,
            true);
    assertThat(read.get(1))
        .containsExactly("e2", null, null, beforeEpoch, null, null, null, null, null);
    assertThat(read.get(2))
        .containsExactly(
            "e3", "", "{}", Instant.EPOCH, Instant.EPOCH, Long.MIN_VALUE, 0, Double.NaN, false);
    assertThat(read.get(3))
        .containsExactly(
            "e4", "plain", "[1,2,3]", micros, beforeEpoch, 42L, 7, Double.NEGATIVE_INFINITY, true);
  }

  @Test
  void forEachStreamsTheRowsOfEveryRowGroupInOrder() throws IOException {
    Path file = dir.resolve("stream.parquet");
    ParquetFiles.Options small = new ParquetFiles.Options(3, 64 * 1024, 8 * 1024);
    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, file, small)) {
      for (int i = 0; i < 20_000; i++) {
        writer.write(row(i));
      }
    }
    assertThat(RowReader.readFooter(file).getBlocks()).hasSizeGreaterThan(1);
    List<Object[]> streamed = new ArrayList<>();
    long count = ParquetFiles.forEach(ALL_TYPES, file, streamed::add);
    assertThat(count).isEqualTo(20_000);
    List<Object[]> all = ParquetFiles.readAll(ALL_TYPES, file);
    assertThat(streamed).hasSize(all.size());
    for (int i = 0; i < all.size(); i++) {
      assertThat(streamed.get(i)).containsExactly(all.get(i));
    }
    assertThat(streamed.get(0)[0]).isEqualTo(row(0)[0]);
  }

  @Test
  void rowGroupsHoldAtMostTheGivenNumberOfRowsWithMinMaxStatistics() throws IOException {
    Path file = dir.resolve("row-groups.parquet");
    try (RowWriter writer =
        ParquetFiles.create(ALL_TYPES, file, ParquetFiles.Options.defaults(), 3_000)) {
      for (int i = 0; i < 10_000; i++) {
        writer.write(row(i));
      }
    }
    List<BlockMetaData> blocks = RowReader.readFooter(file).getBlocks();
    assertThat(blocks)
        .extracting(BlockMetaData::getRowCount)
        .containsExactly(3_000L, 3_000L, 3_000L, 1_000L);
    // every row group carries its own min/max, what a reader skips row groups by
    for (BlockMetaData block : blocks) {
      assertThat(block.getColumns())
          .allSatisfy(c -> assertThat(c.getStatistics().hasNonNullValue()).isTrue());
    }
    assertThat(ParquetFiles.readAll(ALL_TYPES, file)).hasSize(10_000);
    assertThatThrownBy(
            () ->
                ParquetFiles.create(
                    ALL_TYPES, dir.resolve("x.parquet"), ParquetFiles.Options.defaults(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rowGroupRows must be positive: 0");
  }

  @Test
  void footerDeclaresZstdForEveryChunkAndTheLogicalTypes() throws IOException {
    Path file = dir.resolve("footer.parquet");
    ParquetFiles.Options small = new ParquetFiles.Options(3, 64 * 1024, 8 * 1024);
    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, file, small)) {
      for (int i = 0; i < 20_000; i++) {
        writer.write(row(i));
      }
    }

    ParquetMetadata footer = RowReader.readFooter(file);
    assertThat(footer.getBlocks()).hasSizeGreaterThan(1);
    for (BlockMetaData block : footer.getBlocks()) {
      assertThat(block.getColumns()).hasSize(ALL_TYPES.columns().size());
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        assertThat(chunk.getCodec())
            .as(chunk.getPath().toDotString())
            .isEqualTo(CompressionCodecName.ZSTD);
      }
    }
    MessageType schema = footer.getFileMetaData().getSchema();
    assertThat(schema.getName()).isEqualTo("all_types");
    assertThat(schema.getType("event_id").getLogicalTypeAnnotation())
        .isEqualTo(LogicalTypeAnnotation.stringType());
    assertThat(schema.getType("event_id").getRepetition()).isEqualTo(Repetition.REQUIRED);
    assertThat(schema.getType("name").getRepetition()).isEqualTo(Repetition.OPTIONAL);
    assertThat(schema.getType("properties").getLogicalTypeAnnotation())
        .isEqualTo(LogicalTypeAnnotation.jsonType());
    assertThat(schema.getType("properties").asPrimitiveType().getPrimitiveTypeName())
        .isEqualTo(PrimitiveTypeName.BINARY);
    assertThat(schema.getType("ts").getLogicalTypeAnnotation())
        .isEqualTo(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS));
    assertThat(schema.getType("ts").asPrimitiveType().getPrimitiveTypeName())
        .isEqualTo(PrimitiveTypeName.INT64);
    assertThat(schema.getType("count").asPrimitiveType().getPrimitiveTypeName())
        .isEqualTo(PrimitiveTypeName.INT64);
    assertThat(schema.getType("small").asPrimitiveType().getPrimitiveTypeName())
        .isEqualTo(PrimitiveTypeName.INT32);
    assertThat(schema.getType("amount").asPrimitiveType().getPrimitiveTypeName())
        .isEqualTo(PrimitiveTypeName.DOUBLE);
    assertThat(schema.getType("flag").asPrimitiveType().getPrimitiveTypeName())
        .isEqualTo(PrimitiveTypeName.BOOLEAN);
    assertThat(ParquetFiles.readAll(ALL_TYPES, file)).hasSize(20_000);
  }

  @Test
  void rejectsNullInRequiredColumnNamingItAndKeepsWriting() throws IOException {
    Path file = dir.resolve("required.parquet");
    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, file)) {
      writer.write(row(1));
      Object[] bad = row(2);
      bad[3] = null;
      assertThatThrownBy(() -> writer.write(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'ts'")
          .hasMessageContaining("required");
      writer.write(row(3));
      assertThat(writer.rowCount()).isEqualTo(2);
    }
    assertThat(ParquetFiles.readAll(ALL_TYPES, file))
        .extracting(r -> r[0])
        .containsExactly("event-1", "event-3");
  }

  @Test
  void rejectsValuesOfTheWrongJavaTypeNamingTheColumn() throws IOException {
    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, dir.resolve("types.parquet"))) {
      Object[] intForLong = row(1);
      intForLong[5] = 5;
      assertThatThrownBy(() -> writer.write(intForLong))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'count'")
          .hasMessageContaining("java.lang.Long")
          .hasMessageContaining("java.lang.Integer");
      Object[] textForTimestamp = row(2);
      textForTimestamp[4] = "2025-01-01T00:00:00Z";
      assertThatThrownBy(() -> writer.write(textForTimestamp))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'received_at'")
          .hasMessageContaining("java.time.Instant");
      Object[] tooShort = new Object[] {"e", Instant.EPOCH};
      assertThatThrownBy(() -> writer.write(tooShort))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2 values")
          .hasMessageContaining("9 columns");
      Object[] outOfRange = row(3);
      outOfRange[3] = Instant.MAX;
      assertThatThrownBy(() -> writer.write(outOfRange))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'ts'");
      assertThat(writer.rowCount()).isZero();
    }
  }

  @Test
  void roundTrips200kRowsAcrossRowGroups() throws IOException {
    Path file = dir.resolve("large.parquet");
    int rows = 200_000;
    ParquetFiles.Options options = new ParquetFiles.Options(3, 1024 * 1024, 256 * 1024);
    long count;
    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, file, options)) {
      for (int i = 0; i < rows; i++) {
        writer.write(row(i));
      }
      count = writer.rowCount();
    }
    assertThat(count).isEqualTo(rows);
    assertThat(RowReader.readFooter(file).getBlocks()).hasSizeGreaterThan(1);

    List<Object[]> read = ParquetFiles.readAll(ALL_TYPES, file);
    assertThat(read).hasSize(rows);
    for (int i = 0; i < rows; i += 997) {
      assertThat(read.get(i)).as("row %d", i).containsExactly(row(i));
    }
    assertThat(read.get(rows - 1)).containsExactly(row(rows - 1));
  }

  @Test
  void overwritesAnExistingFile() throws IOException {
    Path file = dir.resolve("again.parquet");
    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, file)) {
      writer.write(row(1));
      writer.write(row(2));
    }
    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, file)) {
      writer.write(row(3));
    }
    assertThat(ParquetFiles.readAll(ALL_TYPES, file))
        .extracting(r -> r[0])
        .containsExactly("event-3");
  }

  @Test
  void readAllRejectsAFileWhoseColumnsDoNotMatch() throws IOException {
    Path file = dir.resolve("other.parquet");
    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, file)) {
      writer.write(row(1));
    }
    TableSchema wrongType =
        new TableSchema("all_types", List.of(Column.optional("count", ColumnType.INT32)));
    assertThatThrownBy(() -> ParquetFiles.readAll(wrongType, file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'count'");
    TableSchema missing =
        new TableSchema("all_types", List.of(Column.optional("nope", ColumnType.STRING)));
    assertThatThrownBy(() -> ParquetFiles.readAll(missing, file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'nope'");

    TableSchema subset =
        new TableSchema(
            "all_types",
            List.of(
                Column.optional("flag", ColumnType.BOOLEAN),
                Column.required("event_id", ColumnType.STRING)));
    assertThat(ParquetFiles.readAll(subset, file))
        .singleElement()
        .satisfies(r -> assertThat(r).containsExactly(false, "event-1"));
  }

  @Test
  void readsAFileWrittenBeforeAnOptionalColumnExistedWithNulls() throws IOException {
    Path file = dir.resolve("older.parquet");
    try (RowWriter writer = ParquetFiles.create(ALL_TYPES, file)) {
      writer.write(row(1));
    }
    TableSchema grown =
        new TableSchema(
            "all_types",
            List.of(
                Column.required("event_id", ColumnType.STRING),
                Column.optional("added_later", ColumnType.JSON),
                Column.optional("flag", ColumnType.BOOLEAN)));
    assertThat(ParquetFiles.readAll(grown, file))
        .singleElement()
        .satisfies(r -> assertThat(r).containsExactly("event-1", null, false));

    TableSchema requiredLater =
        new TableSchema(
            "all_types",
            List.of(
                Column.required("event_id", ColumnType.STRING),
                Column.required("added_later", ColumnType.JSON)));
    assertThatThrownBy(() -> ParquetFiles.readAll(requiredLater, file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no column 'added_later'");
  }

  @Test
  void schemaAndOptionsAreValidated() {
    assertThatThrownBy(
            () ->
                new TableSchema(
                    "t",
                    List.of(
                        Column.required("id", ColumnType.STRING),
                        Column.optional("ID", ColumnType.INT64))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ID'");
    assertThatThrownBy(() -> new TableSchema("t", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Column.required(" ", ColumnType.STRING))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ParquetFiles.Options(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zstdLevel");
    assertThatThrownBy(() -> new ParquetFiles.Options(3, 0, 1))
        .hasMessageContaining("rowGroupBytes");
    List<Column> columns = new ArrayList<>(List.of(Column.required("a", ColumnType.INT32)));
    TableSchema schema = new TableSchema("t", columns);
    columns.add(Column.required("b", ColumnType.INT32));
    assertThat(schema.columns()).hasSize(1);
    assertThat(ParquetFiles.Options.defaults())
        .isEqualTo(new ParquetFiles.Options(3, 64L * 1024 * 1024, 1024 * 1024));
  }

  /** A deterministic row of {@link #ALL_TYPES} with a null in some optional column. */
  static Object[] row(int i) {
    return new Object[] {
      "event-" + i,
      i % 5 == 0 ? null : "name-" + (i % 13) + " ✓",
      i % 7 == 0 ? null : "{\"i\":" + i + ",\"k\":\"v" + (i % 3) + "\"}",
      Instant.ofEpochSecond(1_700_000_000L + i, (i % 1000) * 1_000L),
      i % 11 == 0 ? null : Instant.ofEpochSecond(1_600_000_000L - i, 999_999_000L),
      i % 2 == 0 ? null : (long) i * 1_000_003L,
      i % 3 == 0 ? null : i - 100_000,
      i % 4 == 0 ? null : i / 8.0,
      i % 6 == 0 ? null : i % 2 == 0
    };
  }
}
