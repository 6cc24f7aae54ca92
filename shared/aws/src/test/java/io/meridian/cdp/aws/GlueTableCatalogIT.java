package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.catalog.LakeTables;
import io.meridian.cdp.catalog.TableCatalog;
import io.meridian.cdp.catalog.TableCatalogContract;
import io.meridian.cdp.catalog.TableDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Table;

/** The Glue adapter against moto server, held to the same contract as its local twin. */
class GlueTableCatalogIT extends TableCatalogContract {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private GlueClient client;

  private GlueClient client() {
    if (client == null) {
      client = MOTO.glue();
    }
    return client;
  }

  @Override
  protected TableCatalog catalog() {
    return new GlueTableCatalog(client());
  }

  @Test
  void registersAnExternalTableAthenaCanProjectPartitionsOf() {
    String db = database("clean");
    catalog().ensureDatabase(db, "clean zone");
    TableDefinition events = LakeTables.table("cdp_clean.events").definition(LAKE).inDatabase(db);
    catalog().register(events);

    Table table = client().getTable(b -> b.databaseName(db).name("events")).table();
    assertThat(table.tableType()).isEqualTo("EXTERNAL_TABLE");
    assertThat(table.storageDescriptor().location()).isEqualTo(LAKE + "/clean/events/");
    assertThat(table.storageDescriptor().serdeInfo().serializationLibrary())
        .isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    assertThat(table.parameters()).containsEntry("projection.enabled", "true");
    assertThat(client().getDatabase(b -> b.name(db)).database().description())
        .isEqualTo("clean zone");
  }
}
