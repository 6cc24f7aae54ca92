package io.meridian.cdp.cli;

import io.meridian.cdp.clean.EventNormalizer;
import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlException;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description =
        "Show one unified profile: traits, computed traits, identifiers and, with --explain, its"
            + " merge history and refused links in words.")
final class ProfileCommand implements Callable<Integer> {
  @Mixin Options options;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "IDENTIFIER",
      description =
          "A profile id (p_…) or any identifier of the person: user id, email, phone (E.164),"
              + " anonymous id, or a custom identifier value.")
  String identifier;

  @Option(
      names = "--tenant",
      description = "The tenant; may be left out when the lake holds profiles of one tenant only.")
  String tenant;

  @Option(names = "--explain", description = "Also show how the profile came together.")
  boolean explain;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (LocalRuntime rt = LocalRuntime.open(options, out);
        DuckDbSqlEngine sql = rt.sql()) {
      String t = tenant != null ? tenant : onlyTenant(sql);
      String region = rt.tenants().tenant(t).map(TenantConfig::defaultPhoneRegion).orElse("US");
      String id = identifier.strip();
      // Under a policy that hashes or tokenizes identifiers, look for their stored forms too.
      List<String> stored = rt.storedForms(t, id);
      print(sql, out, t, resolve(sql, t, id, region, stored), explain);
      out.flush();
      return 0;
    }
  }

  /** Prints the profile that {@code identifier} (a profile id or any identifier) belongs to. */
  static void show(
      DuckDbSqlEngine sql,
      PrintWriter out,
      String tenant,
      String identifier,
      String phoneRegion,
      boolean explain) {
    print(sql, out, tenant, resolve(sql, tenant, identifier, phoneRegion), explain);
  }

  private static String q(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static QueryResult query(DuckDbSqlEngine sql, String statement) {
    try {
      return sql.query(statement);
    } catch (SqlException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static String onlyTenant(DuckDbSqlEngine sql) {
    QueryResult r = query(sql, "SELECT DISTINCT tenant FROM curated.profiles ORDER BY 1");
    if (r.rows().isEmpty()) {
      throw new Cdp.UserError("no profiles yet: ingest events and run `cdp run` first");
    }
    if (r.rows().size() > 1) {
      List<String> names = r.rows().stream().map(row -> (String) row.get(0)).toList();
      throw new Cdp.UserError(
          "several tenants have profiles " + names + "; choose one with --tenant");
    }
    return (String) r.rows().get(0).get(0);
  }

  /** The profile id of {@code arg}: a profile id (followed through merges) or any identifier. */
  static String resolve(DuckDbSqlEngine sql, String tenant, String arg, String phoneRegion) {
    return resolve(sql, tenant, arg, phoneRegion, List.of());
  }

  /**
   * @param stored the forms {@code arg} is stored in under the tenant's PII policy (hashed or
   *     tokenized identifiers), looked for as well
   */
  static String resolve(
      DuckDbSqlEngine sql, String tenant, String arg, String phoneRegion, List<String> stored) {
    if (arg.matches("p_[0-9a-f]{20}")) {
      QueryResult r =
          query(
              sql,
              "SELECT profile_id FROM curated.profiles WHERE tenant = "
                  + q(tenant)
                  + " AND profile_id = "
                  + q(arg));
      if (!r.rows().isEmpty()) {
        return arg;
      }
      QueryResult merged =
          query(
              sql,
              "SELECT into_profile_id FROM curated.profile_merges WHERE tenant = "
                  + q(tenant)
                  + " AND from_profile_id = "
                  + q(arg));
      if (!merged.rows().isEmpty()) {
        return resolve(sql, tenant, (String) merged.rows().get(0).get(0), phoneRegion);
      }
      throw new Cdp.UserError("tenant '" + tenant + "' has no profile " + arg);
    }
    QueryResult r =
        query(
            sql,
            "SELECT DISTINCT profile_id FROM curated.identity_graph WHERE tenant = "
                + q(tenant)
                + " AND identifier IN ("
                + q(arg)
                + ", "
                + q(arg.toLowerCase(Locale.ROOT))
                + ", "
                // a phone as people write it, e.g. (415) 555-0100, is stored in E.164
                + q(EventNormalizer.normalizePhone(arg, phoneRegion).orElse(arg))
                + stored.stream().map(v -> ", " + q(v)).collect(Collectors.joining())
                + ") ORDER BY 1");
    if (r.rows().isEmpty()) {
      throw new Cdp.UserError(
          "tenant '" + tenant + "' has no profile with identifier '" + arg + "'");
    }
    if (r.rows().size() > 1) {
      throw new Cdp.UserError(
          "'"
              + arg
              + "' is an identifier of "
              + r.rows().size()
              + " profiles (of different types); give the profile id instead: "
              + r.rows().stream().map(row -> (String) row.get(0)).toList());
    }
    return (String) r.rows().get(0).get(0);
  }

  private static void print(
      DuckDbSqlEngine sql, PrintWriter out, String tenant, String profile, boolean explain) {
    String where = " WHERE tenant = " + q(tenant) + " AND profile_id = " + q(profile);
    List<Object> p =
        query(
                sql,
                "SELECT created_at, updated_at, first_seen, last_seen, event_count, active_days,"
                    + " order_count, lifetime_revenue, last_order_at, traits, event_counts FROM"
                    + " curated.profiles"
                    + where)
            .rows()
            .get(0);
    out.printf("Profile %s (tenant %s)%n", profile, tenant);
    out.printf("  created %s, updated %s%n", p.get(0), p.get(1));
    out.printf(
        "  seen %s .. %s: %s events on %s days, %s orders, lifetime revenue %.2f%s%n",
        p.get(2),
        p.get(3),
        p.get(4),
        p.get(5),
        p.get(6),
        ((Number) p.get(7)).doubleValue(),
        p.get(8) == null ? "" : ", last order " + p.get(8));
    out.printf("  events by name: %s%n", p.get(10));
    out.println("Traits:");
    QueryResult traits =
        query(
            sql,
            "SELECT key, value FROM (SELECT unnest(json_keys(traits)) AS key, traits FROM"
                + " curated.profiles"
                + where
                + ") t, LATERAL (SELECT json_extract(t.traits, '$.\"' || key || '\"') AS value)"
                + " ORDER BY key");
    for (List<Object> row : traits.rows()) {
      out.printf("  %-24s %s%n", row.get(0), row.get(1));
    }
    if (traits.rows().isEmpty()) {
      out.println("  (none)");
    }
    out.println("Identifiers:");
    for (List<Object> row :
        query(
                sql,
                "SELECT identifier_type, identifier, first_seen, last_seen, shared FROM"
                    + " curated.identity_graph"
                    + where
                    + " ORDER BY first_seen, identifier_type, identifier")
            .rows()) {
      out.printf(
          "  %-14s %-40s first seen %s, last seen %s%s%n",
          row.get(0),
          row.get(1),
          row.get(2),
          row.get(3),
          Boolean.TRUE.equals(row.get(4))
              ? " (shared: also used by another person; decides no event since)"
              : "");
    }
    if (!explain) {
      return;
    }
    out.println("How it came together:");
    Set<String> family = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(profile));
    while (!todo.isEmpty()) {
      String id = todo.pop();
      if (family.add(id)) {
        for (List<Object> row :
            query(
                    sql,
                    "SELECT from_profile_id FROM curated.profile_merges WHERE tenant = "
                        + q(tenant)
                        + " AND into_profile_id = "
                        + q(id))
                .rows()) {
          todo.push((String) row.get(0));
        }
      }
    }
    List<String> ids = new ArrayList<>();
    family.forEach(id -> ids.add(q(id)));
    String in = "(" + String.join(", ", ids) + ")";
    QueryResult merges =
        query(
            sql,
            "SELECT merged_at, from_profile_id, into_profile_id, rule, identifier_type, identifier,"
                + " message_id FROM curated.profile_merges WHERE tenant = "
                + q(tenant)
                + " AND into_profile_id IN "
                + in
                + " ORDER BY merged_at, message_id");
    for (List<Object> m : merges.rows()) {
      out.printf(
          "  %s  %s was merged into %s: %s %s call (message %s) carried %s '%s', which belonged to"
              + " %s%n",
          m.get(0),
          m.get(1),
          m.get(2),
          "aeiou".indexOf(((String) m.get(3)).charAt(0)) >= 0 ? "an" : "a",
          m.get(3),
          m.get(6),
          m.get(4),
          m.get(5),
          m.get(1));
    }
    if (merges.rows().isEmpty()) {
      out.println("  no merges: every identifier joined this profile directly");
    }
    QueryResult blocked =
        query(
            sql,
            "SELECT blocked_at, profile_id, other_profile_id, rule, identifier_type, identifier,"
                + " message_id FROM curated.blocked_merges WHERE tenant = "
                + q(tenant)
                + " AND (profile_id IN "
                + in
                + " OR other_profile_id IN "
                + in
                + ") ORDER BY blocked_at, message_id");
    for (List<Object> b : blocked.rows()) {
      String other = family.contains((String) b.get(1)) ? (String) b.get(2) : (String) b.get(1);
      out.printf(
          "  %s  NOT merged with %s: %s '%s' (message %s) links them, but one profile would"
              + " exceed the %s%n",
          b.get(0), other, b.get(4), b.get(5), b.get(6), b.get(3));
    }
  }
}
