package io.meridian.cdp.catalog;

import java.util.Objects;

/**
 * A column of a catalog table, or one of its partition keys.
 *
 * @param type its Hive type, as Athena reads it ({@code string}, {@code bigint}, {@code date}...)
 * @param comment what it holds, from docs/TABLES.md
 */
public record CatalogColumn(String name, String type, String comment) {
  public CatalogColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(comment, "comment");
  }
}
