package io.meridian.cdp.cli;

import io.meridian.cdp.catalog.CatalogColumn;
import io.meridian.cdp.catalog.CatalogException;
import io.meridian.cdp.catalog.LakeTables;
import io.meridian.cdp.catalog.TableCatalog;
import io.meridian.cdp.catalog.TableDefinition;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "catalog",
    mixinStandardHelpOptions = true,
    description =
        "Register the lake's tables in the data directory's catalog (DIR/catalog/, one JSON file"
            + " per table, as the CDK app declares them in Glue) and list them; with a table"
            + " name, describe it. Registering again changes only what differs (ADR 0035).")
final class CatalogCommand implements Callable<Integer> {
  @Mixin Options options;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "TABLE",
      description = "A table to describe, e.g. cdp_clean.events")
  String table;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (LocalRuntime rt = LocalRuntime.open(options, out)) {
      TableCatalog catalog = rt.catalog();
      for (String db : LakeTables.DATABASES) {
        catalog.ensureDatabase(db, "Meridian CDP local mode: " + db.substring(4) + " zone");
      }
      for (LakeTables.LakeTable t : LakeTables.all()) {
        TableCatalog.Change change = catalog.register(t.definition(rt.lakeUri()));
        if (table == null) {
          out.printf(
              "%-30s %-9s %s%n",
              t.qualifiedName(), change.name().toLowerCase(java.util.Locale.ROOT), t.docName());
        }
      }
      if (table != null) {
        describe(catalog, out);
      }
      out.flush();
      return 0;
    }
  }

  private void describe(TableCatalog catalog, PrintWriter out) {
    int dot = table.indexOf('.');
    if (dot < 0) {
      throw new Cdp.UserError("name the table with its database, e.g. cdp_clean.events");
    }
    TableDefinition d;
    try {
      d = catalog.describe(table.substring(0, dot), table.substring(dot + 1));
    } catch (CatalogException e) {
      throw new Cdp.UserError(e.getMessage() + " (see cdp catalog)");
    }
    out.println(d.qualifiedName() + ": " + d.description());
    out.println("location: " + d.location());
    for (CatalogColumn c : d.columns()) {
      out.printf("  %-22s %-10s %s%n", c.name(), c.type(), c.comment());
    }
    out.println("partitioned by:");
    for (CatalogColumn c : d.partitionKeys()) {
      out.printf("  %-22s %-10s %s%n", c.name(), c.type(), c.comment());
    }
    out.println("partition template: " + d.parameters().get("storage.location.template"));
  }
}
