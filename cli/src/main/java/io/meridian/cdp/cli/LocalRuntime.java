package io.meridian.cdp.cli;

import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.IdentifierExtractor;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.local.LocalFileObjectStore;
import io.meridian.cdp.local.LocalKeyService;
import io.meridian.cdp.local.LocalPipeline;
import io.meridian.cdp.local.LocalTableCatalog;
import io.meridian.cdp.local.Spool;
import io.meridian.cdp.local.activation.LocalEventBus;
import io.meridian.cdp.local.activation.LocalSecretStore;
import io.meridian.cdp.privacy.AuditEvent;
import io.meridian.cdp.privacy.AuditLog;
import io.meridian.cdp.privacy.PiiKeys;
import io.meridian.cdp.privacy.PiiProtection;
import io.meridian.cdp.privacy.PrivacyKeys;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.profile.CuratedProfiles;
import io.meridian.cdp.profile.ProfileApi;
import io.meridian.cdp.segment.SegmentDefinitions;
import io.meridian.cdp.segment.Segments;
import io.meridian.cdp.sql.SqlException;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ConfigFile;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's wiring point. Data directory layout: {@code lake/} (the object store: raw, clean,
 * quarantine, _ops, _state, _audit), {@code spool/} (write-ahead spool), {@code work/} (scratch),
 * {@code catalog/} (the lake's tables, written by {@code cdp catalog}), {@code audit.lock}
 * (serializes audit appends across processes), and the default {@code cdp.yaml}.
 */
final class LocalRuntime implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);
  private static final ConcurrentHashMap<Path, ReentrantLock> AUDIT_LOCKS =
      new ConcurrentHashMap<>();

  private final Path data;
  private final Path configFile;
  private final AtomicReference<Tenants> tenants = new AtomicReference<>();
  private volatile FileTime configMtime;
  private volatile FileTime rejectedMtime;
  private final LocalFileObjectStore lake;
  private final SegmentCallValidator validator = new SegmentCallValidator();
  private final Clock clock = Clock.systemUTC();
  private Spool spool;
  private AuditLog audit;
  private PiiKeys piiKeys;

  private LocalRuntime(Path data, Path configFile, CdpConfig config) throws IOException {
    this.data = data;
    this.configFile = configFile;
    this.tenants.set(new Tenants(config));
    this.configMtime = Files.getLastModifiedTime(configFile);
    this.lake = new LocalFileObjectStore(data.resolve("lake"));
  }

  /**
   * Opens local mode over {@code data}, creating the default config (demo tenant) when there is
   * none; a newly created write key is printed to {@code out} once.
   */
  static LocalRuntime open(Options options, PrintWriter out) throws IOException {
    Path data = options.data();
    Files.createDirectories(data);
    Path config = options.config();
    ConfigFile.Loaded loaded = ConfigFile.loadOrCreateDefault(config);
    if (loaded.createdWriteKey() != null) {
      out.println("Created " + config + " with tenant 'demo' and source 'web'.");
      out.println(
          "Write key for demo/web (shown once, stored only as a hash): "
              + loaded.createdWriteKey());
      out.flush();
    }
    LocalRuntime rt = new LocalRuntime(data, config, loaded.config());
    rt.recordConfigChange(loaded.createdWriteKey() != null);
    return rt;
  }

  /** The SHA-256 of cdp.yaml as last recorded in this data directory's audit log. */
  private Path recordedConfigHash() {
    return data.resolve("config-recorded.sha256");
  }

  private String configHash() throws IOException {
    return AuditOptions.sha256(Files.readAllBytes(configFile));
  }

  /**
   * Records in the audit log a change of cdp.yaml that no cdp command made — an edit by hand, a
   * deployment tool — as {@code config.changed} by an unknown actor with the file's SHA-256 before
   * and after; and the creation of the default config on first use as {@code config.created}. cdp
   * keeps the hash as last recorded beside the data ({@code config-recorded.sha256}); changes made
   * by cdp's own commands are recorded by them ({@link #saveConfig}). A change that cannot be
   * recorded (damaged audit log) is reported on the log and recorded at a later load.
   */
  synchronized void recordConfigChange(boolean created) {
    try {
      String now = configHash();
      Path kept = recordedConfigHash();
      String before = Files.exists(kept) ? Files.readString(kept).strip() : null;
      if (now.equals(before)) {
        return;
      }
      String target = "config:" + configFile.getFileName();
      if (created) {
        record(
            AuditEvent.success(AuditOptions.actor(), "config.created", target, "first use")
                .with("tenants", "demo")
                .with("sha256", now));
      } else if (before != null) {
        record(
            new AuditEvent(
                    "unknown",
                    "config.changed",
                    target,
                    "changed outside cdp; detected when cdp loaded it",
                    "success",
                    null)
                .with("sha256_before", before)
                .with("sha256_after", now));
      }
      // else: a data directory from before this check; its current config is the baseline
      Files.writeString(kept, now + "\n");
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "{} changed, but the change could not be recorded in the audit log yet: {}",
          configFile,
          e.getMessage());
    }
  }

  Path data() {
    return data;
  }

  Path configFile() {
    return configFile;
  }

  Clock clock() {
    return clock;
  }

  LocalFileObjectStore lake() {
    return lake;
  }

  /** The data directory's table catalog, {@code catalog/} (ADR 0035). */
  LocalTableCatalog catalog() {
    return new LocalTableCatalog(data.resolve("catalog"));
  }

  /** The lake as the catalog's tables locate it: a {@code file:} URI of {@code lake/}. */
  String lakeUri() {
    return data.resolve("lake").toUri().toString();
  }

  SegmentCallValidator validator() {
    return validator;
  }

  /** The current tenants, re-read when cdp.yaml changed on disk (e.g. `cdp sources add`). */
  Tenants tenants() {
    try {
      FileTime now = Files.getLastModifiedTime(configFile);
      if (!now.equals(configMtime)) {
        synchronized (this) {
          if (!now.equals(configMtime)) {
            tenants.set(new Tenants(ConfigFile.load(configFile)));
            configMtime = now;
            recordConfigChange(false);
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // Keep serving with the last good config, and say why once per change of the file.
      try {
        FileTime bad = Files.getLastModifiedTime(configFile);
        if (!bad.equals(rejectedMtime)) {
          rejectedMtime = bad;
          LOG.warn(
              "{} was changed but is invalid; still using the previous configuration: {}",
              configFile,
              e.getMessage());
        }
      } catch (IOException gone) {
        LOG.warn("{} cannot be read; still using the previous configuration", configFile);
      }
    }
    return tenants.get();
  }

  void saveConfig(CdpConfig config) throws IOException {
    ConfigFile.save(config, configFile);
    tenants.set(new Tenants(config));
    configMtime = Files.getLastModifiedTime(configFile);
    // the command records its own event; this is the config that entry describes
    Files.writeString(recordedConfigHash(), configHash() + "\n");
  }

  /** The spool, opened (and locked) on first use. */
  synchronized Spool spool() throws IOException {
    if (spool == null) {
      spool = new Spool(data.resolve("spool"));
    }
    return spool;
  }

  IngestService ingest() throws IOException {
    return new IngestService(this::tenants, spool(), new RateLimiter(), validator, suppression());
  }

  LocalPipeline pipeline() throws IOException {
    return pipeline(this::tenants);
  }

  /** The pipeline with another source of tenants (the demo adds keys and a destination). */
  LocalPipeline pipeline(Supplier<Tenants> tenants) throws IOException {
    return new LocalPipeline(
            spool(),
            lake,
            tenants,
            validator,
            data.resolve("work"),
            clock,
            new PiiProtection(id -> tenants.get().tenant(id), piiKeys()))
        .withActivation(this::segments, this::eventBus)
        .withSuppression(suppression());
  }

  /**
   * A tenant's segments: those in cdp.yaml and those in {@code <data>/segments/<tenant>/}.
   *
   * @throws IllegalArgumentException naming the segment and path when a definition is invalid
   */
  Segments segments(TenantConfig tenant) {
    try {
      return SegmentDefinitions.load(tenant, SegmentDefinitions.folder(data, tenant.id()));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the segments of " + tenant.id() + " failed", e);
    }
  }

  /**
   * The local activation bus for {@code config}: destinations' files under {@code
   * <data>/activation/}.
   */
  EventPublisher eventBus(CdpConfig config) {
    return new LocalEventBus(
        config, data, LocalSecretStore.forDataDir(data), LocalEventBus.DEFAULT_DEADLINE);
  }

  /** The profile API over the local lake. */
  ProfileApi profileApi() {
    return new ProfileApi(this::tenants, profiles(), piiProtection());
  }

  /**
   * Key material of the tenants' PII policies: HMAC secrets from {@code <data>/secrets/}, data keys
   * wrapped by the master key in {@code <data>/keys/master.key} (ADR 0020).
   */
  synchronized PiiKeys piiKeys() {
    if (piiKeys == null) {
      piiKeys =
          new PiiKeys(lake, LocalKeyService.forDataDir(data), LocalSecretStore.forDataDir(data));
    }
    return piiKeys;
  }

  /** The tenants' PII policies, as the pipeline and lookups apply them. */
  PiiProtection piiProtection() {
    return new PiiProtection(id -> tenants().tenant(id), piiKeys());
  }

  /**
   * The forms an identifier typed by a person is stored in under {@code tenant}'s PII policy: for
   * each identifier type it is valid for, normalized, then hashed or tokenized where the policy
   * says so. Empty when the policy keeps identifiers in clear.
   */
  List<String> storedForms(String tenant, String identifier) {
    TenantConfig t = tenants().tenant(tenant).orElse(TenantConfig.named(tenant, tenant));
    IdentifierExtractor extractor =
        new IdentifierExtractor(t.identityRules(), t.defaultPhoneRegion());
    PiiProtection pii = piiProtection();
    List<String> out = new ArrayList<>();
    for (var rule : t.identityRules().identifiers()) {
      extractor
          .normalize(rule.type(), identifier)
          .flatMap(v -> pii.storedForm(t, rule.type(), v).filter(s -> !s.equals(v)))
          .ifPresent(out::add);
    }
    return out;
  }

  /** The lake's curated profiles; snapshots are re-checked at most once a second. */
  CuratedProfiles profiles() {
    return new CuratedProfiles(
        new CuratedStore(lake, data.resolve("work")), Duration.ofSeconds(1), clock);
  }

  /**
   * The audit log in {@code lake/_audit/}; appends from several {@code cdp} processes on one data
   * directory are serialized by a file lock on {@code audit.lock}.
   */
  synchronized AuditLog audit() {
    if (audit == null) {
      Path lockFile = data.resolve("audit.lock");
      audit =
          new AuditLog(
              lake,
              AuditLog.DEFAULT_PREFIX,
              clock,
              () -> {
                // A file lock is held per JVM: threads of one process queue on a lock per file
                // first, so a second runtime on the same directory waits instead of failing.
                ReentrantLock inProcess =
                    AUDIT_LOCKS.computeIfAbsent(lockFile, f -> new ReentrantLock());
                inProcess.lock();
                FileChannel channel = null;
                try {
                  channel =
                      FileChannel.open(
                          lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                  FileLock lock = channel.lock();
                  FileChannel open = channel;
                  return () -> {
                    try (open) {
                      lock.release();
                    } finally {
                      inProcess.unlock();
                    }
                  };
                } catch (IOException | RuntimeException e) {
                  if (channel != null) {
                    channel.close();
                  }
                  inProcess.unlock();
                  throw e;
                }
              });
    }
    return audit;
  }

  /** Each tenant's privacy key: {@code <data>/secrets/privacy-<tenant>} (docs/PRIVACY.md). */
  PrivacyKeys privacyKeys() {
    return new PrivacyKeys(LocalSecretStore.forDataDir(data), PrivacyKeys::localRef);
  }

  /**
   * Creates the tenant's privacy key (32 random bytes, mode 0600) unless it exists; returns whether
   * it was created.
   */
  boolean ensurePrivacyKey(String tenant) throws IOException {
    Path file = data.resolve("secrets").resolve(PrivacyKeys.localRef(tenant).name());
    if (Files.exists(file)) {
      return false;
    }
    byte[] random = new byte[32];
    new java.security.SecureRandom().nextBytes(random);
    new LocalSecretStore(data.resolve("secrets"), java.util.Map.of())
        .put(PrivacyKeys.localRef(tenant).name(), java.util.HexFormat.of().formatHex(random));
    return true;
  }

  /** The suppression lists of the lake, re-read at most once a second. */
  Suppression suppression() {
    return new Suppression(lake, privacyKeys(), Duration.ofSeconds(1), clock);
  }

  /** Records a privileged action in the audit log. */
  void record(AuditEvent event) throws IOException {
    audit().append(event);
  }

  DuckDbSqlEngine sql() throws SqlException {
    return new DuckDbSqlEngine(lake.root());
  }

  /** DuckDB over {@code tenant}'s data only (see {@link DuckDbSqlEngine#forTenant}). */
  DuckDbSqlEngine sql(String tenant) throws SqlException {
    return DuckDbSqlEngine.forTenant(lake.root(), tenant);
  }

  @Override
  public synchronized void close() throws IOException {
    if (spool != null) {
      spool.close();
      spool = null;
    }
  }
}
