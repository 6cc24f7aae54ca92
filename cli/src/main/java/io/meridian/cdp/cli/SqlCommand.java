package io.meridian.cdp.cli;

import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.privacy.SqlPiiCheck;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description =
        "Run SQL over the lake with DuckDB. Tables: raw.events, clean.events,"
            + " quarantine.records, ops.accounting, ops.curation, curated.identity_graph,"
            + " curated.profiles, curated.profile_merges, curated.blocked_merges,"
            + " curated.event_identifiers, curated.event_profiles.")
final class SqlCommand implements Callable<Integer> {
  enum Format {
    table,
    csv,
    json
  }

  @Mixin Options options;
  @Mixin AuditOptions audit;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SQL",
      description = "The statement, e.g. \"SELECT count(*) FROM clean.events\"")
  String sql;

  @Option(
      names = "--tenant",
      paramLabel = "T",
      description =
          "Read only tenant T's data: the views hold its rows alone and no statement can read"
              + " another tenant's files. Without it, every tenant's data (the operator's view).")
  String tenant;

  @Option(
      names = "--format",
      description = "table, csv or json. Default: ${DEFAULT-VALUE}",
      defaultValue = "table")
  Format format;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (LocalRuntime rt = LocalRuntime.open(options, out);
        DuckDbSqlEngine engine = tenant == null ? rt.sql() : rt.sql(knownTenant(rt))) {
      QueryResult result;
      // A statement over personal-data columns is recorded, whether it succeeds or not.
      Set<String> piiColumns = SqlPiiCheck.piiColumns(sql);
      if (!piiColumns.isEmpty()) {
        rt.audit().requireAppendable(); // no read of personal data that could not be recorded
      }
      try {
        result = engine.query(sql);
      } catch (SqlException e) {
        recordPiiRead(rt, piiColumns, "failure");
        throw new Cdp.UserError(e.getMessage());
      }
      recordPiiRead(rt, piiColumns, "success");
      out.print(
          switch (format) {
            case table -> ResultFormat.table(result);
            case csv -> ResultFormat.csv(result);
            case json -> ResultFormat.json(result);
          });
      out.flush();
      return 0;
    }
  }

  private String knownTenant(LocalRuntime rt) {
    if (rt.tenants().tenant(tenant).isEmpty()) {
      throw new Cdp.UserError("unknown tenant '" + tenant + "' (see cdp tenants list)");
    }
    return tenant;
  }

  private void recordPiiRead(LocalRuntime rt, Set<String> piiColumns, String outcome)
      throws IOException {
    if (piiColumns.isEmpty()) {
      return;
    }
    rt.record(
        audit
            .event("sql.pii-read", tenant == null ? "lake" : "lake/tenant=" + tenant, outcome)
            .with("columns", String.join(",", piiColumns))
            // the statement is not recorded in clear: it may hold personal values in literals
            .with("statement_sha256", AuditOptions.sha256(sql.getBytes(StandardCharsets.UTF_8))));
  }
}
