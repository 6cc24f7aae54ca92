package io.meridian.cdp.catalog;

/** A {@link TableCatalog} has no such database or table; the message names it. */
public final class CatalogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CatalogException(String message) {
    super(message);
  }

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }

  /** There is no database {@code database}. */
  public static CatalogException unknownDatabase(String database) {
    return new CatalogException("the catalog has no database '" + database + "'");
  }

  /** There is no table {@code database.table} (the database exists). */
  public static CatalogException unknownTable(String database, String table) {
    return new CatalogException(
        "the catalog has no table '" + table + "' in database '" + database + "'");
  }
}
