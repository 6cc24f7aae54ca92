package io.meridian.cdp.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.parquet.ColumnType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LakeTablesTest {
  private static final TableDocs DOCS = TableDocs.read(Path.of("../../docs/TABLES.md"));

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
  void theCoreJarCarriesTheTableContract() {
    assertThat(LakeTables.all()).isEqualTo(LakeTables.all(DOCS));
  }

  @Test
  void aDefinitionPointsLocationAndProjectionAtTheTablesPrefixInTheLake() {
    TableDefinition events = LakeTables.table("cdp_clean.events").definition("s3://lake");
    assertThat(events.location()).isEqualTo("s3://lake/clean/events/");
    assertThat(events.columns())
        .extracting(CatalogColumn::name)
        .containsExactlyElementsOf(
            CleanTables.EVENTS.columns().stream().map(c -> c.name()).toList());
    assertThat(events.partitionKeys())
        .extracting(CatalogColumn::name, CatalogColumn::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("tenant", "string"),
            org.assertj.core.groups.Tuple.tuple("dt", "date"));
    assertThat(events.parameters())
        .containsEntry("EXTERNAL", "TRUE")
        .containsEntry("classification", "parquet")
        .containsEntry("projection.enabled", "true")
        .containsEntry("projection.tenant.type", "injected")
        .containsEntry("projection.dt.format", "yyyy-MM-dd")
        .containsEntry(
            "storage.location.template", "s3://lake/clean/events/tenant=${tenant}/dt=${dt}/");
    assertThat(events.storage()).isEqualTo(StorageFormat.PARQUET);
    // A trailing slash on the lake changes nothing.
    assertThat(LakeTables.table("cdp_clean.events").definition("s3://lake/")).isEqualTo(events);
  }

  @Test
  void theRawTableIsGzipJsonLinesWithItsCamelCaseFieldsMapped() {
    TableDefinition raw = LakeTables.table("cdp_raw.events").definition("file:///data/lake");
    assertThat(raw.location()).isEqualTo("file:///data/lake/raw/");
    assertThat(raw.storage().serializationLibrary())
        .isEqualTo("org.openx.data.jsonserde.JsonSerDe");
    assertThat(raw.storage().serdeParameters())
        .containsEntry("mapping.message_id", "messageId")
        .containsEntry("ignore.malformed.json", "true");
    assertThat(raw.parameters())
        .containsEntry("compressionType", "gzip")
        .containsEntry(
            "storage.location.template",
            "file:///data/lake/raw/tenant=${tenant}/source=${source}/dt=${dt}/hour=${hour}/");
  }

  @Test
  void anUnknownTableIsNamedInTheError() {
    assertThatThrownBy(() -> LakeTables.table("cdp_clean.nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the lake has no table 'cdp_clean.nope'");
  }

  @Test
  void rejectsNamesGlueWouldChange() {
    TableDefinition events = LakeTables.table("cdp_clean.events").definition("s3://lake");
    assertThatThrownBy(() -> events.inDatabase("Cdp-Clean"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database name 'Cdp-Clean' is invalid");
    assertThatThrownBy(() -> events.inDatabase("../x"))
        .hasMessageContaining("database name '../x' is invalid");
  }
}
