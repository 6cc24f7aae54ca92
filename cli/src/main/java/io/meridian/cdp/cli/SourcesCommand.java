package io.meridian.cdp.cli;

import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.Ids;
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
    name = "sources",
    mixinStandardHelpOptions = true,
    description = "Manage a tenant's sources and their write keys.",
    subcommands = {SourcesCommand.Add.class})
final class SourcesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Add a source (or a further write key to an existing source). A write key is"
              + " generated and printed once unless --write-key is given; only its hash is stored.")
  static final class Add implements Callable<Integer> {
    @Mixin Options options;
    @Mixin AuditOptions audit;
    @Spec CommandSpec spec;

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant id")
    String tenant;

    @Parameters(index = "0", paramLabel = "NAME", description = "Source id, e.g. web, ios, crm")
    String name;

    @Option(
        names = "--write-key",
        paramLabel = "K",
        description = "Use this write key (for automation); at least 16 characters")
    String writeKey;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      // Check the arguments before anything is created on disk.
      Ids.require("tenant", tenant);
      Ids.require("source", name);
      try (LocalRuntime rt = LocalRuntime.open(options, out)) {
        CdpConfig config = rt.tenants().config();
        TenantConfig t =
            config
                .tenant(tenant)
                .orElseThrow(
                    () ->
                        new Cdp.UserError(
                            "no tenant '" + tenant + "'; add it with: cdp tenants add " + tenant));
        if (writeKey != null
            && (writeKey.length() < 16
                || writeKey.length() > 256
                || writeKey.contains(":")
                || writeKey.isBlank())) {
          throw new Cdp.UserError("--write-key must be 16 to 256 characters without ':'");
        }
        String key = writeKey != null ? writeKey : WriteKeys.generate();
        if (rt.tenants().resolve(key).isPresent()) {
          throw new Cdp.UserError("that write key is already in use");
        }
        SourceConfig source =
            t.source(name)
                .orElse(new SourceConfig(name, List.of()))
                .withKeyHash(WriteKeys.hash(key));
        rt.audit().requireAppendable(); // no change that could not be recorded
        rt.saveConfig(config.withTenant(t.withSource(source)));
        // The write key is never recorded: only whether it was generated or given.
        rt.record(
            audit
                .event("sources.add", "source:" + tenant + "/" + name, "success")
                .with("write_key", writeKey == null ? "generated" : "given"));
        if (writeKey == null) {
          out.println(
              "Write key for " + tenant + "/" + name + " (shown once, stored only as a hash):");
          out.println(key);
        } else {
          out.println("Added write key for " + tenant + "/" + name + ".");
        }
        return 0;
      }
    }
  }
}
