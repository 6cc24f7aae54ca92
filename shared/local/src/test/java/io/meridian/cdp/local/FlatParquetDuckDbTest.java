package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.parquet.Column;
import io.meridian.cdp.parquet.FlatParquetWriterTest;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.RowWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB reads files of the flat column writer (ADR 0023) value for value: dictionary pages and
 * their fallback to plain, delta-encoded timestamps, runs of nulls, several row groups.
 */
class FlatParquetDuckDbTest {
  @TempDir Path dir;

  @Test
  void duckDbReadsEveryValueOfAFlatWriterFile() throws Exception {
    List<Object[]> rows = FlatParquetWriterTest.randomRows(new Random(11), 30_000);
    Path file = dir.resolve("flat.parquet");
    try (RowWriter writer =
        ParquetFiles.createFlat(
            FlatParquetWriterTest.FLAT, file, new ParquetFiles.Options(3, 256 * 1024, 8 * 1024))) {
      for (Object[] row : rows) {
        writer.write(row);
      }
    }
    List<Column> columns = FlatParquetWriterTest.FLAT.columns();
    StringBuilder select = new StringBuilder("SELECT ");
    for (int c = 0; c < columns.size(); c++) {
      Column column = columns.get(c);
      select.append(c == 0 ? "" : ", ");
      switch (column.type()) {
        case TIMESTAMP -> select.append("epoch_us(").append(column.name()).append(")");
        case JSON -> select.append("CAST(").append(column.name()).append(" AS VARCHAR)");
        default -> select.append(column.name());
      }
    }
    select.append(" FROM read_parquet('").append(file).append("')");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery(select.toString())) {
      int i = 0;
      while (rs.next()) {
        Object[] expected = FlatParquetWriterTest.expected(rows.get(i));
        for (int c = 0; c < columns.size(); c++) {
          Object want = expected[c];
          Object got =
              switch (columns.get(c).type()) {
                case TIMESTAMP -> {
                  long micros = rs.getLong(c + 1);
                  yield rs.wasNull() ? null : Instant.EPOCH.plusNanos(micros * 1_000);
                }
                case INT64 -> {
                  long v = rs.getLong(c + 1);
                  yield rs.wasNull() ? null : v;
                }
                default -> rs.getString(c + 1);
              };
          assertThat(got).as("row %d column %s", i, columns.get(c).name()).isEqualTo(want);
        }
        i++;
      }
      assertThat(i).isEqualTo(rows.size());
    }
  }
}
