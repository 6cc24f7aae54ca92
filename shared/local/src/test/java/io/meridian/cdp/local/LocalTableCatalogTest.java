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
