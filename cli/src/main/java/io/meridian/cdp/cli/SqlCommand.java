package io.meridian.cdp.cli;

import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlException;
import java.io.PrintWriter;
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
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SQL",
      description = "The statement, e.g. \"SELECT count(*) FROM clean.events\"")
  String sql;

  @Option(
      names = "--format",
      description = "table, csv or json. Default: ${DEFAULT-VALUE}",
      defaultValue = "table")
  Format format;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (LocalRuntime rt = LocalRuntime.open(options, out);
        DuckDbSqlEngine engine = rt.sql()) {
      QueryResult result;
      try {
        result = engine.query(sql);
      } catch (SqlException e) {
        throw new Cdp.UserError(e.getMessage());
      }
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
}
