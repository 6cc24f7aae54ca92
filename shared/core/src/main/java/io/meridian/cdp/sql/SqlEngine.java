package io.meridian.cdp.sql;

/** Runs analyst SQL against the lake's tables. */
public interface SqlEngine extends AutoCloseable {
  /**
   * Runs one statement.
   *
   * @throws SqlException with the engine's message when the statement fails
   */
  QueryResult query(String sql) throws SqlException;

  /**
   * Runs one statement with positional {@code ?} parameters, bound in order. Values may be {@link
   * String}, {@link Long}, {@link Integer}, {@link Double}, {@link java.math.BigDecimal}, {@link
   * Boolean}, {@link java.time.Instant} or {@link java.time.OffsetDateTime} (both bound as a
   * timestamp with time zone), {@link java.time.LocalDate}, or null.
   *
   * @throws SqlException with the engine's message when the statement fails
   * @throws IllegalArgumentException for a value of another type, or a number of values other than
   *     the number of marks
   */
  QueryResult query(String sql, java.util.List<Object> parameters) throws SqlException;

  /**
   * Runs one query, bound like {@link #query(String, java.util.List)}, and writes its result as
   * Parquet files (ZSTD) under {@code location} instead of returning it: for results too large to
   * pass through the caller (DuckDB: {@code COPY (...) TO}, Athena: {@code UNLOAD}). The column
   * names of the files are those of the query's select list.
   *
   * @param location a key prefix of the lake, ending in {@code /}, that holds no object yet (Athena
   *     refuses to write into a non-empty location; the caller clears what a failed attempt left)
   * @throws SqlException with the engine's message when the statement fails
   */
  void unload(String sql, java.util.List<Object> parameters, String location) throws SqlException;

  @Override
  void close() throws SqlException;
}
