package io.meridian.cdp.local;

import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.PublishChanges;
import io.meridian.cdp.clean.ObjectStoreDedupIndex;
import io.meridian.cdp.clean.RawToClean;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.identity.AudienceTraits;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.privacy.PiiProtection;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.raw.RawZoneWriter;
import io.meridian.cdp.segment.ComputeSegments;
import io.meridian.cdp.segment.SegmentCompiler;
import io.meridian.cdp.segment.SegmentTables;
import io.meridian.cdp.segment.Segments;
import io.meridian.cdp.sql.SqlException;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline stages of local mode once, in the order AWS runs them: spool → raw zone
 * (stream-to-raw), then every raw object not yet converted → clean zone (raw-to-clean), then for
 * every tenant resolve-identities → build-profiles (the curate state machine). Safe to interrupt at
 * any point and run again: every stage is idempotent.
 */
public final class LocalPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);

  private final Spool spool;
  private final RawZoneWriter rawWriter;
  private final RawToClean rawToClean;
  private final Supplier<Tenants> tenants;
  private final CuratedStore curated;
  private final Path lakeRoot;
  private final Clock clock;
  private Function<TenantConfig, Segments> segments;
  private Function<CdpConfig, EventPublisher> publishers;

  private Suppression suppression;

  public LocalPipeline(
      Spool spool,
      LocalFileObjectStore lake,
      Supplier<Tenants> tenants,
      SegmentCallValidator validator,
      Path workDir,
      Clock clock) {
    this(spool, lake, tenants, validator, workDir, clock, PiiProtection.none());
  }

  /**
   * @param pii applies each tenant's PII policy on the way to the clean zone (ADR 0019)
   */
  public LocalPipeline(
      Spool spool,
      LocalFileObjectStore lake,
      Supplier<Tenants> tenants,
      SegmentCallValidator validator,
      Path workDir,
      Clock clock,
      PiiProtection pii) {
    this.spool = spool;
    this.rawWriter = new RawZoneWriter(lake, clock);
    this.tenants = tenants;
    this.curated = new CuratedStore(lake, workDir);
    this.lakeRoot = lake.root();
    this.clock = clock;
    this.rawToClean =
        new RawToClean(
            lake,
            new ObjectStoreDedupIndex(lake),
            tenant ->
                tenants.get().tenant(tenant).map(TenantConfig::defaultPhoneRegion).orElse("US"),
            validator,
            workDir,
            clock,
            pii);
  }

  /**
   * Also runs compute-segments and publish-changes after the curate steps: {@code segments} gives a
   * tenant's segment definitions (throwing for invalid ones), {@code publishers} the event
   * publisher for the config in force.
   */
  public LocalPipeline withActivation(
      Function<TenantConfig, Segments> segments, Function<CdpConfig, EventPublisher> publishers) {
    this.segments = segments;
    this.publishers = publishers;
    return this;
  }

  /**
   * Activation never publishes a change of a profile holding an identifier on its tenant's
   * suppression list (erased people, docs/PRIVACY.md).
   */
  public LocalPipeline withSuppression(Suppression suppression) {
    this.suppression = suppression;
    return this;
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
    RunReport report = RunReport.of(rawStage, cleanStage).withCuration(curate());
    return segments == null ? report : report.withActivation(activate());
  }

  /**
   * compute-segments then publish-changes for every tenant with segments (or with members from
   * before, whose segments may have been deleted). A tenant whose definitions are invalid keeps its
   * previous membership; the reason is logged and the other tenants go on.
   */
  private List<RunReport.Activation> activate() throws IOException {
    List<RunReport.Activation> out = new ArrayList<>();
    Tenants config = tenants.get();
    EventPublisher publisher = publishers.apply(config.config());
    DuckDbSqlEngine sql = null; // opened for the first tenant with segments, after the profiles
    try {
      for (String tenant : curated.tenantsWithEvents()) {
        TenantConfig t = config.tenant(tenant).orElse(TenantConfig.named(tenant, tenant));
        Segments defined;
        try {
          defined = segments.apply(t);
        } catch (IllegalArgumentException e) {
          LOG.warn(
              "tenant {}: segments not computed, the definitions are invalid: {}",
              tenant,
              e.getMessage());
          out.add(
              RunReport.Activation.failed(
                  tenant,
                  "invalid segment definitions, membership kept as it was: " + e.getMessage()));
          continue;
        }
        if (defined.all().isEmpty() && curated.pointer(tenant, SegmentTables.STEP).isEmpty()) {
          continue;
        }
        if (sql == null) {
          sql = new DuckDbSqlEngine(lakeRoot);
        }
        ComputeSegments.Result c =
            new ComputeSegments(curated, sql, DuckDbSqlEngine.snapshots(lakeRoot))
                .run(tenant, defined, clock.instant());
        PublishChanges.Result p =
            new PublishChanges(curated, publisher)
                .withSuppression(suppression)
                .run(tenant, defined);
        if (p.suppressed() > 0) {
          LOG.info("tenant {}: {} changes of erased people not published", tenant, p.suppressed());
        }
        if (!c.noop() || !p.noop()) {
          out.add(
              new RunReport.Activation(
                  tenant,
                  c.members().size(),
                  c.members().values().stream().mapToLong(Integer::longValue).sum(),
                  c.entered(),
                  c.exited(),
                  p.events(),
                  p.delivered(),
                  p.deadLettered(),
                  p.excludedByConsent(),
                  p.unmatched(),
                  ""));
        }
      }
    } catch (SqlException e) {
      throw new IOException("computing segments failed: " + e.getMessage(), e);
    } finally {
      if (sql != null) {
        try {
          sql.close();
        } catch (SqlException e) {
          LOG.warn("closing DuckDB: {}", e.getMessage());
        }
      }
    }
    return out;
  }

  /**
   * What build-profiles writes for the tenant's segments to be staged without parsing JSON (ADR
   * 0032): the columns and trait paths they read; none without segments or with invalid ones (the
   * segment step reports those).
   */
  private AudienceTraits.Layout audienceTraits(TenantConfig tenant) {
    if (segments == null) {
      return AudienceTraits.Layout.none();
    }
    try {
      return SegmentCompiler.audienceTraits(segments.apply(tenant));
    } catch (IllegalArgumentException e) {
      return AudienceTraits.Layout.none();
    }
  }

  /** resolve-identities then build-profiles for every tenant with clean events. */
  private List<RunReport.Curation> curate() throws IOException {
    List<RunReport.Curation> out = new ArrayList<>();
    for (String tenant : curated.tenantsWithEvents()) {
      TenantConfig config = tenants.get().tenant(tenant).orElse(TenantConfig.named(tenant, tenant));
      IdentityRules rules = config.identityRules();
      ResolveIdentities.Result r =
          new ResolveIdentities(curated).run(tenant, rules, config.defaultPhoneRegion());
      BuildProfiles.Result b =
          new BuildProfiles(curated).run(tenant, rules, audienceTraits(config));
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
