package io.meridian.cdp.aws;

import io.meridian.cdp.catalog.CatalogColumn;
import io.meridian.cdp.catalog.CatalogException;
import io.meridian.cdp.catalog.StorageFormat;
import io.meridian.cdp.catalog.TableCatalog;
import io.meridian.cdp.catalog.TableDefinition;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.DatabaseInput;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.SerDeInfo;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;

/**
 * The Glue Data Catalog of the account and region of {@code glue} as a {@link TableCatalog}:
 * external tables whose storage descriptor, partition keys and parameters are those of the {@link
 * TableDefinition}. A table is read back ({@code GetTable}) before it is written, so registering
 * the same definition again makes no write. Glue answers "entity not found" for a missing database
 * and a missing table alike; the adapter tells them apart with {@code GetDatabase}.
 */
public final class GlueTableCatalog implements TableCatalog {
  private final GlueClient glue;

  public GlueTableCatalog(GlueClient glue) {
    this.glue = glue;
  }

  @Override
  public Change ensureDatabase(String database, String description) {
    TableDefinition.requireName("database", database);
    if (databaseExists(database)) {
      return Change.UNCHANGED;
    }
    try {
      glue.createDatabase(
          b ->
              b.databaseInput(
                  DatabaseInput.builder()
                      .name(database)
                      .description(description)
                      // As the CDK app declares it: no IAMAllowedPrincipals grant on new tables.
                      .createTableDefaultPermissions(List.of())
                      .build()));
      return Change.CREATED;
    } catch (AlreadyExistsException e) {
      return Change.UNCHANGED; // created meanwhile by another registrar
    }
  }

  @Override
  public Change register(TableDefinition table) {
    TableDefinition existing;
    try {
      existing = describe(table.database(), table.name());
    } catch (CatalogException e) {
      requireDatabase(table.database());
      try {
        glue.createTable(b -> b.databaseName(table.database()).tableInput(input(table)));
        return Change.CREATED;
      } catch (AlreadyExistsException raced) {
        existing = describe(table.database(), table.name());
      }
    }
    if (existing.equals(table)) {
      return Change.UNCHANGED;
    }
    glue.updateTable(b -> b.databaseName(table.database()).tableInput(input(table)));
    return Change.UPDATED;
  }

  @Override
  public TableDefinition describe(String database, String table) {
    TableDefinition.requireName("database", database);
    TableDefinition.requireName("table", table);
    try {
      return definition(database, glue.getTable(b -> b.databaseName(database).name(table)).table());
    } catch (EntityNotFoundException e) {
      requireDatabase(database);
      throw CatalogException.unknownTable(database, table);
    }
  }

  @Override
  public List<String> tables(String database) {
    TableDefinition.requireName("database", database);
    try {
      return glue.getTablesPaginator(b -> b.databaseName(database)).stream()
          .flatMap(page -> page.tableList().stream())
          .map(Table::name)
          .sorted()
          .toList();
    } catch (EntityNotFoundException e) {
      throw CatalogException.unknownDatabase(database);
    }
  }

  @Override
  public String toString() {
    return "Glue Data Catalog";
  }

  private boolean databaseExists(String database) {
    try {
      glue.getDatabase(b -> b.name(database));
      return true;
    } catch (EntityNotFoundException e) {
      return false;
    }
  }

  private void requireDatabase(String database) {
    if (!databaseExists(database)) {
      throw CatalogException.unknownDatabase(database);
    }
  }

  private static TableInput input(TableDefinition t) {
    StorageFormat format = t.storage();
    return TableInput.builder()
        .name(t.name())
        .description(t.description())
        .tableType("EXTERNAL_TABLE")
        .parameters(t.parameters())
        .partitionKeys(columns(t.partitionKeys()))
        .storageDescriptor(
            StorageDescriptor.builder()
                .location(t.location())
                .inputFormat(format.inputFormat())
                .outputFormat(format.outputFormat())
                .compressed(format.compressed())
                .serdeInfo(
                    SerDeInfo.builder()
                        .serializationLibrary(format.serializationLibrary())
                        .parameters(format.serdeParameters())
                        .build())
                .columns(columns(t.columns()))
                .build())
        .build();
  }

  private static List<Column> columns(List<CatalogColumn> columns) {
    return columns.stream()
        .map(c -> Column.builder().name(c.name()).type(c.type()).comment(c.comment()).build())
        .toList();
  }

  private static TableDefinition definition(String database, Table t) {
    StorageDescriptor sd = t.storageDescriptor();
    SerDeInfo serde = sd.serdeInfo();
    return new TableDefinition(
        database,
        t.name(),
        orEmpty(t.description()),
        orEmpty(sd.location()),
        new StorageFormat(
            orEmpty(sd.inputFormat()),
            orEmpty(sd.outputFormat()),
            serde == null ? "" : orEmpty(serde.serializationLibrary()),
            serde == null ? Map.of() : serde.parameters(),
            Boolean.TRUE.equals(sd.compressed())),
        catalogColumns(sd.columns()),
        catalogColumns(t.partitionKeys()),
        t.parameters());
  }

  private static List<CatalogColumn> catalogColumns(List<Column> columns) {
    return columns.stream()
        .map(c -> new CatalogColumn(c.name(), c.type(), orEmpty(c.comment())))
        .toList();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
