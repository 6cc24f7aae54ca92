package io.meridian.cdp.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written by a SQL engine (DuckDB {@code COPY}, Athena {@code UNLOAD}) declares every column
 * optional: it reads for a table whose columns are required, as long as it holds no null there.
 */
class OptionalColumnsFileTest {
  private static final TableSchema TABLE =
      new TableSchema(
          "t",
          List.of(
              Column.required("id", ColumnType.STRING),
              Column.required("at", ColumnType.TIMESTAMP),
              Column.optional("note", ColumnType.STRING)));
  private static final TableSchema AS_AN_ENGINE_WRITES_IT =
      new TableSchema(
          "t",
          List.of(
              Column.optional("id", ColumnType.STRING),
              Column.optional("at", ColumnType.TIMESTAMP),
              Column.optional("note", ColumnType.STRING)));

  @TempDir Path temp;

  private Path write(Object[]... rows) throws IOException {
    Path file = temp.resolve("engine-" + rows.length + ".parquet");
    try (RowWriter w = ParquetFiles.create(AS_AN_ENGINE_WRITES_IT, file)) {
      for (Object[] r : rows) {
        w.write(r);
      }
    }
    return file;
  }

  @Test
  void readsOptionalColumnsForRequiredOnesWhenEveryValueIsThere() throws IOException {
    Instant at = Instant.parse("2026-11-24T06:00:00Z");
    Path file = write(new Object[] {"a", at, null}, new Object[] {"b", at, "x"});

    List<Object[]> rows = ParquetFiles.readAll(TABLE, file);

    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).containsExactly("a", at, null);
    assertThat(rows.get(1)).containsExactly("b", at, "x");
  }

  @Test
  void refusesANullInAColumnTheTableRequires() throws IOException {
    Path file =
        write(new Object[] {"a", Instant.EPOCH, null}, new Object[] {null, Instant.EPOCH, null});

    assertThatThrownBy(() -> ParquetFiles.readAll(TABLE, file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("column 'id' of table 't' holds a null");
  }
}
