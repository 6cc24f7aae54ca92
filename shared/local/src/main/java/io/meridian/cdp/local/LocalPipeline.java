package io.meridian.cdp.local;

import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.clean.ObjectStoreDedupIndex;
import io.meridian.cdp.clean.RawToClean;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.raw.RawZoneWriter;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs the pipeline stages of local mode once, in the order AWS runs them: spool → raw zone
 * (stream-to-raw), then every raw object not yet converted → clean zone (raw-to-clean), then for
 * every tenant resolve-identities → build-profiles (the curate state machine). Safe to interrupt at
 * any point and run again: every stage is idempotent.
 */
public final class LocalPipeline {
  private final Spool spool;
  private final RawZoneWriter rawWriter;
  private final RawToClean rawToClean;
  private final Supplier<Tenants> tenants;
  private final CuratedStore curated;

  public LocalPipeline(
      Spool spool,
      LocalFileObjectStore lake,
      Supplier<Tenants> tenants,
      SegmentCallValidator validator,
      Path workDir,
      Clock clock) {
    this.spool = spool;
    this.rawWriter = new RawZoneWriter(lake, clock);
    this.tenants = tenants;
    this.curated = new CuratedStore(lake, workDir);
    this.rawToClean =
        new RawToClean(
            lake,
            new ObjectStoreDedupIndex(lake),
            tenant ->
                tenants.get().tenant(tenant).map(TenantConfig::defaultPhoneRegion).orElse("US"),
            validator,
            workDir,
            clock);
  }

  /** Progress callback for long runs. */
  public interface Progress {
    void converted(String rawKey, int done, int total);
  }

  public RunReport runOnce() throws IOException {
    return runOnce((key, done, total) -> {});
  }

  public synchronized RunReport runOnce(Progress progress) throws IOException {
    List<StageCounts> rawStage = new ArrayList<>();
    spool.drain((chunk, chunkId) -> rawStage.addAll(rawWriter.write(chunk, chunkId)));
    List<StageCounts> cleanStage = new ArrayList<>();
    List<String> pending = rawToClean.pending();
    int done = 0;
    for (String key : pending) {
      cleanStage.add(rawToClean.convert(key));
      progress.converted(key, ++done, pending.size());
    }
    return RunReport.of(rawStage, cleanStage).withCuration(curate());
  }

  /** resolve-identities then build-profiles for every tenant with clean events. */
  private List<RunReport.Curation> curate() throws IOException {
    List<RunReport.Curation> out = new ArrayList<>();
    for (String tenant : curated.tenantsWithEvents()) {
      TenantConfig config = tenants.get().tenant(tenant).orElse(TenantConfig.named(tenant, tenant));
      IdentityRules rules = config.identityRules();
      ResolveIdentities.Result r =
          new ResolveIdentities(curated).run(tenant, rules, config.defaultPhoneRegion());
      BuildProfiles.Result b = new BuildProfiles(curated).run(tenant, rules);
      if (!r.noop() || !b.noop()) {
        out.add(
            new RunReport.Curation(
                tenant,
                r.snapshot(),
                r.rebuilt(),
                r.events(),
                r.eventsWithoutIdentifier(),
                r.eventsOnSharedIdentifier(),
                r.refused(),
                r.identifiers(),
                r.profiles(),
                r.merges(),
                r.blockedMerges()));
      }
    }
    return out;
  }
}
