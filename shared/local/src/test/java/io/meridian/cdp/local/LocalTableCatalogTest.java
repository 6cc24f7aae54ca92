package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.catalog.LakeTables;
import io.meridian.cdp.catalog.TableCatalog;
import io.meridian.cdp.catalog.TableCatalogContract;
import io.meridian.cdp.catalog.TableDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local catalog, held to the same contract as the Glue one. */
class LocalTableCatalogTest extends TableCatalogContract {
  @TempDir Path dir;

  @Override
  protected TableCatalog catalog() {
    return new LocalTableCatalog(dir.resolve("catalog"));
  }

  /**
   * Local mode queries DuckDB views, not the catalog: each view of a clean or curated table (named
   * like the table in docs/TABLES.md) must hold the catalog table's columns and partition keys, so
   * that a query reads the same columns locally and on Athena.
   */
  @Test
  void theDuckDbViewsOfLocalModeHoldTheCatalogTablesColumns() throws Exception {
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(dir.resolve("lake"))) {
      for (LakeTables.LakeTable t : LakeTables.all()) {
        if (t.database().equals(LakeTables.RAW)) {
          continue; // raw.events is the envelope as stored (camelCase fields), see docs/TABLES.md
        }
        TableDefinition d = t.definition(dir.resolve("lake").toUri().toString());
        String schema = t.docName().substring(0, t.docName().indexOf('.'));
        String view = t.docName().substring(schema.length() + 1);
        java.util.List<String> viewColumns =
            engine
                .query(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                        + schema
                        + "' AND table_name = '"
                        + view
                        + "'")
                .rows()
                .stream()
                .map(r -> (String) r.get(0))
                .toList();
        java.util.List<String> catalogColumns = new java.util.ArrayList<>();
        d.columns().forEach(c -> catalogColumns.add(c.name()));
        d.partitionKeys().stream()
            .filter(p -> !p.name().equals("snapshot")) // the view reads the snapshot in force
            .forEach(p -> catalogColumns.add(p.name()));
        assertThat(viewColumns).as(t.docName()).containsExactlyInAnyOrderElementsOf(catalogColumns);
      }
    }
  }

  @Test
  void keepsOneReadableJsonFilePerTableAndNoTemporaryFile() throws Exception {
    String db = database("clean");
    catalog().ensureDatabase(db, "clean zone");
    TableDefinition events = LakeTables.table("cdp_clean.events").definition(LAKE).inDatabase(db);
    catalog().register(events);

    Path file = dir.resolve("catalog").resolve(db).resolve("events.json");
    assertThat(Files.readString(file))
        .contains("\"location\" : \"s3://cdp-lake-contract/clean/events/\"");
    try (var files = Files.list(file.getParent())) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("_database.json", "events.json");
    }
  }
}
