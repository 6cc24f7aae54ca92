package io.meridian.cdp.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs with hadoop-client-api removed from the test classpath (see the surefire configuration in
 * this module's pom), as it is absent at runtime: writing and reading must not need it.
 */
class NoHadoopAtRuntimeTest {

  @TempDir Path dir;

  @Test
  void hadoopIsNotOnTheClasspath() {
    assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("org.apache.hadoop.fs.Path"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void writesAndReadsWithoutHadoop() throws IOException {
    Path file = dir.resolve("no-hadoop.parquet");
    try (RowWriter writer = ParquetFiles.create(ParquetFilesTest.ALL_TYPES, file)) {
      for (int i = 0; i < 1_000; i++) {
        writer.write(ParquetFilesTest.row(i));
      }
    }
    List<Object[]> rows = ParquetFiles.readAll(ParquetFilesTest.ALL_TYPES, file);
    assertThat(rows).hasSize(1_000);
    assertThat(rows.get(999)).containsExactly(ParquetFilesTest.row(999));
    assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void theFlatColumnWriterWritesWithoutHadoop() throws IOException {
    Path file = dir.resolve("flat.parquet");
    List<Object[]> rows = FlatParquetWriterTest.randomRows(new Random(5), 1_000);
    try (RowWriter writer =
        ParquetFiles.createFlat(
            FlatParquetWriterTest.FLAT, file, ParquetFiles.Options.defaults())) {
      for (Object[] row : rows) {
        writer.write(row);
      }
    }
    List<Object[]> read = ParquetFiles.readAll(FlatParquetWriterTest.FLAT, file);
    assertThat(read).hasSize(1_000);
    assertThat(read.get(999)).containsExactly(FlatParquetWriterTest.expected(rows.get(999)));
    assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
