package io.meridian.cdp.local;

import io.meridian.cdp.identity.AudienceTraits;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedTables;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.parquet.Column;
import io.meridian.cdp.parquet.ColumnType;
import io.meridian.cdp.parquet.TableSchema;
import io.meridian.cdp.segment.SegmentTables;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlEngine;
import io.meridian.cdp.sql.SqlException;
import io.meridian.cdp.tenant.Ids;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * DuckDB (in-process, in-memory) with one view per lake table, named like the Glue tables: {@code
 * raw.events}, {@code clean.events}, {@code quarantine.records}, {@code ops.accounting} and the
 * {@code curated} tables (each tenant's snapshot in force, found through its pointer). Views read
 * the lake's files directly; a table with no files yet is an empty view with the same columns.
 */
public final class DuckDbSqlEngine implements SqlEngine {
  static final String RAW_COLUMNS =
      "v INTEGER, tenant VARCHAR, source VARCHAR, messageId VARCHAR, type VARCHAR, receivedAt"
          + " TIMESTAMPTZ, requestId VARCHAR, batch VARCHAR, payload VARCHAR";

  private final Connection connection;
  private final Scope scope;

  /** Opens DuckDB over the lake rooted at {@code lakeRoot}: every tenant's data. */
  public DuckDbSqlEngine(Path lakeRoot) throws SqlException {
    this(new Scope(lakeRoot.toAbsolutePath(), null));
  }

  /**
   * Opens DuckDB over one tenant's data only: the views read that tenant's files alone, and DuckDB
   * is then locked so that no statement can read any other file (its external access is limited to
   * the tenant's directories of the lake and its configuration cannot be changed back). Another
   * tenant's rows are not filtered out of a result — they are never read.
   */
  public static DuckDbSqlEngine forTenant(Path lakeRoot, String tenant) throws SqlException {
    return new DuckDbSqlEngine(new Scope(lakeRoot.toAbsolutePath(), Ids.require("tenant", tenant)));
  }

  private DuckDbSqlEngine(Scope root) throws SqlException {
    this.scope = root;
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      connection = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement s = connection.createStatement()) {
        s.execute("SET TimeZone = 'UTC'");
        for (String schema : List.of("raw", "clean", "quarantine", "ops", "curated")) {
          s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
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
        for (String view : curatedViews(root)) {
          s.execute(view);
        }
        if (root.tenant() != null) {
          lockTo(s, root);
        }
      }
    } catch (SQLException | ClassNotFoundException | java.io.IOException e) {
      throw new SqlException(
          "could not open DuckDB over " + root.root() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The lake, or one tenant's part of it: where the views find their files. Every zone is
   * partitioned by {@code tenant=} right under its prefix, except accounting ({@code
   * stage=/tenant=}), whose globs {@link #accountingGlobs} lists.
   */
  private record Scope(Path root, String tenant) {
    Path resolve(String prefix) {
      return root.resolve(prefix);
    }

    /** The files of a zone under {@code prefix} (and the tenant's partition) ending in suffix. */
    String glob(String prefix, String suffix) {
      Path dir = tenant == null ? root.resolve(prefix) : root.resolve(prefix + "tenant=" + tenant);
      return dir + "/**/*" + suffix;
    }

    boolean hasFiles(String prefix, String suffix) {
      return DuckDbSqlEngine.hasFiles(
          root, tenant == null ? prefix : prefix + "tenant=" + tenant + "/", suffix);
    }

    boolean holds(String key) {
      return tenant == null || key.contains("/tenant=" + tenant + "/");
    }
  }

  /** Limits DuckDB's file access to the tenant's directories, for good. */
  private static void lockTo(Statement s, Scope scope) throws SQLException, java.io.IOException {
    List<String> dirs = new ArrayList<>();
    for (String prefix :
        List.of(
            LakeLayout.RAW,
            LakeLayout.CLEAN_EVENTS,
            LakeLayout.QUARANTINE_RECORDS,
            "curated/event_identifiers/",
            CuratedStore.POINTERS + AudienceTraits.TABLE.substring(1) + "/",
            "_ops/curation/")) {
      dirs.add(scope.resolve(prefix + "tenant=" + scope.tenant()) + "/");
    }
    for (String parent : List.of("curated/", LakeLayout.ACCOUNTING)) {
      Path dir = scope.resolve(parent);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> children = Files.list(dir)) {
          children
              .filter(Files::isDirectory)
              .forEach(c -> dirs.add(c.resolve("tenant=" + scope.tenant()) + "/"));
        }
      }
    }
    StringBuilder list = new StringBuilder("[");
    for (String d : dirs) {
      list.append(list.length() > 1 ? ", " : "").append(literal(d));
    }
    s.execute("SET allowed_directories = " + list.append(']'));
    s.execute("SET enable_external_access = false");
    s.execute("SET lock_configuration = true");
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

  private static String rawView(Scope root) {
    String columns =
        "tenant, source, messageId AS message_id, type, receivedAt AS received_at, requestId AS"
            + " request_id, batch, payload, CAST(receivedAt AS DATE) AS dt";
    if (!root.hasFiles(LakeLayout.RAW, ".jsonl.gz")) {
      return "CREATE OR REPLACE VIEW raw.events AS SELECT NULL::VARCHAR AS tenant, NULL::VARCHAR"
          + " AS source, NULL::VARCHAR AS message_id, NULL::VARCHAR AS type, NULL::TIMESTAMPTZ AS"
          + " received_at, NULL::VARCHAR AS request_id, NULL::VARCHAR AS batch, NULL::VARCHAR AS"
          + " payload, NULL::DATE AS dt WHERE false";
    }
    String glob = literal(root.glob(LakeLayout.RAW, ".jsonl.gz"));
    return "CREATE OR REPLACE VIEW raw.events AS SELECT "
        + columns
        + " FROM read_json("
        + glob
        + ", format='newline_delimited', compression='gzip', hive_partitioning=false, columns={"
        + RAW_COLUMNS.replaceAll("(\\w+) ([A-Z]+)", "$1: '$2'")
        + "})";
  }

  private static String parquetView(
      Scope root, String view, String prefix, String columns, String emptyColumns) {
    if (!root.hasFiles(prefix, ".parquet")) {
      return "CREATE OR REPLACE VIEW " + view + " AS SELECT " + emptyColumns + " WHERE false";
    }
    String glob = literal(root.glob(prefix, ".parquet"));
    return "CREATE OR REPLACE VIEW "
        + view
        + " AS SELECT "
        + columns
        + " FROM (SELECT * FROM read_parquet("
        + glob
        + ", hive_partitioning=true, hive_types={'tenant': VARCHAR, 'dt': DATE},"
        + " union_by_name=true)"
        + withAllColumns(emptyColumns)
        + ")";
  }

  /**
   * Tables only ever gain columns (docs/TABLES.md): files written before a column existed read it
   * as NULL, by a union by name with an empty relation of every column.
   */
  private static String withAllColumns(String emptyColumns) {
    return " UNION ALL BY NAME SELECT " + emptyColumns + " WHERE false";
  }

  /** Curated tables: each tenant's snapshot in force, found through its pointer. */
  private static List<String> curatedViews(Scope root) throws SQLException {
    List<String> views = new ArrayList<>();
    try {
      CuratedStore store =
          new CuratedStore(new LocalFileObjectStore(root.root()), root.resolve("_tmp"));
      for (TableSchema table :
          List.of(
              CuratedTables.IDENTITY_GRAPH,
              CuratedTables.PROFILE_MERGES,
              CuratedTables.BLOCKED_MERGES,
              CuratedTables.PROFILES,
              CuratedTables.CONSENT_HISTORY)) {
        views.add(
            snapshotView(root, store.currentFiles(table.name()), "curated." + table.name(), table));
      }
      views.add(
          snapshotView(
              root,
              store.currentFiles(SegmentTables.MEMBERSHIP.name()),
              "curated.segment_membership",
              SegmentTables.MEMBERSHIP));
      views.add(
          snapshotView(
              root,
              store.historyFiles(SegmentTables.CHANGES.name(), SegmentTables.STEP),
              "curated.segment_changes",
              SegmentTables.CHANGES));
    } catch (java.io.IOException e) {
      throw new SQLException("could not read the curated zone's pointers: " + e.getMessage(), e);
    }
    views.add(
        parquetView(
            root,
            "curated.event_identifiers",
            "curated/event_identifiers/",
            "tenant, message_id, identifier_type, identifier, dt",
            "NULL::VARCHAR AS tenant, NULL::VARCHAR AS message_id, NULL::VARCHAR AS"
                + " identifier_type, NULL::VARCHAR AS identifier, NULL::DATE AS dt"));
    if (root.hasFiles("_ops/curation/", ".json")) {
      views.add(
          "CREATE OR REPLACE VIEW ops.curation AS SELECT tenant, snapshot, rebuilt, filesRead AS"
              + " files_read, events, eventsWithoutIdentifier AS events_without_identifier,"
              + " eventsOnSharedIdentifier AS events_on_shared_identifier, refused,"
              + " identifiers, profiles, merges, blockedMerges AS blocked_merges FROM read_json("
              + literal(root.glob("_ops/curation/", ".json"))
              + ", format='auto', hive_partitioning=false, union_by_name=true, columns={tenant:"
              + " 'VARCHAR', snapshot: 'INTEGER', rebuilt: 'BOOLEAN', filesRead: 'INTEGER', events:"
              + " 'BIGINT', eventsWithoutIdentifier: 'BIGINT', eventsOnSharedIdentifier: 'BIGINT',"
              + " refused: 'JSON', identifiers:"
              + " 'BIGINT', profiles: 'BIGINT', merges: 'BIGINT', blockedMerges: 'BIGINT'})");
    } else {
      views.add(
          "CREATE OR REPLACE VIEW ops.curation AS SELECT NULL::VARCHAR AS tenant, NULL::INTEGER AS"
              + " snapshot, NULL::BOOLEAN AS rebuilt, NULL::INTEGER AS files_read, NULL::BIGINT AS"
              + " events, NULL::BIGINT AS events_without_identifier, NULL::BIGINT AS"
              + " events_on_shared_identifier, NULL::JSON AS refused,"
              + " NULL::BIGINT AS identifiers, NULL::BIGINT AS profiles, NULL::BIGINT AS merges,"
              + " NULL::BIGINT AS blocked_merges WHERE false");
    }
    views.add(
        "CREATE OR REPLACE VIEW curated.event_profiles AS SELECT e.tenant, e.message_id,"
            + " g.profile_id, e.dt FROM curated.event_identifiers e JOIN curated.identity_graph g"
            + " ON g.tenant = e.tenant AND g.identifier_type = e.identifier_type AND g.identifier"
            + " = e.identifier");
    return views;
  }

  /** A view over one snapshot file per tenant, with the table's columns and the tenant. */
  private static String snapshotView(
      Scope root, List<String> keys, String view, TableSchema table) {
    StringBuilder columns = new StringBuilder("tenant");
    StringBuilder emptyColumns = new StringBuilder("NULL::VARCHAR AS tenant");
    for (Column c : table.columns()) {
      columns.append(", ").append(c.name());
      emptyColumns.append(", NULL::").append(duckType(c.type())).append(" AS ").append(c.name());
    }
    return snapshotView(root, keys, view, columns.toString(), emptyColumns.toString());
  }

  /** The DuckDB type of a column type, as DuckDB reads it from our Parquet files. */
  static String duckType(ColumnType type) {
    return switch (type) {
      case STRING -> "VARCHAR";
      case JSON -> "JSON";
      case TIMESTAMP -> "TIMESTAMPTZ";
      case INT64 -> "BIGINT";
      case INT32 -> "INTEGER";
      case DOUBLE -> "DOUBLE";
      case BOOLEAN -> "BOOLEAN";
    };
  }

  private static String snapshotView(
      Scope root, List<String> allKeys, String view, String columns, String emptyColumns) {
    List<String> keys = allKeys.stream().filter(root::holds).toList();
    if (keys.isEmpty()) {
      return "CREATE OR REPLACE VIEW " + view + " AS SELECT " + emptyColumns + " WHERE false";
    }
    StringBuilder files = new StringBuilder("[");
    for (String key : keys) {
      // a snapshot written by unload() is a directory of files (its pointer names the directory)
      String file = root.resolve(key) + (key.endsWith("/") ? "/**/*.parquet" : "");
      files.append(files.length() > 1 ? ", " : "").append(literal(file));
    }
    files.append(']');
    return "CREATE OR REPLACE VIEW "
        + view
        + " AS SELECT "
        + columns
        + " FROM (SELECT * FROM read_parquet("
        + files
        + ", hive_partitioning=true, hive_types={'tenant': VARCHAR, 'snapshot': VARCHAR},"
        + " union_by_name=true)"
        + withAllColumns(emptyColumns)
        + ")";
  }

  /** The accounting files of every stage: {@code _ops/accounting/stage=S/tenant=T/dt=D/}. */
  private static String accountingGlobs(Scope root) {
    if (root.tenant() == null) {
      return literal(root.resolve(LakeLayout.ACCOUNTING) + "/**/*.json");
    }
    List<String> globs = new ArrayList<>();
    try (Stream<Path> stages = Files.list(root.resolve(LakeLayout.ACCOUNTING))) {
      stages
          .map(stage -> stage.resolve("tenant=" + root.tenant()))
          .filter(Files::isDirectory)
          .forEach(dir -> globs.add(literal(dir + "/**/*.json")));
    } catch (java.io.IOException e) {
      return "[]";
    }
    return "[" + String.join(", ", globs) + "]";
  }

  private static boolean hasAccounting(Scope root) {
    return root.tenant() == null
        ? hasFiles(root.root(), LakeLayout.ACCOUNTING, ".json")
        : !accountingGlobs(root).equals("[]");
  }

  private static String accountingView(Scope root) {
    if (!hasAccounting(root)) {
      return "CREATE OR REPLACE VIEW ops.accounting AS SELECT NULL::VARCHAR AS stage,"
          + " NULL::VARCHAR AS tenant, NULL::VARCHAR AS source, NULL::VARCHAR AS unit,"
          + " NULL::BIGINT AS input, NULL::BIGINT AS output, NULL::JSON AS quarantined,"
          + " NULL::BIGINT AS quarantined_total, NULL::BIGINT AS duplicates, NULL::TIMESTAMPTZ AS"
          + " finished_at, NULL::DATE AS dt, NULL::JSON AS pii WHERE false";
    }
    String glob = accountingGlobs(root);
    return "CREATE OR REPLACE VIEW ops.accounting AS SELECT stage, tenant, source, unit, input,"
        + " output, quarantined, input - output - duplicates AS quarantined_total, duplicates,"
        + " finishedAt AS finished_at, dt, pii FROM read_json("
        + glob
        + ", format='auto', hive_partitioning=true, hive_types={'stage': VARCHAR, 'tenant':"
        + " VARCHAR, 'dt': DATE}, union_by_name=true, columns={stage: 'VARCHAR', tenant:"
        + " 'VARCHAR', source: 'VARCHAR', unit: 'VARCHAR', input: 'BIGINT', output: 'BIGINT',"
        + " quarantined: 'JSON', duplicates: 'BIGINT', finishedAt: 'TIMESTAMPTZ', pii: 'JSON'})";
  }

  @Override
  public QueryResult query(String sql) throws SqlException {
    try (Statement s = connection.createStatement()) {
      return result(s, s.execute(sql));
    } catch (SQLException e) {
      throw new SqlException(firstLine(e.getMessage()), e);
    }
  }

  @Override
  public QueryResult query(String sql, List<Object> parameters) throws SqlException {
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      int expected = s.getParameterMetaData().getParameterCount();
      if (expected != parameters.size()) {
        throw new IllegalArgumentException(
            "the statement has "
                + expected
                + " parameters but "
                + parameters.size()
                + " values were given");
      }
      for (int i = 0; i < parameters.size(); i++) {
        bind(s, i + 1, parameters.get(i));
      }
      return result(s, s.execute());
    } catch (SQLException e) {
      throw new SqlException(firstLine(e.getMessage()), e);
    }
  }

  /**
   * {@code COPY (query) TO '<lake>/<location>part-0.parquet'}: one ZSTD Parquet file in the
   * location's directory (created), parameters bound as in {@link #query(String, List)}.
   */
  @Override
  public void unload(String sql, List<Object> parameters, String location) throws SqlException {
    if (!location.endsWith("/") || location.startsWith("/") || location.contains("..")) {
      throw new IllegalArgumentException("unload location must be a lake key prefix: " + location);
    }
    Path dir = scope.resolve(location);
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new SqlException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    query(
        "COPY ("
            + sql
            + ") TO "
            + literal(dir.resolve("part-0.parquet").toString())
            + " (FORMAT PARQUET, COMPRESSION ZSTD)",
        parameters);
  }

  /**
   * Snapshots of the curated tables as DuckDB reads them for {@code SegmentStatements}: the Parquet
   * files of one tenant's snapshot directory and its sub-directories, with {@code tenant}; an empty
   * relation with the table's columns when the directory holds none.
   */
  public static io.meridian.cdp.segment.SegmentStatements.Relations snapshots(Path lakeRoot) {
    Path root = lakeRoot.toAbsolutePath();
    return new io.meridian.cdp.segment.SegmentStatements.Relations() {
      @Override
      public io.meridian.cdp.segment.SqlDialect dialect() {
        return io.meridian.cdp.segment.SqlDialect.DUCKDB;
      }

      @Override
      public String snapshot(String table, String tenant, int snapshot) {
        String dir =
            io.meridian.cdp.identity.CuratedStore.tablePrefix(table, tenant)
                + "snapshot="
                + io.meridian.cdp.identity.CuratedStore.snapshotName(snapshot)
                + "/";
        if (!hasFiles(root, dir, ".parquet") && table.equals(AudienceTraits.TABLE)) {
          throw new IllegalStateException(
              "no files of " + table + " of tenant " + tenant + " in " + dir);
        }
        if (!hasFiles(root, dir, ".parquet")) {
          TableSchema schema = curatedSchema(table);
          StringBuilder empty = new StringBuilder("(SELECT NULL::VARCHAR AS tenant");
          for (Column c : schema.columns()) {
            empty.append(", NULL::").append(duckType(c.type())).append(" AS ").append(c.name());
          }
          return empty.append(" WHERE false)").toString();
        }
        return "(SELECT * FROM read_parquet("
            + literal(root.resolve(dir) + "/**/*.parquet")
            + ", hive_partitioning=true, hive_types={'tenant': VARCHAR, 'snapshot': VARCHAR}))";
      }
    };
  }

  private static TableSchema curatedSchema(String table) {
    for (TableSchema t :
        List.of(
            io.meridian.cdp.identity.CuratedTables.PROFILES,
            io.meridian.cdp.identity.CuratedTables.IDENTITY_GRAPH,
            io.meridian.cdp.segment.SegmentTables.MEMBERSHIP,
            io.meridian.cdp.segment.SegmentTables.CHANGES)) {
      if (t.name().equals(table)) {
        return t;
      }
    }
    throw new IllegalArgumentException("not a curated snapshot table: " + table);
  }

  private static void bind(PreparedStatement s, int index, Object value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.NULL);
    } else if (value instanceof String v) {
      s.setString(index, v);
    } else if (value instanceof Long v) {
      s.setLong(index, v);
    } else if (value instanceof Integer v) {
      s.setInt(index, v);
    } else if (value instanceof Double v) {
      s.setDouble(index, v);
    } else if (value instanceof BigDecimal v) {
      s.setBigDecimal(index, v);
    } else if (value instanceof Boolean v) {
      s.setBoolean(index, v);
    } else if (value instanceof Instant v) {
      s.setObject(index, v.atOffset(ZoneOffset.UTC));
    } else if (value instanceof OffsetDateTime v) {
      s.setObject(index, v);
    } else if (value instanceof LocalDate v) {
      s.setObject(index, v);
    } else {
      throw new IllegalArgumentException(
          "parameter " + index + " has unsupported type " + value.getClass().getName());
    }
  }

  private static QueryResult result(Statement s, boolean hasRows) throws SQLException {
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
