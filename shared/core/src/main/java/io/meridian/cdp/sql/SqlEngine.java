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

  @Override
  void close() throws SqlException;
}
