package io.meridian.cdp.segment;

/** The SQL engines segments compile for. */
public enum SqlDialect {
  /** Local mode: DuckDB views {@code curated.profiles}, {@code clean.events}, ... */
  DUCKDB,
  /** AWS: Athena (Trino dialect) over the Glue databases {@code cdp_curated}, {@code cdp_clean}. */
  TRINO
}
