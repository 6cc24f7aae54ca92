package io.meridian.cdp.catalog;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A table as a {@link TableCatalog} holds it: what {@link TableCatalog#register} is given and what
 * {@link TableCatalog#describe} returns. Two definitions are equal when a query engine would read
 * the same files the same way.
 *
 * @param location where the files are, such as {@code s3://bucket/clean/events/}
 * @param partitionKeys the partition columns, in key order
 * @param parameters the table parameters (partition projection, classification), in order
 */
public record TableDefinition(
    String database,
    String name,
    String description,
    String location,
    StorageFormat storage,
    List<CatalogColumn> columns,
    List<CatalogColumn> partitionKeys,
    Map<String, String> parameters) {

  /** The names Glue keeps as given: lower case letters, digits and underscores. */
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,254}");

  public TableDefinition {
    requireName("database", database);
    requireName("table", name);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(storage, "storage");
    columns = List.copyOf(columns);
    partitionKeys = List.copyOf(partitionKeys);
    parameters = StorageFormat.ordered(parameters);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("table " + database + "." + name + " has no column");
    }
  }

  /**
   * Checks a database or table name.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static String requireName(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " name '"
              + value
              + "' is invalid: lower case letters, digits and underscores, starting with a"
              + " letter");
    }
    return value;
  }

  /** {@code database.name}. */
  public String qualifiedName() {
    return database + "." + name;
  }

  /** The same table in another database. */
  public TableDefinition inDatabase(String other) {
    return new TableDefinition(
        other, name, description, location, storage, columns, partitionKeys, parameters);
  }

  /** This table with another set of columns. */
  public TableDefinition withColumns(List<CatalogColumn> other) {
    return new TableDefinition(
        database, name, description, location, storage, other, partitionKeys, parameters);
  }
}
