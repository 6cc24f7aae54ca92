package io.meridian.cdp.cli;

import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ReadKeys;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "tenants",
    mixinStandardHelpOptions = true,
    description = "Manage tenants (the client companies this CDP serves).",
    subcommands = {
      TenantsCommand.Add.class,
      TenantsCommand.ListTenants.class,
      TenantsCommand.ReadKey.class
    })
final class TenantsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a tenant.")
  static final class Add implements Callable<Integer> {
    @Mixin Options options;
    @Mixin AuditOptions audit;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "ID",
        description = "Tenant id: lower-case letters, digits, '_' and '-', at most 64")
    String id;

    @Option(names = "--name", description = "Display name")
    String name;

    @Option(
        names = "--rate-limit",
        paramLabel = "EVENTS_PER_SECOND",
        description = "Ingestion rate limit. Default: 20000")
    Integer rateLimit;

    @Option(
        names = "--phone-region",
        paramLabel = "CC",
        description = "Region for phone numbers without a country code. Default: US")
    String phoneRegion;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      // Check the arguments before anything is created on disk.
      TenantConfig tenant =
          new TenantConfig(id, name, rateLimit, phoneRegion, List.of(), null, null, null, null);
      try (LocalRuntime rt = LocalRuntime.open(options, out)) {
        CdpConfig config = rt.tenants().config();
        if (config.tenant(id).isPresent()) {
          throw new Cdp.UserError("tenant '" + id + "' already exists");
        }
        rt.audit().requireAppendable(); // no change that could not be recorded
        rt.saveConfig(config.withTenant(tenant));
        rt.record(audit.event("tenants.add", "tenant:" + id, "success"));
        out.println(
            "Added tenant '" + id + "'. Add a source: cdp sources add --tenant " + id + " web");
        return 0;
      }
    }
  }

  @Command(
      name = "read-key",
      mixinStandardHelpOptions = true,
      description =
          "Create a read key for the profile API of a tenant (printed once, stored as a hash)."
              + " Earlier read keys stay valid until removed from cdp.yaml.")
  static final class ReadKey implements Callable<Integer> {
    @Mixin Options options;
    @Mixin AuditOptions audit;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant the key reads.")
    String tenant;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalRuntime rt = LocalRuntime.open(options, out)) {
        CdpConfig config = rt.tenants().config();
        TenantConfig t =
            config
                .tenant(tenant)
                .orElseThrow(() -> new Cdp.UserError("no tenant '" + tenant + "'"));
        rt.audit().requireAppendable(); // no change that could not be recorded
        String key = ReadKeys.generate();
        rt.saveConfig(config.withTenant(t.withReadKeyHash(WriteKeys.hash(key))));
        // The key itself is never recorded: only that one was created.
        rt.record(audit.event("tenants.read-key", "tenant:" + tenant, "success"));
        out.println(
            "Read key for tenant '" + tenant + "' (shown once, stored only as a hash): " + key);
        out.println(
            "Use it as the HTTP Basic user name: curl -u "
                + key
                + ": 'http://127.0.0.1:8088/v1/profiles?identifier_type=email&identifier=...'");
        return 0;
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List tenants and their sources.")
  static final class ListTenants implements Callable<Integer> {
    @Mixin Options options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalRuntime rt = LocalRuntime.open(options, out)) {
        out.printf(
            "%-20s %-24s %12s %6s  %s%n",
            "tenant", "name", "rate limit", "phone", "sources (keys)");
        for (TenantConfig t : rt.tenants().config().tenants()) {
          StringBuilder sources = new StringBuilder();
          for (SourceConfig s : t.sources()) {
            sources
                .append(sources.isEmpty() ? "" : ", ")
                .append(s.id())
                .append(" (")
                .append(s.writeKeyHashes().size())
                .append(")");
          }
          out.printf(
              "%-20s %-24s %12d %6s  %s%n",
              t.id(), t.name(), t.rateLimit(), t.defaultPhoneRegion(), sources);
        }
        return 0;
      }
    }
  }
}
