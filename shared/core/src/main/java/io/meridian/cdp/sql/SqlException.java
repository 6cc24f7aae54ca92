package io.meridian.cdp.sql;

/** A statement failed; the message is the engine's, meant for the person who wrote the SQL. */
public final class SqlException extends Exception {
  private static final long serialVersionUID = 1L;

  public SqlException(String message, Throwable cause) {
    super(message, cause);
  }
}
