package io.meridian.cdp.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TableCatalog} does, in the data directory (local mode) or in Glue (AWS): a test
 * class per adapter extends this one. {@link #catalog()} gives a new instance over the same catalog
 * each time, as another process would see it. Database names are unique per test, since an emulator
 * keeps its state for the whole run.
 */
public abstract class TableCatalogContract {
  protected static final String LAKE = "s3://cdp-lake-contract";

  private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  /** A new catalog over the databases and tables made so far in this test. */
  protected abstract TableCatalog catalog() throws Exception;

  /** A database name of this test. */
  protected String database(String name) {
    return name + "_" + suffix;
  }

  private TableDefinition events(String database) {
    return LakeTables.table("cdp_clean.events").definition(LAKE).inDatabase(database);
  }

  @Test
  void registersALakeTableAndDescribesItAsGiven() throws Exception {
    String db = database("clean");
    assertThat(catalog().ensureDatabase(db, "clean zone")).isEqualTo(TableCatalog.Change.CREATED);
    TableDefinition events = events(db);

    assertThat(catalog().register(events)).isEqualTo(TableCatalog.Change.CREATED);

    TableDefinition described = catalog().describe(db, "events");
    assertThat(described).isEqualTo(events);
    assertThat(described.location()).isEqualTo(LAKE + "/clean/events/");
    assertThat(described.columns()).first().isEqualTo(events.columns().get(0));
    assertThat(described.columns())
        .extracting(CatalogColumn::name, CatalogColumn::type)
        .contains(
            org.assertj.core.groups.Tuple.tuple("message_id", "string"),
            org.assertj.core.groups.Tuple.tuple("received_at", "timestamp"));
    assertThat(described.partitionKeys())
        .extracting(CatalogColumn::name)
        .containsExactly("tenant", "dt");
    assertThat(described.parameters())
        .containsEntry("projection.enabled", "true")
        .containsEntry("projection.dt.type", "date")
        .containsEntry(
            "storage.location.template", LAKE + "/clean/events/tenant=${tenant}/dt=${dt}/");
    assertThat(described.storage()).isEqualTo(StorageFormat.PARQUET);
  }

  @Test
  void registeringTheSameDefinitionsAgainChangesNothing() throws Exception {
    String db = database("clean");
    catalog().ensureDatabase(db, "clean zone");
    catalog().register(events(db));

    assertThat(catalog().ensureDatabase(db, "another description"))
        .isEqualTo(TableCatalog.Change.UNCHANGED);
    assertThat(catalog().register(events(db))).isEqualTo(TableCatalog.Change.UNCHANGED);
    assertThat(catalog().describe(db, "events")).isEqualTo(events(db));
  }

  @Test
  void aTableWhoseColumnsChangedIsUpdated() throws Exception {
    String db = database("clean");
    catalog().ensureDatabase(db, "clean zone");
    TableDefinition events = events(db);
    catalog().register(events);

    List<CatalogColumn> more = new ArrayList<>(events.columns());
    more.add(new CatalogColumn("channel", "string", "where the event came from"));
    TableDefinition wider = events.withColumns(more);

    assertThat(catalog().register(wider)).isEqualTo(TableCatalog.Change.UPDATED);
    assertThat(catalog().describe(db, "events")).isEqualTo(wider);
    assertThat(catalog().describe(db, "events").columns())
        .last()
        .isEqualTo(new CatalogColumn("channel", "string", "where the event came from"));
    assertThat(catalog().register(wider)).isEqualTo(TableCatalog.Change.UNCHANGED);
  }

  @Test
  void aTableWhoseParametersChangedIsUpdated() throws Exception {
    String db = database("clean");
    catalog().ensureDatabase(db, "clean zone");
    TableDefinition events = events(db);
    catalog().register(events);
    TableDefinition moved =
        LakeTables.table("cdp_clean.events").definition("s3://another-lake").inDatabase(db);

    assertThat(catalog().register(moved)).isEqualTo(TableCatalog.Change.UPDATED);
    assertThat(catalog().describe(db, "events").parameters())
        .containsEntry(
            "storage.location.template",
            "s3://another-lake/clean/events/tenant=${tenant}/dt=${dt}/");
  }

  @Test
  void listsTheTablesOfADatabaseSortedAndNoOthers() throws Exception {
    String curated = database("curated");
    String clean = database("clean");
    catalog().ensureDatabase(curated, "curated zone");
    catalog().ensureDatabase(clean, "clean zone");
    assertThat(catalog().tables(curated)).isEmpty();
    for (LakeTables.LakeTable t : LakeTables.all()) {
      if (t.database().equals(LakeTables.CURATED)) {
        catalog().register(t.definition(LAKE).inDatabase(curated));
      }
    }
    catalog().register(events(clean));

    assertThat(catalog().tables(curated))
        .containsExactly(
            "blocked_merges",
            "consent_history",
            "event_identifiers",
            "identity_graph",
            "profile_merges",
            "profiles",
            "segment_changes",
            "segment_membership");
    assertThat(catalog().tables(clean)).containsExactly("events");
    assertThat(catalog().describe(curated, "identity_graph").partitionKeys())
        .extracting(CatalogColumn::name)
        .containsExactly("tenant", "snapshot");
  }

  @Test
  void theRawTableKeepsItsJsonSerdeAndFieldMapping() throws Exception {
    String db = database("raw");
    catalog().ensureDatabase(db, "raw zone");
    TableDefinition raw = LakeTables.table("cdp_raw.events").definition(LAKE).inDatabase(db);
    catalog().register(raw);

    TableDefinition described = catalog().describe(db, "events");
    assertThat(described).isEqualTo(raw);
    assertThat(described.storage().serdeParameters())
        .containsAllEntriesOf(Map.of("mapping.message_id", "messageId"));
    assertThat(described.partitionKeys())
        .extracting(CatalogColumn::name)
        .containsExactly("tenant", "source", "dt", "hour");
  }

  @Test
  void anUnknownDatabaseIsNamedInTheError() throws Exception {
    String db = database("nowhere");
    assertThatThrownBy(() -> catalog().register(events(db)))
        .isInstanceOf(CatalogException.class)
        .hasMessage("the catalog has no database '" + db + "'");
    assertThatThrownBy(() -> catalog().describe(db, "events"))
        .isInstanceOf(CatalogException.class)
        .hasMessage("the catalog has no database '" + db + "'");
    assertThatThrownBy(() -> catalog().tables(db))
        .isInstanceOf(CatalogException.class)
        .hasMessage("the catalog has no database '" + db + "'");
  }

  @Test
  void anUnknownTableIsNamedInTheError() throws Exception {
    String db = database("clean");
    catalog().ensureDatabase(db, "clean zone");
    assertThatThrownBy(() -> catalog().describe(db, "nope"))
        .isInstanceOf(CatalogException.class)
        .hasMessage("the catalog has no table 'nope' in database '" + db + "'");
  }

  @Test
  void rejectsInvalidNamesBeforeAskingTheCatalog() throws Exception {
    assertThatThrownBy(() -> catalog().ensureDatabase("../etc", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database name '../etc' is invalid");
    assertThatThrownBy(() -> catalog().describe(database("clean"), "Events"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table name 'Events' is invalid");
  }
}
