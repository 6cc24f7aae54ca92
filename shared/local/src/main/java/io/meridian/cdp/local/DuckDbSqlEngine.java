package io.meridian.cdp.local;

import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlEngine;
import io.meridian.cdp.sql.SqlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * DuckDB (in-process, in-memory) with one view per lake table, named like the Glue tables: {@code
 * raw.events}, {@code clean.events}, {@code quarantine.records}, {@code ops.accounting}. Views read
 * the lake's files directly; a table with no files yet is an empty view with the same columns.
 */
public final class DuckDbSqlEngine implements SqlEngine {
  static final String RAW_COLUMNS =
      "v INTEGER, tenant VARCHAR, source VARCHAR, messageId VARCHAR, type VARCHAR, receivedAt"
          + " TIMESTAMPTZ, requestId VARCHAR, batch VARCHAR, payload VARCHAR";

  private final Connection connection;

  /** Opens DuckDB over the lake rooted at {@code lakeRoot}. */
  public DuckDbSqlEngine(Path lakeRoot) throws SqlException {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      connection = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement s = connection.createStatement()) {
        s.execute("SET TimeZone = 'UTC'");
        for (String schema : List.of("raw", "clean", "quarantine", "ops")) {
          s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        Path root = lakeRoot.toAbsolutePath();
        s.execute(rawView(root));
        s.execute(
            parquetView(
                root,
                "clean.events",
                LakeLayout.CLEAN_EVENTS,
                "tenant, source, message_id, type, event, name, user_id, anonymous_id, group_id,"
                    + " previous_id, timestamp, original_timestamp, sent_at, received_at,"
                    + " properties, traits, context, integrations, dt",
                "NULL::VARCHAR AS tenant, NULL::VARCHAR AS source, NULL::VARCHAR AS message_id,"
                    + " NULL::VARCHAR AS type, NULL::VARCHAR AS event, NULL::VARCHAR AS name,"
                    + " NULL::VARCHAR AS user_id, NULL::VARCHAR AS anonymous_id, NULL::VARCHAR AS"
                    + " group_id, NULL::VARCHAR AS previous_id, NULL::TIMESTAMPTZ AS timestamp,"
                    + " NULL::TIMESTAMPTZ AS original_timestamp, NULL::TIMESTAMPTZ AS sent_at,"
                    + " NULL::TIMESTAMPTZ AS received_at, NULL::JSON AS properties, NULL::JSON AS"
                    + " traits, NULL::JSON AS context, NULL::JSON AS integrations, NULL::DATE AS"
                    + " dt"));
        s.execute(
            parquetView(
                root,
                "quarantine.records",
                LakeLayout.QUARANTINE_RECORDS,
                "tenant, source, message_id, received_at, reason, field, detail, payload,"
                    + " raw_object, dt",
                "NULL::VARCHAR AS tenant, NULL::VARCHAR AS source, NULL::VARCHAR AS message_id,"
                    + " NULL::TIMESTAMPTZ AS received_at, NULL::VARCHAR AS reason, NULL::VARCHAR"
                    + " AS field, NULL::VARCHAR AS detail, NULL::VARCHAR AS payload, NULL::VARCHAR"
                    + " AS raw_object, NULL::DATE AS dt"));
        s.execute(accountingView(root));
      }
    } catch (SQLException | ClassNotFoundException e) {
      throw new SqlException("could not open DuckDB over " + lakeRoot + ": " + e.getMessage(), e);
    }
  }

  private static boolean hasFiles(Path root, String prefix, String suffix) {
    Path dir = root.resolve(prefix);
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.anyMatch(
          p ->
              p.getFileName().toString().endsWith(suffix)
                  && !p.getFileName().toString().startsWith("."));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static String rawView(Path root) {
    String columns =
        "tenant, source, messageId AS message_id, type, receivedAt AS received_at, requestId AS"
            + " request_id, batch, payload, CAST(receivedAt AS DATE) AS dt";
    if (!hasFiles(root, LakeLayout.RAW, ".jsonl.gz")) {
      return "CREATE OR REPLACE VIEW raw.events AS SELECT NULL::VARCHAR AS tenant, NULL::VARCHAR"
          + " AS source, NULL::VARCHAR AS message_id, NULL::VARCHAR AS type, NULL::TIMESTAMPTZ AS"
          + " received_at, NULL::VARCHAR AS request_id, NULL::VARCHAR AS batch, NULL::VARCHAR AS"
          + " payload, NULL::DATE AS dt WHERE false";
    }
    String glob = literal(root.resolve(LakeLayout.RAW) + "/**/*.jsonl.gz");
    return "CREATE OR REPLACE VIEW raw.events AS SELECT "
        + columns
        + " FROM read_json("
        + glob
        + ", format='newline_delimited', compression='gzip', hive_partitioning=false, columns={"
        + RAW_COLUMNS.replaceAll("(\\w+) ([A-Z]+)", "$1: '$2'")
        + "})";
  }

  private static String parquetView(
      Path root, String view, String prefix, String columns, String emptyColumns) {
    if (!hasFiles(root, prefix, ".parquet")) {
      return "CREATE OR REPLACE VIEW " + view + " AS SELECT " + emptyColumns + " WHERE false";
    }
    String glob = literal(root.resolve(prefix) + "/**/*.parquet");
    return "CREATE OR REPLACE VIEW "
        + view
        + " AS SELECT "
        + columns
        + " FROM read_parquet("
        + glob
        + ", hive_partitioning=true, hive_types={'tenant': VARCHAR, 'dt': DATE},"
        + " union_by_name=true)";
  }

  private static String accountingView(Path root) {
    if (!hasFiles(root, LakeLayout.ACCOUNTING, ".json")) {
      return "CREATE OR REPLACE VIEW ops.accounting AS SELECT NULL::VARCHAR AS stage,"
          + " NULL::VARCHAR AS tenant, NULL::VARCHAR AS source, NULL::VARCHAR AS unit,"
          + " NULL::BIGINT AS input, NULL::BIGINT AS output, NULL::JSON AS quarantined,"
          + " NULL::BIGINT AS quarantined_total, NULL::BIGINT AS duplicates, NULL::TIMESTAMPTZ AS"
          + " finished_at, NULL::DATE AS dt WHERE false";
    }
    String glob = literal(root.resolve(LakeLayout.ACCOUNTING) + "/**/*.json");
    return "CREATE OR REPLACE VIEW ops.accounting AS SELECT stage, tenant, source, unit, input,"
        + " output, quarantined, input - output - duplicates AS quarantined_total, duplicates,"
        + " finishedAt AS finished_at, dt FROM read_json("
        + glob
        + ", format='auto', hive_partitioning=true, hive_types={'stage': VARCHAR, 'tenant':"
        + " VARCHAR, 'dt': DATE}, union_by_name=true, columns={stage: 'VARCHAR', tenant:"
        + " 'VARCHAR', source: 'VARCHAR', unit: 'VARCHAR', input: 'BIGINT', output: 'BIGINT',"
        + " quarantined: 'JSON', duplicates: 'BIGINT', finishedAt: 'TIMESTAMPTZ'})";
  }

  @Override
  public QueryResult query(String sql) throws SqlException {
    try (Statement s = connection.createStatement()) {
      boolean hasRows = s.execute(sql);
      if (!hasRows) {
        return new QueryResult(
            List.of("rows_affected"),
            List.of("BIGINT"),
            List.of(List.of((Object) (long) s.getUpdateCount())));
      }
      try (ResultSet rs = s.getResultSet()) {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          columns.add(md.getColumnLabel(i));
          types.add(md.getColumnTypeName(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
          List<Object> row = new ArrayList<>(columns.size());
          for (int i = 1; i <= columns.size(); i++) {
            row.add(value(rs, i, types.get(i - 1)));
          }
          rows.add(row);
        }
        return new QueryResult(columns, types, rows);
      }
    } catch (SQLException e) {
      throw new SqlException(firstLine(e.getMessage()), e);
    }
  }

  private static Object value(ResultSet rs, int i, String type) throws SQLException {
    Object v = rs.getObject(i);
    if (v == null) {
      return null;
    }
    if (type.startsWith("TIMESTAMP WITH TIME ZONE")) {
      return rs.getObject(i, java.time.OffsetDateTime.class).toInstant();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (v instanceof java.time.temporal.Temporal) {
      return v; // DuckDB's driver returns DATE as LocalDate and TIME as LocalTime
    }
    if (v instanceof Integer n) {
      return n.longValue();
    }
    if (v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    return v.toString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "query failed";
    }
    int nl = message.indexOf('\n');
    return nl > 0 ? message.substring(0, nl) : message;
  }

  @Override
  public void close() throws SqlException {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new SqlException(e.getMessage(), e);
    }
  }
}
