package io.meridian.cdp.sql;

/** Runs analyst SQL against the lake's tables. */
public interface SqlEngine extends AutoCloseable {
  /**
   * Runs one statement.
   *
   * @throws SqlException with the engine's message when the statement fails
   */
  QueryResult query(String sql) throws SqlException;

  @Override
  void close() throws SqlException;
}
