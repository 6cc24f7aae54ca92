package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.parquet.ColumnType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LakeTablesTest {
  private static final TableDocs DOCS =
      TableDocs.read(SynthesizedApp.REPO_ROOT.resolve("docs/TABLES.md"));

  @Test
  void mapsEveryColumnTypeToTheHiveTypeAthenaReadsItAs() {
    assertThat(
            Map.of(
                ColumnType.STRING, LakeTables.hiveType(ColumnType.STRING),
                ColumnType.JSON, LakeTables.hiveType(ColumnType.JSON),
                ColumnType.TIMESTAMP, LakeTables.hiveType(ColumnType.TIMESTAMP),
                ColumnType.INT64, LakeTables.hiveType(ColumnType.INT64),
                ColumnType.INT32, LakeTables.hiveType(ColumnType.INT32),
                ColumnType.DOUBLE, LakeTables.hiveType(ColumnType.DOUBLE),
                ColumnType.BOOLEAN, LakeTables.hiveType(ColumnType.BOOLEAN)))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ColumnType.STRING, "string",
                ColumnType.JSON, "string",
                ColumnType.TIMESTAMP, "timestamp",
                ColumnType.INT64, "bigint",
                ColumnType.INT32, "int",
                ColumnType.DOUBLE, "double",
                ColumnType.BOOLEAN, "boolean"));
  }

  @Test
  void everyTableIsDocumentedAndEveryColumnCommentedWithinGluesLimit() {
    List<LakeTables.LakeTable> tables = LakeTables.all(DOCS);
    assertThat(tables).hasSize(11);
    for (LakeTables.LakeTable t : tables) {
      assertThat(DOCS.documents(t.docName())).as(t.docName() + " in docs/TABLES.md").isTrue();
      assertThat(t.columns())
          .allSatisfy(
              c ->
                  assertThat(c.comment())
                      .as(t.qualifiedName() + "." + c.name())
                      .isNotBlank()
                      .hasSizeLessThanOrEqualTo(TableDocs.MAX_COMMENT));
    }
  }

  @Test
  void commentsComeFromTheTableContract() {
    assertThat(DOCS.meaning("curated.profiles", "lifetime_revenue"))
        .hasValueSatisfying(m -> assertThat(m).startsWith("sum of revenue"));
    // A row naming two columns documents both.
    assertThat(DOCS.meaning("curated.identity_graph", "first_seen"))
        .isEqualTo(DOCS.meaning("curated.identity_graph", "last_seen"));
    assertThat(DOCS.meaning("clean.events", "anonymous_id")).isEmpty();
  }

  @Test
  void piiColumnsNameColumnsThatExist() {
    List<LakeTables.LakeTable> tables = LakeTables.all(DOCS);
    for (Map.Entry<String, List<String>> e : PiiColumns.BY_TABLE.entrySet()) {
      LakeTables.LakeTable t =
          tables.stream()
              .filter(x -> x.qualifiedName().equals(e.getKey()))
              .findFirst()
              .orElseThrow();
      assertThat(t.columns())
          .extracting(LakeTables.GlueColumn::name)
          .as(e.getKey())
          .containsAll(e.getValue());
    }
  }

  @Test
  void everyColumnWithDeclaredPersonalDataIsWithheldFromAnalysts() {
    assertThat(PiiColumns.of(LakeTables.CLEAN, "events"))
        .containsAll(io.meridian.cdp.privacy.PiiFields.eventColumns().keySet());
  }
}
