package io.meridian.cdp.segment;

import io.meridian.cdp.identity.AudienceTraits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compiles segments to SQL for one {@link SqlDialect}: one statement per segment selecting the
 * distinct {@code profile_id} of one tenant's current members. Everything that comes from a
 * definition or the caller (tenant, names and paths of traits and properties, event names, values,
 * "now") is bound as a positional {@code ?} parameter; the SQL text holds only what this class
 * writes. Membership of another segment is compiled by inlining that segment's condition
 * (definitions are acyclic, see {@link Segments#of}). docs/SEGMENTS.md explains the shapes.
 */
public final class SegmentCompiler {
  private final SqlDialect dialect;
  private final String profiles;
  private final String events;
  private final String eventIdentifiers;
  private final String identityGraph;

  /** Staged mode: the column of the staging table holding each trait path's text. */
  private final Map<List<String>, String> stagedTraits;

  public SegmentCompiler(SqlDialect dialect) {
    this(dialect, null, null, Map.of());
  }

  /**
   * A compiler whose member queries read the given relations instead of the tables in force: a
   * snapshot of {@code curated.profiles} and of {@code curated.identity_graph} (SQL text written by
   * {@link SegmentStatements.Relations}, never from a definition). Athena reads Glue tables, not
   * the pointers, so every curated table must be confined to the snapshot its pointer names (ADR
   * 0017).
   */
  public static SegmentCompiler over(
      SqlDialect dialect, String profilesRelation, String identityGraphRelation) {
    return new SegmentCompiler(
        dialect,
        Objects.requireNonNull(profilesRelation, "profilesRelation"),
        Objects.requireNonNull(identityGraphRelation, "identityGraphRelation"),
        Map.of());
  }

  private SegmentCompiler(
      SqlDialect dialect, String profilesTable, Map<List<String>, String> stagedTraits) {
    this(dialect, profilesTable, null, stagedTraits);
  }

  private SegmentCompiler(
      SqlDialect dialect,
      String profilesTable,
      String identityGraphTable,
      Map<List<String>, String> stagedTraits) {
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    String curated = dialect == SqlDialect.DUCKDB ? "curated." : "cdp_curated.";
    String clean = dialect == SqlDialect.DUCKDB ? "clean." : "cdp_clean.";
    this.profiles = profilesTable != null ? profilesTable : curated + "profiles";
    this.events = clean + "events";
    this.eventIdentifiers = curated + "event_identifiers";
    this.identityGraph =
        identityGraphTable != null ? identityGraphTable : curated + "identity_graph";
    this.stagedTraits = Map.copyOf(stagedTraits);
  }

  /**
   * DuckDB, many segments of one tenant in one run: the statement that stages the tenant's profiles
   * once in a temporary table, with each trait the segments use extracted from the JSON in one
   * pass, and a compiler whose member queries read that table. Reading and parsing the {@code
   * traits} JSON is most of the cost of a segment over many profiles; staging pays it once per run
   * instead of once per segment (docs/BENCHMARKS.md).
   */
  public Staged stage(String tenant, Segments all) {
    return stage(tenant, all, AudienceTraits.Layout.none(), null);
  }

  /**
   * Like {@link #stage(String, Segments)}, but when {@code audienceTraits} — the layout of the
   * tenant's {@link AudienceTraits#TABLE} snapshot, read by {@code relation} (a parenthesized
   * relation written by the engine's adapter, with {@code tenant}) — holds every column and trait
   * the segments use, the staging statement copies them from that table: no JSON is parsed and
   * {@code curated.profiles} is not read (ADR 0032). Otherwise the traits are extracted from the
   * JSON as {@link #stage(String, Segments)} does.
   */
  public Staged stage(
      String tenant, Segments all, AudienceTraits.Layout audienceTraits, String relation) {
    if (dialect != SqlDialect.DUCKDB) {
      throw new UnsupportedOperationException("staging is for DuckDB; Athena runs members()");
    }
    Map<List<String>, String> columns = new LinkedHashMap<>();
    java.util.Set<ComputedTrait> computed = java.util.EnumSet.noneOf(ComputedTrait.class);
    for (Segment s : all.all()) {
      collectFields(s.condition(), columns, computed);
    }
    Sql create =
        new Sql()
            .sql("CREATE OR REPLACE TEMP TABLE " + Staged.TABLE + " AS SELECT tenant, profile_id");
    for (ComputedTrait c : computed) {
      create.sql(", " + c.column());
    }
    boolean fromTable =
        relation != null && audienceTraits.covers(layout(columns.keySet(), computed));
    if (fromTable) {
      for (Map.Entry<List<String>, String> c : columns.entrySet()) {
        create.sql(", " + audienceTraits.columnOf(c.getKey()) + " AS " + c.getValue());
      }
      create.sql(" FROM " + relation + " a WHERE a.tenant = ").param(tenant);
    } else {
      int k = 1;
      for (String column : columns.values()) {
        create.sql(", tv[" + k++ + "] AS " + column);
      }
      create.sql(" FROM (SELECT p.*");
      if (!columns.isEmpty()) {
        create.sql(", json_extract_string(p.traits, [");
        int i = 0;
        for (List<String> path : columns.keySet()) {
          create.sql(i++ == 0 ? "" : ", ").param(pointer(path));
        }
        create.sql("]) AS tv");
      }
      create.sql(" FROM " + profiles + " p WHERE p.tenant = ").param(tenant).sql(")");
    }
    return new Staged(
        create.build(),
        new SegmentCompiler(dialect, Staged.TABLE, columns),
        tenant,
        all,
        fromTable);
  }

  /**
   * The computed-trait columns and trait paths that {@code all} read: what the tenant's {@link
   * AudienceTraits#TABLE} should hold for a staged run of these segments to parse no JSON.
   */
  public static AudienceTraits.Layout audienceTraits(Segments all) {
    Map<List<String>, String> paths = new LinkedHashMap<>();
    java.util.Set<ComputedTrait> computed = java.util.EnumSet.noneOf(ComputedTrait.class);
    for (Segment s : all.all()) {
      collectFields(s.condition(), paths, computed);
    }
    return layout(paths.keySet(), computed);
  }

  private static AudienceTraits.Layout layout(
      java.util.Collection<List<String>> paths, java.util.Set<ComputedTrait> computed) {
    return new AudienceTraits.Layout(
        computed.stream().map(ComputedTrait::column).toList(), List.copyOf(paths));
  }

  /** The trait paths (each given a column name) and computed traits a condition reads. */
  private static void collectFields(
      Condition c, Map<List<String>, String> traits, java.util.Set<ComputedTrait> computed) {
    if (c instanceof Condition.All all) {
      all.conditions().forEach(x -> collectFields(x, traits, computed));
    } else if (c instanceof Condition.Any any) {
      any.conditions().forEach(x -> collectFields(x, traits, computed));
    } else if (c instanceof Condition.Not not) {
      collectFields(not.condition(), traits, computed);
    } else if (c instanceof Condition.Compare cmp) {
      if (cmp.field() instanceof Condition.Field.Trait t) {
        traits.computeIfAbsent(t.path(), p -> "t" + traits.size());
      } else if (cmp.field() instanceof Condition.Field.Computed ct) {
        computed.add(ct.trait());
      }
    }
  }

  /**
   * Segments of one run over a staged table (see {@link SegmentCompiler#stage}): run {@link
   * #create()} once, then {@link #members} per segment, then {@link #DROP}.
   */
  public static final class Staged {
    /** The temporary table's name. */
    public static final String TABLE = "segment_stage";

    /** Drops the temporary table. */
    public static final String DROP = "DROP TABLE IF EXISTS " + TABLE;

    private final SegmentQuery create;
    private final SegmentCompiler compiler;
    private final String tenant;
    private final Segments all;
    private final boolean fromAudienceTraits;

    Staged(
        SegmentQuery create,
        SegmentCompiler compiler,
        String tenant,
        Segments all,
        boolean fromAudienceTraits) {
      this.create = create;
      this.compiler = compiler;
      this.tenant = tenant;
      this.all = all;
      this.fromAudienceTraits = fromAudienceTraits;
    }

    /**
     * Whether {@link #create()} copies from the {@link AudienceTraits#TABLE} table (no JSON parsed)
     * rather than extracting the traits from {@code curated.profiles}.
     */
    public boolean fromAudienceTraits() {
      return fromAudienceTraits;
    }

    /** Creates (or replaces) the staging table. */
    public SegmentQuery create() {
      return create;
    }

    /** The members of {@code segment} at {@code now}, read from the staging table. */
    public SegmentQuery members(Segment segment, Instant now) {
      return compiler.members(tenant, segment, all, now);
    }
  }

  public SqlDialect dialect() {
    return dialect;
  }

  /**
   * The statement selecting the {@code profile_id} of {@code tenant}'s profiles that are members of
   * {@code segment} at {@code now}. It reads {@code curated.profiles}, which has one row per
   * profile, so the ids are distinct without asking the engine for DISTINCT (a hash aggregation
   * that would cost more than the rest of the query for large audiences).
   *
   * @param all the tenant's segments, for {@code in_segment} references
   * @param now the run's time: relative dates ({@code within_last: 30d}) count back from it
   */
  public SegmentQuery members(String tenant, Segment segment, Segments all, Instant now) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(now, "now");
    Context ctx = new Context(tenant, all, now);
    Sql sql = new Sql().sql("SELECT p.profile_id\nFROM " + profiles + " p\nWHERE p.tenant = ");
    sql.param(tenant).sql("\n  AND ");
    condition(sql, segment.condition(), ctx, 1, false);
    return sql.build();
  }

  /**
   * The statement that evaluates each condition of {@code segment} for one profile; read its result
   * with {@link Explainer#read}.
   */
  public Explainer explain(
      String tenant, Segment segment, Segments all, Instant now, String profileId) {
    Objects.requireNonNull(profileId, "profileId");
    Context ctx = new Context(tenant, all, now);
    List<Explainer.Node> leaves = new ArrayList<>();
    Explainer.Node root = Explainer.tree(segment.condition(), all, leaves);
    Sql sql = new Sql().sql("SELECT p.profile_id");
    for (Explainer.Node leaf : leaves) {
      sql.sql(",\n  ");
      condition(sql, leaf.condition(), ctx, 1, true);
      sql.sql(",\n  ");
      value(sql, leaf.condition(), ctx);
    }
    sql.sql("\nFROM " + profiles + " p\nWHERE p.tenant = ")
        .param(tenant)
        .sql(" AND p.profile_id = ")
        .param(profileId);
    return new Explainer(tenant, profileId, segment, root, leaves, sql.build());
  }

  private record Context(String tenant, Segments all, Instant now) {}

  // ---------------------------------------------------------------- conditions

  /**
   * Appends a boolean expression. A comparison of a missing value is NULL; in a WHERE clause NULL
   * acts as FALSE through AND and OR, so leaves are wrapped in {@code COALESCE(..., FALSE)} only
   * under a NOT ({@code twoValued}), where NULL would not turn into TRUE. Unwrapped comparisons of
   * typed columns stay simple enough for DuckDB to push them into the Parquet scan.
   */
  private void condition(Sql sql, Condition c, Context ctx, int depth, boolean twoValued) {
    if (c instanceof Condition.All all) {
      combine(sql, all.conditions(), " AND ", ctx, depth, twoValued);
    } else if (c instanceof Condition.Any any) {
      combine(sql, any.conditions(), " OR ", ctx, depth, twoValued);
    } else if (c instanceof Condition.Not not) {
      sql.sql("NOT (");
      condition(sql, not.condition(), ctx, depth + 1, true);
      sql.sql(")");
    } else if (c instanceof Condition.InSegment in) {
      // inlined; every expression this class writes is self-delimited, so no brackets are needed
      condition(sql, ctx.all().require(in.segmentId()).condition(), ctx, depth, twoValued);
    } else if (c instanceof Condition.Compare compare) {
      if (twoValued) {
        sql.sql("COALESCE(");
        compare(sql, compare, ctx, "p");
        sql.sql(", FALSE)");
      } else {
        sql.sql("(");
        compare(sql, compare, ctx, "p");
        sql.sql(")");
      }
    } else if (c instanceof Condition.Performed performed) {
      performed(sql, performed, ctx, depth);
    } else {
      throw new IllegalStateException("unknown condition " + c);
    }
  }

  private void combine(
      Sql sql, List<Condition> items, String op, Context ctx, int depth, boolean twoValued) {
    if (items.size() == 1) {
      condition(sql, items.get(0), ctx, depth, twoValued);
      return;
    }
    String indent = "\n" + "  ".repeat(depth + 1);
    sql.sql("(");
    for (int i = 0; i < items.size(); i++) {
      sql.sql(i == 0 ? indent : indent + op.strip() + " ");
      condition(sql, items.get(i), ctx, depth + 1, twoValued);
    }
    sql.sql(")");
  }

  /** Appends a boolean expression for a comparison (NULL when the field is missing). */
  private void compare(Sql sql, Condition.Compare c, Context ctx, String alias) {
    Operator op = c.operator();
    if (op == Operator.EXISTS) {
      sql.sql("(");
      present(sql, c.field(), alias);
      sql.sql(Boolean.TRUE.equals(c.values().get(0)) ? ")" : ") = FALSE");
      return;
    }
    Sql field = new Sql();
    typed(field, c.field(), c.type(), alias);
    boolean lower = c.ignoreCase();
    switch (op) {
      case EQ, NE, GT, GTE, LT, LTE -> {
        fold(sql, field, lower).sql(" " + symbol(op) + " ");
        foldParam(sql, c.values().get(0), lower);
      }
      case IN, NOT_IN -> {
        fold(sql, field, lower).sql(op == Operator.IN ? " IN (" : " NOT IN (");
        for (int i = 0; i < c.values().size(); i++) {
          sql.sql(i == 0 ? "" : ", ");
          foldParam(sql, c.values().get(i), lower);
        }
        sql.sql(")");
      }
      case CONTAINS -> {
        sql.sql("strpos(");
        fold(sql, field, lower).sql(", ");
        foldParam(sql, c.values().get(0), lower);
        sql.sql(") > 0");
      }
      case STARTS_WITH -> {
        sql.sql("starts_with(");
        fold(sql, field, lower).sql(", ");
        foldParam(sql, c.values().get(0), lower);
        sql.sql(")");
      }
      case ENDS_WITH -> {
        if (dialect == SqlDialect.DUCKDB) {
          sql.sql("ends_with(");
          fold(sql, field, lower).sql(", ");
          foldParam(sql, c.values().get(0), lower);
          sql.sql(")");
        } else {
          // Trino has no ends_with: compare the tail of the same length
          sql.sql("substr(");
          fold(sql, field, lower).sql(", -length(");
          foldParam(sql, c.values().get(0), lower);
          sql.sql(")) = ");
          foldParam(sql, c.values().get(0), lower);
          sql.sql(" AND length(");
          foldParam(sql, c.values().get(0), lower);
          sql.sql(") > 0");
        }
      }
      case WITHIN_LAST -> {
        Duration d = (Duration) c.values().get(0);
        sql.sql("(").append(field).sql(" >= ").param(ctx.now().minus(d));
        sql.sql(" AND ").append(field).sql(" <= ").param(ctx.now()).sql(")");
      }
      case BEFORE, AFTER -> {
        Object v = c.values().get(0);
        Instant at = v instanceof Duration d ? ctx.now().minus(d) : (Instant) v;
        sql.append(field).sql(op == Operator.BEFORE ? " < " : " > ").param(at);
      }
      default -> throw new IllegalStateException("operator " + op);
    }
  }

  private static String symbol(Operator op) {
    return switch (op) {
      case EQ -> "=";
      case NE -> "<>";
      case GT -> ">";
      case GTE -> ">=";
      case LT -> "<";
      default -> "<=";
    };
  }

  private static Sql fold(Sql sql, Sql field, boolean lower) {
    return lower ? sql.sql("lower(").append(field).sql(")") : sql.append(field);
  }

  private static void foldParam(Sql sql, Object value, boolean lower) {
    if (lower) {
      sql.sql("lower(").param(value).sql(")");
    } else {
      sql.param(value);
    }
  }

  /** Appends a boolean: the field has a non-null value. */
  private void present(Sql sql, Condition.Field field, String alias) {
    String staged = stagedColumn(field);
    if (staged != null) {
      sql.sql(alias + "." + staged + " IS NOT NULL");
    } else if (field instanceof Condition.Field.Computed c) {
      sql.sql(alias + "." + c.trait().column() + " IS NOT NULL");
    } else if (dialect == SqlDialect.DUCKDB) {
      sql.sql("json_extract_string(" + jsonColumn(field, alias) + ", ")
          .param(pointer(path(field)))
          .sql(") IS NOT NULL");
    } else {
      sql.sql("COALESCE(json_format(");
      trinoJson(sql, field, alias);
      sql.sql(") <> 'null', FALSE)");
    }
  }

  /** Appends the field's value as {@code type} (NULL when missing or not convertible). */
  private void typed(Sql sql, Condition.Field field, ValueType type, String alias) {
    if (field instanceof Condition.Field.Computed c) {
      sql.sql(alias + "." + c.trait().column());
      return;
    }
    Sql text = new Sql();
    scalar(text, field, alias);
    switch (type) {
      case STRING -> sql.append(text);
      case NUMBER -> sql.sql("TRY_CAST(").append(text).sql(" AS DOUBLE)");
      case BOOLEAN -> sql.sql("TRY_CAST(").append(text).sql(" AS BOOLEAN)");
      case TIMESTAMP -> {
        if (dialect == SqlDialect.DUCKDB) {
          sql.sql("TRY_CAST(").append(text).sql(" AS TIMESTAMPTZ)");
        } else {
          sql.sql("TRY(from_iso8601_timestamp(").append(text).sql("))");
        }
      }
    }
  }

  /** Appends a JSON field's value as text (a string unquoted, other JSON as its text). */
  private void scalar(Sql sql, Condition.Field field, String alias) {
    String staged = stagedColumn(field);
    if (staged != null) {
      sql.sql(alias + "." + staged);
    } else if (dialect == SqlDialect.DUCKDB) {
      sql.sql("json_extract_string(" + jsonColumn(field, alias) + ", ")
          .param(pointer(path(field)))
          .sql(")");
    } else {
      sql.sql("json_extract_scalar(");
      trinoJson(sql, field, alias);
      sql.sql(", '$')");
    }
  }

  /**
   * Trino: the JSON value at a path, one map lookup per key, so that keys are bound parameters and
   * never parsed as a JSON path.
   */
  private void trinoJson(Sql sql, Condition.Field field, String alias) {
    List<String> path = path(field);
    Sql inner = new Sql().sql("json_parse(" + jsonColumn(field, alias) + ")");
    for (String key : path) {
      inner =
          new Sql()
              .sql("element_at(TRY_CAST(")
              .append(inner)
              .sql(" AS MAP(VARCHAR, JSON)), ")
              .param(key)
              .sql(")");
    }
    sql.append(inner);
  }

  private String stagedColumn(Condition.Field field) {
    return field instanceof Condition.Field.Trait t ? stagedTraits.get(t.path()) : null;
  }

  private static String jsonColumn(Condition.Field field, String alias) {
    return field instanceof Condition.Field.Property ? "e.properties" : alias + ".traits";
  }

  private static List<String> path(Condition.Field field) {
    if (field instanceof Condition.Field.Trait t) {
      return t.path();
    }
    if (field instanceof Condition.Field.Property p) {
      return p.path();
    }
    throw new IllegalStateException("no JSON path for " + field);
  }

  /** An RFC 6901 JSON pointer to the keys ({@code ~} as {@code ~0}, {@code /} as {@code ~1}). */
  static String pointer(List<String> keys) {
    StringBuilder out = new StringBuilder();
    for (String k : keys) {
      out.append('/').append(k.replace("~", "~0").replace("/", "~1"));
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- behaviour

  private void performed(Sql sql, Condition.Performed c, Context ctx, int depth) {
    String indent = "\n" + "  ".repeat(depth + 1);
    sql.sql("p.profile_id IN (SELECT g.profile_id");
    eventsOfProfiles(sql, c, ctx, indent);
    sql.sql(indent + "GROUP BY g.profile_id HAVING count(*) >= ").param(c.atLeast()).sql(")");
  }

  /** FROM ... WHERE ... of the events a behaviour condition counts, joined to their profiles. */
  private void eventsOfProfiles(Sql sql, Condition.Performed c, Context ctx, String indent) {
    sql.sql(indent + "FROM " + events + " e");
    sql.sql(
        indent
            + "JOIN "
            + eventIdentifiers
            + " i ON i.tenant = e.tenant AND i.message_id = e.message_id");
    sql.sql(
        indent
            + "JOIN "
            + identityGraph
            + " g ON g.tenant = i.tenant AND g.identifier_type = i.identifier_type AND"
            + " g.identifier = i.identifier");
    sql.sql(indent + "WHERE e.tenant = ").param(ctx.tenant());
    sql.sql(" AND i.tenant = ").param(ctx.tenant());
    sql.sql(" AND g.tenant = ").param(ctx.tenant());
    sql.sql(indent + "AND e.type = 'track' AND e.event = ").param(c.event());
    if (c.withinLast() != null) {
      sql.sql(indent + "AND e.timestamp >= ").param(ctx.now().minus(c.withinLast()));
      sql.sql(" AND e.timestamp <= ").param(ctx.now());
    }
    for (Condition.Compare f : c.where()) {
      sql.sql(indent + "AND (");
      compare(sql, f, ctx, "e");
      sql.sql(")");
    }
  }

  // ---------------------------------------------------------------- explain values

  /** Appends the profile's actual value for a leaf, as text. */
  private void value(Sql sql, Condition c, Context ctx) {
    if (c instanceof Condition.Compare compare) {
      Condition.Field f = compare.field();
      if (f instanceof Condition.Field.Computed computed) {
        sql.sql("CAST(p." + computed.trait().column() + " AS VARCHAR)");
      } else if (dialect == SqlDialect.DUCKDB) {
        scalar(sql, f, "p");
      } else {
        sql.sql("json_format(");
        trinoJson(sql, f, "p");
        sql.sql(")");
      }
    } else if (c instanceof Condition.Performed performed) {
      sql.sql("CAST((SELECT count(*)");
      eventsOfProfiles(sql, performed, ctx, " ");
      sql.sql(" AND g.profile_id = p.profile_id) AS VARCHAR)");
    } else {
      sql.sql("CAST(NULL AS VARCHAR)");
    }
  }
}
