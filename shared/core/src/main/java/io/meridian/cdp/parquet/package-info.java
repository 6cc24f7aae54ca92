/**
 * Writes and reads flat Parquet files with ZSTD compression without any Hadoop class at runtime: a
 * {@link io.meridian.cdp.parquet.TableSchema} of typed {@link io.meridian.cdp.parquet.Column}s maps
 * to a Parquet message type (strings, JSON text, UTC microsecond timestamps, 64/32-bit integers,
 * doubles and booleans), {@link io.meridian.cdp.parquet.ParquetFiles#create} returns a {@link
 * io.meridian.cdp.parquet.RowWriter} that takes rows as {@code Object[]} in column order, and
 * {@link io.meridian.cdp.parquet.ParquetFiles#readAll} reads such a file back for tests and small
 * tools. Compression runs through zstd-jni, the file I/O through {@code java.nio.file}, and
 * parquet-java is configured with a plain (non-Hadoop) configuration throughout. {@link
 * io.meridian.cdp.parquet.ParquetFiles#createFlat} is a faster writer of our own for flat tables of
 * text, JSON, timestamp and INT64 columns (ADR 0023), used for {@code clean.events}.
 */
package io.meridian.cdp.parquet;
