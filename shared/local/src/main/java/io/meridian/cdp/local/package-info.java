/**
 * Local-mode adapters: {@link io.meridian.cdp.local.LocalFileObjectStore} (a directory as the
 * lake), {@link io.meridian.cdp.local.Spool} (an fsync'd write-ahead log standing in for Kinesis),
 * {@link io.meridian.cdp.local.DuckDbSqlEngine} (DuckDB views over the lake, named like the Athena
 * tables), {@link io.meridian.cdp.local.LocalTableCatalog} (the lake's tables as JSON files), the
 * loopback HTTP server and the pipeline runner. Nothing here runs on AWS.
 */
package io.meridian.cdp.local;
