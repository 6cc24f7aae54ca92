package io.meridian.cdp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.segment.Explainer;
import io.meridian.cdp.segment.Explanation;
import io.meridian.cdp.segment.Segment;
import io.meridian.cdp.segment.SegmentCompiler;
import io.meridian.cdp.segment.SegmentDefinitions;
import io.meridian.cdp.segment.SegmentQuery;
import io.meridian.cdp.segment.Segments;
import io.meridian.cdp.segment.SqlDialect;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlException;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "segments",
    mixinStandardHelpOptions = true,
    description =
        "Audiences of a tenant, defined in cdp.yaml (segments:) and in DIR/segments/<tenant>/*.yaml"
            + " (docs/SEGMENTS.md): list them, preview their members, explain a profile.",
    subcommands = {
      SegmentsCommand.ListSegments.class,
      SegmentsCommand.Preview.class,
      SegmentsCommand.Explain.class
    })
final class SegmentsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options of every segments subcommand. */
  static final class SegmentOptions {
    @Mixin Options options;

    @Option(
        names = "--tenant",
        description = "The tenant; may be left out when cdp.yaml declares one tenant only.")
    String tenant;

    @Option(
        names = "--segments",
        paramLabel = "FOLDER",
        description =
            "Folder of segment files (*.yaml, *.yml, *.json), read besides cdp.yaml's segments."
                + " Default: DIR/segments/<tenant>")
    Path folder;

    @Option(
        names = "--at",
        paramLabel = "TIME",
        description =
            "Evaluate as of this ISO-8601 time (relative dates count back from it). Default: now")
    String at;

    Instant now(LocalRuntime rt) {
      if (at == null) {
        return rt.clock().instant();
      }
      try {
        return java.time.OffsetDateTime.parse(at).toInstant();
      } catch (DateTimeParseException e) {
        throw new Cdp.UserError(
            "--at '" + at + "' is not an ISO-8601 time with zone, e.g. 2026-11-20T12:00:00Z");
      }
    }

    TenantConfig tenant(LocalRuntime rt) {
      List<TenantConfig> all = rt.tenants().config().tenants();
      if (tenant != null) {
        return all.stream()
            .filter(t -> t.id().equals(tenant))
            .findFirst()
            .orElseThrow(
                () ->
                    new Cdp.UserError(
                        "no tenant '"
                            + tenant
                            + "' in "
                            + rt.configFile()
                            + "; see `cdp tenants list`"));
      }
      if (all.size() != 1) {
        throw new Cdp.UserError(
            all.isEmpty()
                ? "no tenants in " + rt.configFile()
                : "several tenants "
                    + all.stream().map(TenantConfig::id).toList()
                    + "; choose one with --tenant");
      }
      return all.get(0);
    }

    Segments segments(LocalRuntime rt, TenantConfig t) throws java.io.IOException {
      Path dir = folder != null ? folder : SegmentDefinitions.folder(rt.data(), t.id());
      return SegmentDefinitions.load(t, dir);
    }

    static Segment find(Segments all, String id, String tenant) {
      return all.find(id)
          .orElseThrow(
              () ->
                  new Cdp.UserError(
                      "tenant '"
                          + tenant
                          + "' has no segment '"
                          + id
                          + "'"
                          + (all.all().isEmpty()
                              ? ""
                              : "; known: "
                                  + String.join(
                                      ", ", all.all().stream().map(Segment::id).toList()))));
    }
  }

  static QueryResult query(DuckDbSqlEngine sql, SegmentQuery q) {
    try {
      return sql.query(q.sql(), q.parameters());
    } catch (SqlException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List a tenant's segments: id, name and the condition in one line.")
  static final class ListSegments implements Callable<Integer> {
    @Mixin SegmentOptions segmentOptions;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalRuntime rt = LocalRuntime.open(segmentOptions.options, out)) {
        TenantConfig t = segmentOptions.tenant(rt);
        Segments all = segmentOptions.segments(rt, t);
        if (all.all().isEmpty()) {
          out.println(
              "tenant '"
                  + t.id()
                  + "' has no segments: add them under segments: in cdp.yaml or as files in "
                  + SegmentDefinitions.folder(rt.data(), t.id())
                  + " (docs/SEGMENTS.md)");
          out.flush();
          return 0;
        }
        int idWidth =
            Math.max(2, all.all().stream().mapToInt(s -> s.id().length()).max().orElse(2));
        int nameWidth =
            Math.max(4, all.all().stream().mapToInt(s -> s.name().length()).max().orElse(4));
        nameWidth = Math.min(nameWidth, 32);
        String format = "%-" + idWidth + "s  %-" + nameWidth + "s  %s%n";
        out.printf(format, "id", "name", "condition");
        for (Segment s : all.all()) {
          out.printf(format, s.id(), shorten(s.name(), 32), shorten(s.condition().describe(), 120));
        }
        out.flush();
        return 0;
      }
    }
  }

  static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  @Command(
      name = "preview",
      mixinStandardHelpOptions = true,
      description =
          "Count a segment's members now and show a sample with a few identifiers. Nothing is"
              + " written.")
  static final class Preview implements Callable<Integer> {
    @Mixin SegmentOptions segmentOptions;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SEGMENT", description = "The segment id")
    String id;

    @Option(
        names = "--sample",
        paramLabel = "N",
        description = "How many members to show. Default: ${DEFAULT-VALUE}",
        defaultValue = "10")
    int sample;

    @Override
    public Integer call() throws Exception {
      if (sample < 0 || sample > 10_000) {
        throw new Cdp.UserError("--sample must be between 0 and 10000");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (LocalRuntime rt = LocalRuntime.open(segmentOptions.options, out);
          DuckDbSqlEngine sql = rt.sql()) {
        TenantConfig t = segmentOptions.tenant(rt);
        Segments all = segmentOptions.segments(rt, t);
        Segment s = SegmentOptions.find(all, id, t.id());
        Instant now = segmentOptions.now(rt);
        SegmentQuery members = new SegmentCompiler(SqlDialect.DUCKDB).members(t.id(), s, all, now);
        long started = System.nanoTime();
        QueryResult count =
            query(
                sql,
                new SegmentQuery(
                    "SELECT count(*) FROM (" + members.sql() + ") m", members.parameters()));
        long ms = (System.nanoTime() - started) / 1_000_000;
        QueryResult profiles =
            query(
                sql,
                new SegmentQuery(
                    "SELECT count(*) FROM curated.profiles WHERE tenant = ?", List.of(t.id())));
        out.printf("Segment %s (%s), tenant %s, as of %s%n", s.id(), s.name(), t.id(), now);
        out.printf("  %s%n", s.condition().describe());
        out.printf(
            "%d members of %d profiles (%d ms)%n",
            (Long) count.scalar(), (Long) profiles.scalar(), ms);
        if (sample > 0 && (Long) count.scalar() > 0) {
          List<Object> parameters = new ArrayList<>(members.parameters());
          parameters.add(t.id());
          parameters.add((long) sample);
          QueryResult rows =
              query(
                  sql,
                  new SegmentQuery(
                      "SELECT p.profile_id, CAST(p.identifiers AS VARCHAR), p.last_seen FROM ("
                          + members.sql()
                          + ") m JOIN curated.profiles p ON p.profile_id = m.profile_id AND"
                          + " p.tenant = ? ORDER BY p.last_seen DESC NULLS LAST, p.profile_id"
                          + " LIMIT ?",
                      parameters));
          out.printf("Sample (%d, latest seen first):%n", rows.rows().size());
          for (List<Object> row : rows.rows()) {
            out.printf(
                "  %s  %s  last seen %s%n",
                row.get(0), identifiers((String) row.get(1)), row.get(2));
          }
        }
        out.flush();
        return 0;
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A few identifiers of a profile's identifiers JSON, e.g. {@code user_id=u-1 email=a@b.c}. */
  static String identifiers(String json) {
    if (json == null) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(json);
      List<String> parts = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields();
          it.hasNext() && parts.size() < 3; ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isArray() && !e.getValue().isEmpty()) {
          parts.add(
              e.getKey()
                  + "="
                  + e.getValue().get(0).asText()
                  + (e.getValue().size() > 1 ? " (+" + (e.getValue().size() - 1) + ")" : ""));
        }
      }
      return String.join("  ", parts);
    } catch (java.io.IOException e) {
      return json;
    }
  }

  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description =
          "Say which conditions of a segment a profile meets, with the profile's actual values.")
  static final class Explain implements Callable<Integer> {
    @Mixin SegmentOptions segmentOptions;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "PROFILE",
        description = "A profile id (p_…) or any identifier of the person (user id, email, …)")
    String profile;

    @Parameters(index = "1", paramLabel = "SEGMENT", description = "The segment id")
    String id;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalRuntime rt = LocalRuntime.open(segmentOptions.options, out);
          DuckDbSqlEngine sql = rt.sql()) {
        TenantConfig t = segmentOptions.tenant(rt);
        Segments all = segmentOptions.segments(rt, t);
        Segment s = SegmentOptions.find(all, id, t.id());
        String profileId =
            ProfileCommand.resolve(
                sql,
                t.id(),
                profile.strip(),
                t.defaultPhoneRegion(),
                rt.storedForms(t.id(), profile.strip()));
        Explainer explainer =
            new SegmentCompiler(SqlDialect.DUCKDB)
                .explain(t.id(), s, all, segmentOptions.now(rt), profileId);
        Explanation e = explainer.read(query(sql, explainer.query()));
        e.lines().forEach(out::println);
        out.flush();
        return 0;
      }
    }
  }
}
