package io.meridian.cdp.segment;

import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedStore.Pointer;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlEngine;
import io.meridian.cdp.sql.SqlException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * compute-segments with the set work inside the SQL engine (ADR 0017), in three steps that a state
 * machine can run as a task, a Map over segments, and a task:
 *
 * <ol>
 *   <li>{@link #plan}: the snapshots to read (profiles and identity graph in force, the previous
 *       membership) and the one to write, the run's time and id, the segments to evaluate; clears
 *       what a failed earlier attempt of the same run left;
 *   <li>{@link #members}, once per segment, in any order or in parallel: the engine writes the
 *       segment's new members under the new snapshot's directory;
 *   <li>{@link #changes}: the engine counts and writes the changes, then the tenant's {@code
 *       segments} pointer is switched to the new snapshot — last, so until then the previous
 *       membership stays in force and a retry recomputes the same run. A run that changes nothing
 *       (after the first) removes its membership and keeps the pointer: re-running is a no-op.
 * </ol>
 *
 * <p>Produces the same membership and changes as {@link ComputeSegments} (the local step, which
 * compares in Java); {@code EngineSegmentRunTest} runs both on DuckDB over the same lake. The
 * Lambda (or process) holds no member list: only SQL text, pointers and counts.
 */
public final class EngineSegmentRun {
  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final CuratedStore store;
  private final SqlEngine engine;
  private final SegmentStatements statements;

  public EngineSegmentRun(CuratedStore store, SqlEngine engine, SegmentStatements statements) {
    this.store = Objects.requireNonNull(store, "store");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.statements = Objects.requireNonNull(statements, "statements");
  }

  /**
   * What a run reads and writes, passed from step to step (a state machine carries it as JSON).
   *
   * @param snapshot the membership snapshot this run writes
   * @param previous the membership snapshot in force, 0 before the first run
   * @param profiles the profiles snapshot evaluated, 0 when there are no profiles yet
   * @param identity the identity snapshot behaviour conditions join through
   * @param at the run's time (milliseconds: what Athena's timestamps hold)
   * @param segments ids of the segments to evaluate (empty when there are no profiles)
   */
  public record Plan(
      String tenant,
      int snapshot,
      int previous,
      int profiles,
      int identity,
      Instant at,
      String runId,
      List<String> segments) {
    public Plan {
      segments = List.copyOf(segments);
    }
  }

  /**
   * What the run did.
   *
   * @param snapshot the membership snapshot in force after the run
   * @param runId {@code segment_changes.run_id} of this run's changes; empty for a no-op
   */
  public record Result(
      String tenant, int snapshot, String runId, long entered, long exited, boolean noop) {}

  /** Step 1: the run's plan, for the tenant's {@code segments} as of {@code now}. */
  public Plan plan(String tenant, Segments segments, Instant now) throws IOException {
    Instant at = now.truncatedTo(ChronoUnit.MILLIS);
    int previous = snapshot(tenant, SegmentTables.STEP);
    int profiles = snapshot(tenant, CuratedStore.PROFILES);
    int identity = snapshot(tenant, CuratedStore.IDENTITY);
    int next = previous + 1;
    clear(SegmentStatements.membershipPrefix(tenant, next));
    clear(ComputeSegments.changesPrefix(tenant, next));
    List<String> ids =
        profiles == 0 || identity == 0
            ? List.of()
            : segments.all().stream().map(Segment::id).toList();
    return new Plan(
        tenant,
        next,
        previous,
        profiles,
        identity,
        at,
        CuratedStore.snapshotName(next) + "-" + RUN_TIME.format(at),
        ids);
  }

  /** Step 2: writes the new members of one segment of the plan. */
  public void members(Plan plan, String segmentId, Segments segments)
      throws IOException, SqlException {
    if (!plan.segments().contains(segmentId)) {
      throw new IllegalArgumentException(
          "segment '" + segmentId + "' is not one of the run's segments " + plan.segments());
    }
    Segment segment =
        segments
            .find(segmentId)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "segment '" + segmentId + "' is no longer defined; the next run drops it"));
    String location = SegmentStatements.membersPrefix(plan.tenant(), plan.snapshot(), segmentId);
    clear(location);
    SegmentQuery q =
        statements.members(
            plan.tenant(),
            segment,
            segments,
            plan.profiles(),
            plan.identity(),
            plan.previous(),
            plan.at());
    engine.unload(q.sql(), q.parameters(), location);
  }

  /** Step 3: writes the changes and switches the pointer (or, when nothing changed, does not). */
  public Result changes(Plan plan) throws IOException, SqlException {
    String tenant = plan.tenant();
    Pointer previous = store.pointer(tenant, SegmentTables.STEP).orElse(null);
    int inForce = previous == null ? 0 : previous.snapshot();
    if (inForce != plan.previous()) {
      throw new IllegalStateException(
          "tenant "
              + tenant
              + ": the segments snapshot in force is "
              + inForce
              + ", the plan was made over "
              + plan.previous()
              + "; another run finished in between (one run per tenant at a time)");
    }
    int next = plan.segments().isEmpty() ? 0 : plan.snapshot();
    long entered = 0;
    long exited = 0;
    if (next != 0 || plan.previous() != 0) { // both sides empty: nothing to ask the engine
      SegmentQuery count =
          statements.countChanges(tenant, next, plan.previous(), plan.at(), plan.runId());
      QueryResult counts = engine.query(count.sql(), count.parameters());
      entered = number(counts.rows().get(0).get(0));
      exited = number(counts.rows().get(0).get(1));
    }
    if (entered + exited == 0 && previous != null) {
      clear(SegmentStatements.membershipPrefix(tenant, plan.snapshot()));
      return new Result(tenant, previous.snapshot(), "", 0, 0, true);
    }
    if (entered + exited > 0) {
      SegmentQuery changes =
          statements.changes(tenant, next, plan.previous(), plan.at(), plan.runId());
      engine.unload(
          changes.sql(),
          changes.parameters(),
          ComputeSegments.changesPrefix(tenant, plan.snapshot()));
    }
    Pointer switched =
        new Pointer(
            plan.snapshot(),
            0,
            plan.at().toEpochMilli() * 1_000,
            plan.runId(),
            List.of(),
            Map.of(
                SegmentTables.MEMBERSHIP.name(),
                SegmentStatements.membershipPrefix(tenant, plan.snapshot())),
            "");
    store.switchTo(
        tenant, SegmentTables.STEP, switched, previous == null ? Pointer.initial() : previous);
    return new Result(tenant, plan.snapshot(), plan.runId(), entered, exited, false);
  }

  private int snapshot(String tenant, String step) throws IOException {
    return store.pointer(tenant, step).map(Pointer::snapshot).orElse(0);
  }

  private void clear(String prefix) throws IOException {
    for (String key : store.objects().list(prefix)) {
      store.objects().delete(key);
    }
  }

  private static long number(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }
}
