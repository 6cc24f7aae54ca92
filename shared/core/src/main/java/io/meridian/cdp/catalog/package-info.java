/**
 * The lake's tables as a data catalog holds them: {@link io.meridian.cdp.catalog.LakeTables} (the
 * databases {@code cdp_raw}, {@code cdp_clean}, {@code cdp_curated} and their tables, generated
 * from the core's table schemas with comments from docs/TABLES.md), {@link
 * io.meridian.cdp.catalog.TableDefinition} (one table over a given lake) and the {@link
 * io.meridian.cdp.catalog.TableCatalog} port (Glue on AWS, JSON files locally; ADR 0035). The CDK
 * app declares its Glue tables from the same definitions.
 */
package io.meridian.cdp.catalog;
