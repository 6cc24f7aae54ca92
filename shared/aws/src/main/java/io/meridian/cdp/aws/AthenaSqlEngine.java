package io.meridian.cdp.aws;

import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlEngine;
import io.meridian.cdp.sql.SqlException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecutionContext;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.QueryExecutionStatus;
import software.amazon.awssdk.services.athena.model.Row;

/**
 * {@link SqlEngine} on Amazon Athena (Trino dialect) through a workgroup — the AWS twin of the
 * local DuckDB engine. Parameters travel as Athena execution parameters, each rendered as a SQL
 * literal (strings quoted with {@code '} doubled), so a value can never become SQL. Results are
 * typed from the result set's column types.
 */
public final class AthenaSqlEngine implements SqlEngine {
  private static final DateTimeFormatter LITERAL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RESULT_TIME =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  private final AthenaClient athena;
  private final String workGroup;
  private final Duration timeout;
  private final String lakeBucket;

  /**
   * @param workGroup the workgroup whose settings (result location, encryption, bytes-scanned
   *     cutoff) apply
   * @param timeout the longest one query may take before it is given up
   */
  public AthenaSqlEngine(AthenaClient athena, String workGroup, Duration timeout) {
    this(athena, workGroup, timeout, null);
  }

  /**
   * @param lakeBucket the bucket {@link #unload} writes to: locations are its keys
   */
  public AthenaSqlEngine(
      AthenaClient athena, String workGroup, Duration timeout, String lakeBucket) {
    this.athena = athena;
    this.workGroup = workGroup;
    this.timeout = timeout;
    this.lakeBucket = lakeBucket;
  }

  @Override
  public QueryResult query(String sql) throws SqlException {
    return query(sql, List.of());
  }

  @Override
  public QueryResult query(String sql, List<Object> parameters) throws SqlException {
    try {
      String id = run(sql, parameters);
      return results(id);
    } catch (SdkException e) {
      throw new SqlException("Athena could not run the query: " + e.getMessage(), e);
    }
  }

  /**
   * {@code UNLOAD (query) TO 's3://<lake bucket>/<location>' WITH (format = 'PARQUET', compression
   * = 'ZSTD')}, parameters passed as execution parameters like {@link #query(String, List)}. Athena
   * names the files; it writes them with the caller's permissions and fails when the location is
   * not empty. Its manifest and metadata go to the workgroup's result location.
   */
  @Override
  public void unload(String sql, List<Object> parameters, String location) throws SqlException {
    if (lakeBucket == null) {
      throw new IllegalStateException("this engine was made without the lake bucket to unload to");
    }
    try {
      run(unloadStatement(sql, lakeBucket, location), parameters);
    } catch (SdkException e) {
      throw new SqlException("Athena could not unload the query: " + e.getMessage(), e);
    }
  }

  /** The UNLOAD statement of a query writing to {@code location} of {@code bucket}. */
  static String unloadStatement(String sql, String bucket, String location) {
    if (!location.endsWith("/")
        || location.startsWith("/")
        || !location.matches("[A-Za-z0-9=/_.-]+")
        || location.contains("..")
        || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("not an unload location: s3://" + bucket + "/" + location);
    }
    return "UNLOAD (\n"
        + sql
        + "\n) TO 's3://"
        + bucket
        + "/"
        + location
        + "' WITH (format = 'PARQUET', compression = 'ZSTD')";
  }

  /** Starts one statement and waits until it succeeded; returns its execution id. */
  private String run(String sql, List<Object> parameters) throws SqlException {
    var request =
        software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest.builder()
            .queryString(sql)
            .workGroup(workGroup)
            .queryExecutionContext(
                QueryExecutionContext.builder().catalog("AwsDataCatalog").build());
    if (!parameters.isEmpty()) {
      request.executionParameters(parameters.stream().map(AthenaSqlEngine::literal).toList());
    }
    String id = athena.startQueryExecution(request.build()).queryExecutionId();
    awaitSuccess(id);
    return id;
  }

  /** A parameter as the SQL literal Athena substitutes for its {@code ?}. */
  static String literal(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof String s) {
      return "'" + s.replace("'", "''") + "'";
    }
    if (value instanceof Boolean b) {
      return b.toString().toUpperCase(Locale.ROOT);
    }
    if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      throw new IllegalArgumentException("a query parameter must be a finite number, not " + d);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Double) {
      return value.toString();
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Instant t) {
      return "TIMESTAMP '" + LITERAL_TIME.format(t) + " UTC'";
    }
    if (value instanceof OffsetDateTime t) {
      return "TIMESTAMP '" + LITERAL_TIME.format(t.toInstant()) + " UTC'";
    }
    if (value instanceof LocalDate d) {
      return "DATE '" + d + "'";
    }
    throw new IllegalArgumentException(
        "unsupported query parameter type " + value.getClass().getName());
  }

  private void awaitSuccess(String id) throws SqlException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long waitMillis = 100;
    while (true) {
      QueryExecutionStatus status =
          athena.getQueryExecution(r -> r.queryExecutionId(id)).queryExecution().status();
      QueryExecutionState state = status.state();
      if (state == QueryExecutionState.SUCCEEDED) {
        return;
      }
      if (state == QueryExecutionState.FAILED || state == QueryExecutionState.CANCELLED) {
        throw new SqlException(
            "Athena query "
                + id
                + " "
                + state.toString().toLowerCase(Locale.ROOT)
                + ": "
                + status.stateChangeReason(),
            null);
      }
      if (System.nanoTime() > deadline) {
        athena.stopQueryExecution(r -> r.queryExecutionId(id));
        throw new SqlException(
            "Athena query " + id + " did not finish within " + timeout + "; it was stopped", null);
      }
      try {
        Thread.sleep(waitMillis); // polling is how Athena reports completion
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SqlException("interrupted while waiting for Athena query " + id, e);
      }
      waitMillis = Math.min(1_000, waitMillis * 2);
    }
  }

  private QueryResult results(String id) {
    List<String> columns = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<List<Object>> rows = new ArrayList<>();
    boolean first = true;
    for (GetQueryResultsResponse page :
        athena.getQueryResultsPaginator(r -> r.queryExecutionId(id))) {
      List<ColumnInfo> info = page.resultSet().resultSetMetadata().columnInfo();
      if (columns.isEmpty()) {
        info.forEach(c -> columns.add(c.name()));
        info.forEach(c -> types.add(c.type()));
      }
      for (Row row : page.resultSet().rows()) {
        if (first) {
          first = false;
          if (isHeader(row, columns)) {
            continue; // a SELECT's first row repeats the column names
          }
        }
        List<Object> values = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
          Datum d = i < row.data().size() ? row.data().get(i) : null;
          values.add(d == null ? null : value(d.varCharValue(), types.get(i)));
        }
        rows.add(values);
      }
    }
    return new QueryResult(columns, types, rows);
  }

  private static boolean isHeader(Row row, List<String> columns) {
    if (row.data().size() != columns.size()) {
      return false;
    }
    for (int i = 0; i < columns.size(); i++) {
      if (!columns.get(i).equals(row.data().get(i).varCharValue())) {
        return false;
      }
    }
    return true;
  }

  /** A result value typed by its Athena column type. */
  static Object value(String text, String type) {
    if (text == null) {
      return null;
    }
    String t = type == null ? "varchar" : type.toLowerCase(Locale.ROOT);
    return switch (t) {
      case "bigint" -> Long.parseLong(text);
      case "integer", "int", "smallint", "tinyint" -> Integer.parseInt(text);
      case "double", "float", "real" -> Double.parseDouble(text);
      case "boolean" -> Boolean.parseBoolean(text);
      case "decimal" -> new BigDecimal(text);
      case "date" -> LocalDate.parse(text);
      case "timestamp", "timestamp with time zone" -> timestamp(text);
      default -> text;
    };
  }

  private static Instant timestamp(String text) {
    String t = text.endsWith(" UTC") ? text.substring(0, text.length() - 4) : text;
    return LocalDateTime.parse(t, RESULT_TIME).toInstant(ZoneOffset.UTC);
  }

  @Override
  public void close() {
    athena.close();
  }
}
