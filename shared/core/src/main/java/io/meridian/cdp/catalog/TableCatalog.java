package io.meridian.cdp.catalog;

import java.util.List;

/**
 * A data catalog: databases of tables that name where the lake's files are and how to read them —
 * the Glue Data Catalog on AWS ({@code GlueTableCatalog}), JSON files in the data directory locally
 * ({@code LocalTableCatalog}). What goes in it is {@link LakeTables}; every implementation passes
 * {@code TableCatalogContract}.
 */
public interface TableCatalog {
  /** What {@link #register} or {@link #ensureDatabase} did. */
  enum Change {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /**
   * Creates database {@code database} if it does not exist. An existing database is left as it is
   * (its description included).
   *
   * @throws IllegalArgumentException when the name is not a valid database name
   */
  Change ensureDatabase(String database, String description);

  /**
   * Makes the catalog hold {@code table}: creates it when absent, replaces it when it differs
   * (another column, type, comment, location, format or parameter), leaves it alone when equal — so
   * registering the same definitions again changes nothing.
   *
   * @throws CatalogException when its database does not exist
   */
  Change register(TableDefinition table);

  /**
   * The table {@code database.table} as the catalog holds it.
   *
   * @throws CatalogException when the database or the table does not exist
   */
  TableDefinition describe(String database, String table);

  /**
   * The names of the tables in {@code database}, sorted.
   *
   * @throws CatalogException when the database does not exist
   */
  List<String> tables(String database);
}
