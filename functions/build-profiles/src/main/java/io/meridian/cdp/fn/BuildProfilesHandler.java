package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.meridian.cdp.aws.CurateTask;
import io.meridian.cdp.aws.telemetry.Metrics;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.TenantLease;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code BuildProfiles} task of {@code statemachines/curate.asl.json}, run after {@code
 * ResolveIdentities} for the same tenant: runs {@link BuildProfiles} for the tenant of the input
 * {@code {"tenant": "acme"}} with the tenant's identity rules (trait policies) from {@code
 * cdp.yaml}, and returns what the run did as a JSON object ({@code noop} is true when the identity
 * graph held no clean file the profiles lacked). The lake is read and written through the
 * object-store port.
 *
 * <p>An input without a valid tenant id, or naming a tenant that {@code cdp.yaml} does not declare,
 * throws {@link IllegalArgumentException}: the task fails and the state machine records it for that
 * tenant without retrying. A lake failure throws {@link UncheckedIOException}; the snapshot in
 * force is unchanged (the step switches its pointer last), so running the task again is safe. One
 * writer per tenant at a time: the task holds the tenant's lease (owner {@code curate:<input's
 * "execution">}, ADR 0031) while it runs; when an erasure or another execution holds it, it throws
 * {@link io.meridian.cdp.identity.TenantBusyException} before reading anything (the state machine
 * retries that with back-off).
 *
 * <p>Environment: {@code LAKE_BUCKET}, optionally {@code LAKE_KMS_KEY_ID}, {@code CONFIG_BUCKET}
 * and {@code CONFIG_KEY} (read once at cold start; {@code cdp.yaml} itself is read on every
 * invocation, so a tenant added or a rule changed applies to the next run), {@code AWS_REGION} (set
 * by Lambda). Parquet files are assembled in {@code /tmp/cdp-work}.
 */
public final class BuildProfilesHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(BuildProfilesHandler.class);
  private final CurateTask task;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public BuildProfilesHandler() {
    this(CurateTask.fromEnvironment());
  }

  /**
   * @param config the tenant config in force, asked on every invocation
   * @param workDir where Parquet files are assembled before they are stored
   */
  BuildProfilesHandler(ObjectStore lake, Supplier<CdpConfig> config, Path workDir) {
    this(new CurateTask(lake, config, workDir));
  }

  private BuildProfilesHandler(CurateTask task) {
    this.task = task;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    TenantConfig tenant = task.begin(input, context);
    // one writer of the tenant's curated pointers at a time (ADR 0031); busy: retried by the ASL
    try (TenantLease.Held lease =
        task.lease(Clock.systemUTC()).acquire(tenant.id(), CurateTask.owner(input))) {
      BuildProfiles.Result r =
          new BuildProfiles(task.store()).run(tenant.id(), tenant.identityRules());
      LOG.info(
          "build-profiles {}: snapshot {}, files {}, events {}, profiles {}{}",
          r.tenant(),
          r.snapshot(),
          r.filesRead(),
          r.events(),
          r.profiles(),
          r.rebuilt() ? " (rebuilt)" : r.noop() ? " (nothing new)" : "");
      Metrics.stage("profiles")
          .count("ProfileEvents", r.events())
          .count("ProfilesWritten", r.noop() ? 0 : r.profiles())
          .publish();
      return output(r);
    } catch (IOException e) {
      throw new UncheckedIOException("build-profiles for tenant " + tenant.id() + " failed", e);
    }
  }

  static Map<String, Object> output(BuildProfiles.Result r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tenant", r.tenant());
    out.put("snapshot", r.snapshot());
    out.put("noop", r.noop());
    out.put("rebuilt", r.rebuilt());
    out.put("filesRead", r.filesRead());
    out.put("events", r.events());
    out.put("profiles", r.profiles());
    return out;
  }
}
