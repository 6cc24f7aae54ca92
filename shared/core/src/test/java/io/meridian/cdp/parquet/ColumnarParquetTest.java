package io.meridian.cdp.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The columnar reader ({@link ParquetFiles#forEachBatch}) and writer ({@link
 * ParquetFiles#writeColumns}) agree with the row reader and writer on every column type, with
 * nulls, multi-byte text, dictionary and plain columns and several row groups.
 */
class ColumnarParquetTest {
  private static final TableSchema SCHEMA = ParquetFilesTest.ALL_TYPES;
  private static final ParquetFiles.Options SMALL_GROUPS =
      new ParquetFiles.Options(3, 16 * 1024, 4 * 1024);

  @TempDir Path dir;

  private static List<Object[]> rows(int n, long seed) {
    Random r = new Random(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean nulls = r.nextInt(5) == 0;
      rows.add(
          new Object[] {
            "e" + i,
            nulls ? null : "Zoë 日本語 " + r.nextInt(50),
            nulls ? null : "{\"n\":" + r.nextInt() + "}",
            Instant.ofEpochSecond(
                1_700_000_000L + r.nextInt(1_000_000), r.nextInt(1_000_000) * 1000L),
            nulls ? null : Instant.ofEpochSecond(-r.nextInt(1_000_000), 0),
            nulls ? null : r.nextLong(),
            nulls ? null : r.nextInt(7),
            nulls ? null : r.nextDouble(),
            nulls ? null : r.nextBoolean()
          });
    }
    return rows;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** The batches of a file as rows of the same Java values the row reader gives. */
  private static List<Object[]> asRows(TableSchema schema, Path file, boolean ahead)
      throws IOException {
    List<Object[]> out = new ArrayList<>();
    ParquetFiles.forEachBatch(
        schema,
        file,
        ahead,
        b -> {
          for (int i = 0; i < b.rows(); i++) {
            Object[] row = new Object[schema.columns().size()];
            for (int c = 0; c < row.length; c++) {
              if (b.isNull(c, i)) {
                continue;
              }
              row[c] =
                  switch (schema.columns().get(c).type()) {
                    case STRING, JSON ->
                        new String(
                            b.bytes(c),
                            b.offsets(c)[i],
                            b.offsets(c)[i + 1] - b.offsets(c)[i],
                            StandardCharsets.UTF_8);
                    case TIMESTAMP -> instant(b.longs(c)[i]);
                    case INT64 -> b.longs(c)[i];
                    case INT32 -> b.ints(c)[i];
                    case DOUBLE -> b.doubles(c)[i];
                    case BOOLEAN -> b.booleans(c)[i];
                  };
            }
            out.add(row);
          }
        });
    return out;
  }

  @Test
  void batchesHoldWhatTheRowReaderReads() throws IOException {
    Path file = dir.resolve("rows.parquet");
    List<Object[]> rows = rows(5_000, 1);
    try (RowWriter w = ParquetFiles.create(SCHEMA, file, SMALL_GROUPS)) {
      for (Object[] row : rows) {
        w.write(row);
      }
    }
    assertThat(RowReader.readFooter(file).getBlocks()).hasSizeGreaterThan(1);
    List<Object[]> expected = ParquetFiles.readAll(SCHEMA, file);
    assertThat(asRows(SCHEMA, file, false))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(expected);
    assertThat(asRows(SCHEMA, file, true))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(expected);
  }

  @Test
  void anOptionalColumnTheFileLacksIsAllNull() throws IOException {
    Path file = dir.resolve("narrow.parquet");
    TableSchema narrow = new TableSchema("all_types", SCHEMA.columns().subList(0, 4));
    try (RowWriter w = ParquetFiles.create(narrow, file)) {
      w.write(new Object[] {"e1", "x", null, Instant.ofEpochSecond(5)});
    }
    List<Object[]> rows = asRows(SCHEMA, file, false);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0))
        .containsExactly("e1", "x", null, Instant.ofEpochSecond(5), null, null, null, null, null);
  }

  @Test
  void columnsWrittenOnSeveralThreadsReadBackAsTheRowsGiven() throws IOException {
    List<Object[]> rows = rows(7_777, 2);
    Path file = dir.resolve("columns.parquet");
    ParquetFiles.writeColumns(
        SCHEMA,
        file,
        rows.size(),
        1_000,
        2,
        ParquetFiles.Options.defaults(),
        (column, from, to, sink) -> {
          for (int i = from; i < to; i++) {
            Object v = rows.get(i)[column];
            if (v == null) {
              sink.nullValue();
              continue;
            }
            switch (SCHEMA.columns().get(column).type()) {
              case STRING, JSON -> sink.string((String) v);
              case TIMESTAMP -> sink.timestampMicros(RowWriteSupport.epochMicros((Instant) v));
              case INT64 -> sink.int64((Long) v);
              case INT32 -> sink.int32((Integer) v);
              case DOUBLE -> sink.float64((Double) v);
              case BOOLEAN -> sink.bool((Boolean) v);
            }
          }
        });
    assertThat(ParquetFiles.readAll(SCHEMA, file))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(rows);
    ParquetMetadata footer = RowReader.readFooter(file);
    assertThat(footer.getBlocks()).hasSize(8);
    for (BlockMetaData block : footer.getBlocks()) {
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        assertThat(chunk.getCodec()).isEqualTo(CompressionCodecName.ZSTD);
        assertThat(chunk.getStatistics().isEmpty()).isFalse();
      }
    }
    assertThat(footer.getFileMetaData().getKeyValueMetaData())
        .containsEntry("writer.model.name", "meridian-cdp");
  }

  @Test
  void aSourceThatSkipsRowsOrWritesTheWrongTypeFailsClearly() {
    TableSchema one = new TableSchema("t", List.of(Column.required("n", ColumnType.INT64)));
    assertThatThrownBy(
            () ->
                ParquetFiles.writeColumns(
                    one,
                    dir.resolve("short.parquet"),
                    10,
                    4,
                    2,
                    ParquetFiles.Options.defaults(),
                    (column, from, to, sink) -> sink.int64(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("column 'n' got 1 values for rows 0 to 4");
    assertThatThrownBy(
            () ->
                ParquetFiles.writeColumns(
                    one,
                    dir.resolve("type.parquet"),
                    1,
                    4,
                    1,
                    ParquetFiles.Options.defaults(),
                    (column, from, to, sink) -> sink.string("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column 'n' is INT64, not STRING");
    assertThatThrownBy(
            () ->
                ParquetFiles.writeColumns(
                    one,
                    dir.resolve("null.parquet"),
                    1,
                    4,
                    1,
                    ParquetFiles.Options.defaults(),
                    (column, from, to, sink) -> sink.nullValue()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column 'n' is required but the value is null");
  }
}
