package io.meridian.cdp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.segment.Segment;
import io.meridian.cdp.segment.SegmentCompiler;
import io.meridian.cdp.segment.SegmentDefinitions;
import io.meridian.cdp.segment.SegmentQuery;
import io.meridian.cdp.segment.Segments;
import io.meridian.cdp.segment.SqlDialect;
import io.meridian.cdp.sql.QueryResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Segment computation speed: a synthetic {@code curated.profiles} table of N profiles written as
 * Parquet by DuckDB, then (a) one typical 4-condition audience through our path (compile + {@code
 * SqlEngine.query} with bound parameters, result materialized) beside DuckDB running the same SQL
 * with the values written in as literals over plain JDBC, and (b) 100 generated audiences one after
 * the other in one run.
 */
@Command(
    name = "segments",
    mixinStandardHelpOptions = true,
    description =
        "Segment computation speed over a synthetic curated.profiles table, beside raw DuckDB.")
final class SegmentBench implements Callable<Integer> {
  static final String TENANT = "bench";
  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

  @Spec CommandSpec spec;

  @Option(
      names = "--profiles",
      description = "Profiles in the table. Default: ${DEFAULT-VALUE}",
      defaultValue = "20000000")
  long profiles;

  @Option(
      names = "--audiences",
      description = "Audiences of the many-audience run. Default: ${DEFAULT-VALUE}",
      defaultValue = "100")
  int audiences;

  @Option(
      names = "--repeat",
      description =
          "Timed runs of the typical audience (median reported). Default: ${DEFAULT-VALUE}",
      defaultValue = "5")
  int repeat;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description =
          "Keep the generated table in DIR and reuse it when it is there (default: a temporary"
              + " directory, deleted)")
  Path work;

  static final String TYPICAL =
      """
      - id: typical
        name: Engaged paying customers outside test accounts
        where:
          all:
            - {computed: last_seen, within_last: 30d}
            - {computed: lifetime_revenue, gte: 100}
            - {trait: plan, in: [pro, enterprise]}
            - not: {trait: email, ends_with: "@test.example", ignore_case: true}
      """;

  @Override
  public Integer call() throws Exception {
    if (profiles < 1 || audiences < 1 || repeat < 1) {
      throw new Cdp.UserError("--profiles, --audiences and --repeat must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path dir = work != null ? work : Files.createTempDirectory("cdp-bench-segments");
    Files.createDirectories(dir);
    try {
      out.printf(
          "cdp bench segments: %,d profiles, %d cores, Java %s, max heap %d MB%n",
          profiles,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          Runtime.getRuntime().maxMemory() >> 20);
      Path file = dir.resolve("profiles-" + profiles + ".parquet");
      String view =
          "CREATE OR REPLACE VIEW curated.profiles AS SELECT * FROM read_parquet('"
              + file.toString().replace("'", "''")
              + "')";
      try (DuckDbSqlEngine engine = new DuckDbSqlEngine(dir.resolve("lake"));
          Connection raw = DriverManager.getConnection("jdbc:duckdb:")) {
        long t = System.nanoTime();
        if (Files.exists(file)) {
          out.printf("table: %s reused, %,d bytes%n", file, Files.size(file));
        } else {
          Path tmp = dir.resolve(file.getFileName() + ".tmp");
          engine.query(generate(profiles, tmp));
          Files.move(tmp, file);
          out.printf(
              "table: %s written by DuckDB in %.1f s, %,d bytes%n",
              file.getFileName(), seconds(t), Files.size(file));
        }
        engine.query(view);
        try (Statement s = raw.createStatement()) {
          s.execute("SET TimeZone = 'UTC'");
          s.execute("CREATE SCHEMA curated");
          s.execute(view);
        }
        out.flush();

        // (a) one typical audience, alone
        Segments typical = SegmentDefinitions.parse(nodes(TYPICAL));
        Segment segment = typical.find("typical").orElseThrow();
        SegmentCompiler compiler = new SegmentCompiler(SqlDialect.DUCKDB);
        out.printf("(a) typical audience: %s%n", segment.condition().describe());
        SegmentQuery warm = compiler.members(TENANT, segment, typical, NOW);
        engine.query(warm.sql(), warm.parameters()); // warms the file cache and DuckDB's metadata
        double[] ours = new double[repeat];
        double[] direct = new double[repeat];
        double[] compile = new double[repeat];
        long members = -1;
        for (int i = 0; i < repeat; i++) {
          t = System.nanoTime();
          SegmentQuery q = compiler.members(TENANT, segment, typical, NOW);
          compile[i] = seconds(t);
          QueryResult r = engine.query(q.sql(), q.parameters());
          ours[i] = seconds(t);
          members = r.rows().size();
          t = System.nanoTime();
          long n = rawRun(raw, inline(q));
          direct[i] = seconds(t);
          check(n, members);
        }
        double[] counted = new double[repeat];
        for (int i = 0; i < repeat; i++) {
          t = System.nanoTime();
          SegmentQuery q = compiler.members(TENANT, segment, typical, NOW);
          check(
              (Long)
                  engine.query("SELECT count(*) FROM (" + q.sql() + ") m", q.parameters()).scalar(),
              members);
          counted[i] = seconds(t);
        }
        out.printf(
            "(a) alone, computed in the engine (counted, not fetched): median %.3f s (min %.3f)%n",
            median(counted), min(counted));
        out.printf(
            "(a) alone, over the Parquet table: ours (compile + SqlEngine.query, bound parameters,"
                + " ids fetched) median %.3f s (min %.3f; compile %.0f µs); raw DuckDB, same SQL"
                + " with literals, ids read over JDBC: median %.3f s (min %.3f); %,d members%n",
            median(ours), min(ours), median(compile) * 1e6, median(direct), min(direct), members);
        out.flush();

        // (a') the same audience within a run: staged table first
        t = System.nanoTime();
        SegmentCompiler.Staged staged = compiler.stage(TENANT, typical);
        engine.query(staged.create().sql(), staged.create().parameters());
        double stageTypical = seconds(t);
        stagedRaw(raw, staged, staged.members(segment, NOW));
        for (int i = 0; i < repeat; i++) {
          t = System.nanoTime();
          SegmentQuery q = staged.members(segment, NOW);
          QueryResult r = engine.query(q.sql(), q.parameters());
          ours[i] = seconds(t);
          check(r.rows().size(), members);
          t = System.nanoTime();
          check(rawRun(raw, inline(q)), members);
          direct[i] = seconds(t);
        }
        out.printf(
            "(a') staged (the traits it uses extracted once, %.2f s): ours median %.3f s (min"
                + " %.3f), raw DuckDB median %.3f s (min %.3f)%n",
            stageTypical, median(ours), min(ours), median(direct), min(direct));
        engine.query(SegmentCompiler.Staged.DROP);
        out.flush();

        // (b) many audiences in one run: stage once, then each audience computed in the engine
        Segments many = SegmentDefinitions.parse(audienceDefinitions(audiences, new Random(7)));
        t = System.nanoTime();
        SegmentCompiler.Staged run = compiler.stage(TENANT, many);
        engine.query(run.create().sql(), run.create().parameters());
        double stage = seconds(t);
        long total = 0;
        double slowest = 0;
        String slowestId = "";
        List<String> rawSql = new ArrayList<>();
        for (Segment s : many.all()) {
          long one = System.nanoTime();
          SegmentQuery q = run.members(s, NOW);
          SegmentQuery count =
              new SegmentQuery("SELECT count(*) FROM (" + q.sql() + ") m", q.parameters());
          total += (Long) engine.query(count.sql(), count.parameters()).scalar();
          rawSql.add(inline(count));
          double d = seconds(one);
          if (d > slowest) {
            slowest = d;
            slowestId = s.id() + ": " + s.condition().describe();
          }
        }
        double oursMany = seconds(t);
        double queries = oursMany - stage;
        // raw: the same statements with literals, on a connection with the same staged table
        t = System.nanoTime();
        stagedRaw(raw, run, run.members(many.all().get(0), NOW));
        long rawTotal = 0;
        for (String q : rawSql) {
          try (Statement st = raw.createStatement();
              ResultSet rs = st.executeQuery(q)) {
            rs.next();
            rawTotal += rs.getLong(1);
          }
        }
        double rawMany = seconds(t);
        check(rawTotal, total);
        out.printf(
            "(b) %d audiences in one run: ours %.2f s = staging %.2f s + %.2f s of queries (%.3f"
                + " s each on average, slowest %.3f s); raw DuckDB %.2f s (staging included);"
                + " %,d memberships in all (counted in the engine, not fetched)%n",
            many.all().size(),
            oursMany,
            stage,
            queries,
            queries / many.all().size(),
            slowest,
            rawMany,
            total);
        out.printf("    slowest: %s%n", SegmentsCommand.shorten(slowestId, 160));
        // (b') the same audiences without staging, each reading the Parquet table
        int unstaged = Math.min(many.all().size(), 10);
        t = System.nanoTime();
        for (Segment s : many.all().subList(0, unstaged)) {
          SegmentQuery q = compiler.members(TENANT, s, many, NOW);
          engine.query("SELECT count(*) FROM (" + q.sql() + ") m", q.parameters());
        }
        double perUnstaged = seconds(t) / unstaged;
        out.printf(
            "(b') without staging, each audience reads the Parquet table: %.3f s each on average"
                + " (first %d audiences)%n",
            perUnstaged, unstaged);
        out.flush();
      }
      return 0;
    } finally {
      if (work == null) {
        IngestBench.deleteTree(dir);
      }
    }
  }

  private static void check(long raw, long ours) {
    if (raw != ours) {
      throw new IllegalStateException("raw DuckDB found " + raw + " members, our path " + ours);
    }
  }

  /** Stages the run's table on the raw connection (with literals); returns the query's SQL. */
  private static String stagedRaw(Connection raw, SegmentCompiler.Staged staged, SegmentQuery q)
      throws java.sql.SQLException {
    try (Statement st = raw.createStatement()) {
      st.execute(inline(staged.create()));
    }
    return inline(q);
  }

  /** The COPY statement writing N synthetic profiles (deterministic: hashes of the row number). */
  static String generate(long n, Path file) {
    String h = "hash(i * 16 + %d)";
    return "COPY (SELECT '"
        + TENANT
        + "' AS tenant, printf('p_%020x', i) AS profile_id,"
        + " created_at, created_at + INTERVAL 1 HOUR AS updated_at, traits, identifiers,"
        + " created_at AS first_seen, last_seen, event_count, '{}' AS event_counts, active_days,"
        + " round(order_count * ("
        + h.formatted(5)
        + " % 20000) / 100.0, 2) AS lifetime_revenue, order_count,"
        + " CASE WHEN order_count > 0 THEN last_seen END AS last_order_at"
        + " FROM (SELECT i,"
        + " TIMESTAMPTZ '2026-11-20 12:00:00+00' - to_seconds(CAST("
        + h.formatted(1)
        + " % 31536000 AS BIGINT)) AS last_seen,"
        + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST("
        + h.formatted(2)
        + " % 31536000 AS BIGINT)) AS created_at,"
        + " CAST(1 + "
        + h.formatted(3)
        + " % 200 AS BIGINT) AS event_count,"
        + " CAST(1 + "
        + h.formatted(4)
        + " % 60 AS INTEGER) AS active_days,"
        + " CAST(CASE WHEN "
        + h.formatted(6)
        + " % 3 = 0 THEN "
        + h.formatted(7)
        + " % 12 ELSE 0 END AS BIGINT) AS order_count,"
        + " CAST(json_object('email', 'user' || i || CASE WHEN "
        + h.formatted(8)
        + " % 20 = 0 THEN '@test.example' ELSE '@mail.example' END, 'plan', ['free', 'pro',"
        + " 'enterprise', 'trial'][CAST("
        + h.formatted(9)
        + " % 4 AS INTEGER) + 1], 'country', ['US', 'DE', 'FR', 'SE', 'JP', 'BR'][CAST("
        + h.formatted(10)
        + " % 6 AS INTEGER) + 1], 'age', 18 + "
        + h.formatted(11)
        + " % 60, 'newsletter', "
        + h.formatted(12)
        + " % 2 = 0) AS VARCHAR) AS traits,"
        + " CAST(json_object('user_id', ['u' || i], 'email', ['user' || i || '@mail.example'])"
        + " AS VARCHAR) AS identifiers"
        + " FROM range("
        + n
        + ") t(i))) TO '"
        + file.toString().replace("'", "''")
        + "' (FORMAT PARQUET, COMPRESSION ZSTD)";
  }

  /** N audience definitions of 2 to 5 conditions over the synthetic columns. */
  static List<JsonNode> audienceDefinitions(int n, Random r) {
    StringBuilder yaml = new StringBuilder();
    for (int a = 0; a < n; a++) {
      yaml.append("- id: audience-").append(a).append("\n  where:\n    all:\n");
      int conditions = 2 + r.nextInt(4);
      for (int c = 0; c < conditions; c++) {
        yaml.append("      - ").append(condition(r, a)).append('\n');
      }
    }
    return nodes(yaml.toString());
  }

  private static final String[] PLANS = {"free", "pro", "enterprise", "trial"};
  private static final String[] COUNTRIES = {"US", "DE", "FR", "SE", "JP", "BR"};

  private static String condition(Random r, int audience) {
    return switch (r.nextInt(audience > 0 ? 11 : 10)) {
      case 0 -> "{computed: last_seen, within_last: " + (1 + r.nextInt(180)) + "d}";
      case 1 -> "{computed: lifetime_revenue, gte: " + r.nextInt(1000) + "}";
      case 2 -> "{computed: order_count, gt: " + r.nextInt(6) + "}";
      case 3 -> "{computed: event_count, lt: " + (10 + r.nextInt(190)) + "}";
      case 4 -> "{trait: plan, eq: " + PLANS[r.nextInt(PLANS.length)] + "}";
      case 5 ->
          "{trait: country, in: ["
              + COUNTRIES[r.nextInt(COUNTRIES.length)]
              + ", "
              + COUNTRIES[r.nextInt(COUNTRIES.length)]
              + "]}";
      case 6 -> "{trait: age, type: number, gte: " + (18 + r.nextInt(60)) + "}";
      case 7 -> "{not: {trait: email, ends_with: \"@test.example\"}}";
      case 8 -> "{computed: created_at, after: " + (30 + r.nextInt(600)) + "d}";
      case 9 ->
          "{any: [{computed: active_days, gte: "
              + (1 + r.nextInt(60))
              + "}, {trait: newsletter, eq: true}]}";
      default -> "{in_segment: audience-" + r.nextInt(audience) + "}";
    };
  }

  static List<JsonNode> nodes(String yaml) {
    try {
      JsonNode root =
          new com.fasterxml.jackson.databind.ObjectMapper(
                  new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
              .readTree(yaml);
      List<JsonNode> out = new ArrayList<>();
      root.forEach(out::add);
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The statement with its parameters written in as DuckDB literals: the "raw" baseline of this
   * benchmark only (never how statements are run: they are bound).
   */
  static String inline(SegmentQuery q) {
    StringBuilder out = new StringBuilder();
    int p = 0;
    for (char c : q.sql().toCharArray()) {
      if (c != '?') {
        out.append(c);
        continue;
      }
      Object v = q.parameters().get(p++);
      if (v instanceof String s) {
        out.append('\'').append(s.replace("'", "''")).append('\'');
      } else if (v instanceof Instant i) {
        out.append("TIMESTAMPTZ '").append(i).append('\'');
      } else {
        out.append(v);
      }
    }
    return out.toString();
  }

  /** Runs {@code sql} over plain JDBC and reads every row's first column; returns the rows. */
  static long rawRun(Connection c, String sql) throws java.sql.SQLException {
    long n = 0;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rs.getString(1);
        n++;
      }
    }
    return n;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static double min(double[] xs) {
    return Arrays.stream(xs).min().orElse(0);
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
