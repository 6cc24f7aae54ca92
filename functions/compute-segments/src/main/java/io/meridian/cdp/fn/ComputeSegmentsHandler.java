package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.meridian.cdp.aws.AthenaSqlEngine;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.CurateTask;
import io.meridian.cdp.aws.telemetry.Metrics;
import io.meridian.cdp.identity.TenantLease;
import io.meridian.cdp.segment.EngineSegmentRun;
import io.meridian.cdp.segment.SegmentStatements;
import io.meridian.cdp.segment.Segments;
import io.meridian.cdp.sql.SqlEngine;
import io.meridian.cdp.sql.SqlException;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment tasks of {@code statemachines/curate.asl.json}, after {@code BuildProfiles}: one
 * function, three steps of {@link EngineSegmentRun} chosen by the input's {@code step} (ADR 0017),
 * and the release of the tenant's lease when a step failed:
 *
 * <ul>
 *   <li>{@code {"tenant": "acme", "step": "plan"}} → the run's plan: {@code tenant, snapshot,
 *       previous, profiles, identity, at, runId, segments} (the segment ids the Map iterates);
 *   <li>{@code {"tenant": ..., "step": "members", "segment": "vip", "plan": {...}}} → Athena
 *       UNLOADs the segment's new members; returns {@code {"segment": "vip"}};
 *   <li>{@code {"tenant": ..., "step": "changes", "plan": {...}}} → Athena counts and UNLOADs the
 *       changes, the segments pointer is switched; returns {@code tenant, snapshot, runId, entered,
 *       exited, noop}.
 *   <li>{@code {"tenant": ..., "step": "release"}} → frees the tenant's lease if this execution
 *       holds it; returns {@code {"tenant", "released": true|false}}.
 * </ul>
 *
 * <p>Segments are the tenant's {@code segments:} in {@code cdp.yaml}. The function holds no member
 * list and no Parquet: Athena reads the curated snapshots the pointers name and writes the results
 * to the lake. An input without a valid tenant, step or plan throws {@link
 * IllegalArgumentException} (not retried); a failed query throws {@link IllegalStateException} with
 * Athena's message, a lake failure {@link UncheckedIOException}. Every step can be run again: what
 * a failed attempt wrote is cleared first, and the pointer is switched last.
 *
 * <p>One writer per tenant (ADR 0031): {@code plan} takes the tenant's lease (owner {@code
 * curate:<input's "execution">}, carried in the plan as {@code lease}; an erasure or another run
 * holding it throws {@link io.meridian.cdp.identity.TenantBusyException}, retried by the state
 * machine), {@code members} renews it and {@code changes} renews then releases it. A run that lost
 * the lease (it expired and another writer took it) throws {@link TenantLease.LostException}. When
 * any step of a tenant's iteration fails, the state machine's Catch path runs {@code {"tenant":
 * ..., "step": "release"}}, which frees the tenant's lease if this execution (the input's {@code
 * execution}) still holds it — and nothing else: a lease another owner holds is left alone.
 *
 * <p>Environment: {@code LAKE_BUCKET}, optionally {@code LAKE_KMS_KEY_ID}, {@code CONFIG_BUCKET},
 * {@code CONFIG_KEY}, {@code ATHENA_WORKGROUP} (whose result location holds UNLOAD's manifests),
 * {@code AWS_REGION} (set by Lambda).
 */
public final class ComputeSegmentsHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(ComputeSegmentsHandler.class);

  /** The plan's field naming the owner of the tenant's lease for the run. */
  static final String LEASE = "lease";

  /** The longest one Athena query may take: below the function's 15-minute timeout. */
  static final Duration QUERY_TIMEOUT = Duration.ofMinutes(13);

  private final CurateTask task;
  private final SqlEngine engine;
  private final SegmentStatements statements;
  private final Clock clock;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public ComputeSegmentsHandler() {
    this(
        CurateTask.fromEnvironment(),
        new AthenaSqlEngine(
            AwsEnvironment.athena(),
            AwsEnvironment.require(AwsEnvironment.ATHENA_WORKGROUP),
            QUERY_TIMEOUT,
            AwsEnvironment.require(AwsEnvironment.LAKE_BUCKET)),
        new SegmentStatements(SegmentStatements.athena()),
        Clock.systemUTC());
  }

  /**
   * @param engine runs the statements and writes their results into the lake
   * @param statements the segment SQL of the engine's dialect
   */
  ComputeSegmentsHandler(
      CurateTask task, SqlEngine engine, SegmentStatements statements, Clock clock) {
    this.task = task;
    this.engine = engine;
    this.statements = statements;
    this.clock = clock;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    TenantConfig tenant = task.begin(input, context);
    Segments segments = tenant.segmentDefinitions();
    EngineSegmentRun run = new EngineSegmentRun(task.store(), engine, statements);
    Object step = input.get("step");
    try {
      TenantLease lease = task.lease(clock);
      if ("plan".equals(step)) {
        // the run holds the tenant's lease from its plan to its changes (ADR 0031)
        String owner = CurateTask.owner(input);
        lease.acquire(tenant.id(), owner);
        EngineSegmentRun.Plan plan;
        try {
          plan = run.plan(tenant.id(), segments, clock.instant());
        } catch (IOException | RuntimeException e) {
          lease.release(tenant.id(), owner);
          throw e;
        }
        LOG.info(
            "compute-segments {}: plan of snapshot {} over profiles {}, {} segments",
            plan.tenant(),
            plan.snapshot(),
            plan.profiles(),
            plan.segments().size());
        Map<String, Object> out = planOutput(plan);
        out.put(LEASE, owner);
        return out;
      }
      if ("members".equals(step)) {
        EngineSegmentRun.Plan plan = plan(input, tenant.id());
        String segment = text(input, "segment");
        lease.renew(tenant.id(), leaseOwner(input));
        run.members(plan, segment, segments);
        LOG.info("compute-segments {}: members of {} written", plan.tenant(), segment);
        return Map.of("segment", segment);
      }
      if ("changes".equals(step)) {
        EngineSegmentRun.Plan plan = plan(input, tenant.id());
        String owner = leaseOwner(input);
        lease.renew(tenant.id(), owner);
        EngineSegmentRun.Result r = run.changes(plan);
        lease.release(tenant.id(), owner);
        LOG.info(
            "compute-segments {}: snapshot {}, entered {}, exited {}{}",
            r.tenant(),
            r.snapshot(),
            r.entered(),
            r.exited(),
            r.noop() ? " (nothing changed)" : "");
        Metrics.stage("segments")
            .count("MembersEntered", r.entered())
            .count("MembersExited", r.exited())
            .publish();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant", r.tenant());
        out.put("snapshot", r.snapshot());
        out.put("runId", r.runId());
        out.put("entered", r.entered());
        out.put("exited", r.exited());
        out.put("noop", r.noop());
        return out;
      }
      if ("release".equals(step)) {
        // the failure path of a tenant's iteration: frees what this execution still holds
        boolean released = lease.release(tenant.id(), CurateTask.owner(input));
        LOG.info(
            "compute-segments {}: lease {}",
            tenant.id(),
            released ? "released after a failed step" : "not held by this execution");
        return Map.of("tenant", tenant.id(), "released", released);
      }
      throw new IllegalArgumentException(
          "the task input's step must be plan, members, changes or release, got " + step);
    } catch (IOException e) {
      throw new UncheckedIOException("compute-segments for tenant " + tenant.id() + " failed", e);
    } catch (SqlException e) {
      throw new IllegalStateException(
          "compute-segments for tenant " + tenant.id() + ": " + e.getMessage(), e);
    }
  }

  static Map<String, Object> planOutput(EngineSegmentRun.Plan plan) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tenant", plan.tenant());
    out.put("snapshot", plan.snapshot());
    out.put("previous", plan.previous());
    out.put("profiles", plan.profiles());
    out.put("identity", plan.identity());
    out.put("at", plan.at().toString());
    out.put("runId", plan.runId());
    out.put("segments", plan.segments());
    return out;
  }

  /** The plan a {@code members} or {@code changes} input carries, for the input's tenant. */
  static EngineSegmentRun.Plan plan(Map<String, Object> input, String tenant) {
    if (!(input.get("plan") instanceof Map<?, ?> p)) {
      throw new IllegalArgumentException("the task input must carry the run's \"plan\"");
    }
    if (!tenant.equals(p.get("tenant"))) {
      throw new IllegalArgumentException("the plan is not tenant " + tenant + "'s");
    }
    List<String> segments = new ArrayList<>();
    if (p.get("segments") instanceof List<?> ids) {
      ids.forEach(id -> segments.add(String.valueOf(id)));
    }
    try {
      return new EngineSegmentRun.Plan(
          tenant,
          number(p, "snapshot"),
          number(p, "previous"),
          number(p, "profiles"),
          number(p, "identity"),
          Instant.parse(String.valueOf(p.get("at"))),
          String.valueOf(p.get("runId")),
          segments);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the task input's plan is invalid: " + e.getMessage(), e);
    }
  }

  /** The owner of the tenant's lease a plan carries (the execution that made the plan). */
  static String leaseOwner(Map<String, Object> input) {
    if (input.get("plan") instanceof Map<?, ?> p && p.get(LEASE) instanceof String owner) {
      return owner;
    }
    throw new IllegalArgumentException("the task input's plan must carry its \"" + LEASE + "\"");
  }

  private static int number(Map<?, ?> map, String key) {
    if (!(map.get(key) instanceof Number n)) {
      throw new IllegalArgumentException("\"" + key + "\" must be a number");
    }
    return n.intValue();
  }

  private static String text(Map<String, Object> input, String key) {
    if (!(input.get(key) instanceof String s)) {
      throw new IllegalArgumentException("the task input must name the \"" + key + "\"");
    }
    return s;
  }
}
