package io.meridian.cdp.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.CuratedErasure;
import io.meridian.cdp.identity.CuratedErasure.Person;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.TenantLease;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.lake.ArchivedObjectException;
import io.meridian.cdp.lake.ArchivedObjects;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.lake.ObjectVersions;
import io.meridian.cdp.segment.SegmentTables;
import io.meridian.cdp.tenant.Ids;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Erases one person from a tenant's lake (GDPR Art. 17, CCPA): the engine behind {@code cdp privacy
 * erase} and the AWS erasure function, over the {@link ObjectStore} port only.
 *
 * <p>A request is a job with a persisted state ({@code _state/privacy/tenant=T/erasure/<id>.json})
 * whose steps run in order — {@code plan} (find the person through the identity graph), {@code
 * suppress}, {@code find} (their events in clean and quarantine, the raw objects holding them, once
 * every call accepted before the suppression is in the clean zone: see {@link InFlight}), {@code
 * clean}, {@code quarantine}, {@code identity}, {@code profiles}, {@code segments}, {@code raw},
 * {@code report} — each recorded when done. Every step only removes what is still there, so a step
 * cut short by a crash is simply run again; a re-run of a finished request does nothing new and
 * returns its report. The request id is a keyed hash of the tenant and the normalized identifier:
 * the same person asked for twice is one job. ADR 0021.
 *
 * <p>On a store that writes conditionally (S3) the job holds the tenant's {@link TenantLease} from
 * its first call to its last (owner {@code erasure:<request id>}), renewed before each step, so no
 * curate step switches the tenant's curated pointers in between (ADR 0031); another holder makes
 * the call throw {@link io.meridian.cdp.identity.TenantBusyException} before anything is done.
 */
public final class Erasure {
  /** The steps, in the order they run. */
  public static final List<String> STEPS =
      List.of(
          "plan",
          "suppress",
          "find",
          "clean",
          "quarantine",
          "identity",
          "profiles",
          "segments",
          "raw",
          "report");

  /** Called before each step runs (tests inject a crash here). */
  @FunctionalInterface
  public interface StepHook {
    void before(String step) throws IOException;
  }

  /**
   * Asked before each step after the plan whether there is time to run it; when not, the state is
   * kept and {@link #erase(TenantConfig, String, String, String, String, Budget)} returns {@link
   * InProgress}, and the next call resumes there (a Lambda function stops before its time limit).
   */
  @FunctionalInterface
  public interface Budget {
    Budget UNLIMITED = step -> true;

    boolean allows(String step);
  }

  /**
   * Calls a tenant accepted that may not have reached the clean zone yet. The person's events are
   * looked for after their identifiers are suppressed at ingestion; a call accepted just before
   * that may still be on its way (on AWS: in the stream, or a raw object not converted yet), and
   * would land in the clean zone after the search. The {@code find} step waits until none can be.
   */
  @FunctionalInterface
  public interface InFlight {
    /** Nothing in flight: the local runtime converts everything pending before it erases. */
    InFlight NONE = (tenant, since) -> Optional.empty();

    /**
     * Why calls of {@code tenant} accepted before {@code suppressedAt} may not be in the clean zone
     * yet, and when to ask again; empty when they all are.
     */
    Optional<Wait> pending(TenantConfig tenant, Instant suppressedAt) throws IOException;
  }

  /**
   * @param why what is waited for (counts and times, never an identifier)
   * @param retryAfter when asking again is useful
   */
  public record Wait(String why, Duration retryAfter) {}

  private final ObjectStore store;
  private final CuratedStore curated;
  private final PrivacyKeys keys;
  private final Suppression suppression;
  private final AuditLog audit;
  private final Clock clock;
  private final StepHook hook;
  private InFlight inFlight = InFlight.NONE;

  /**
   * @param audit where requests are recorded (may be null only where the caller records them)
   */
  public Erasure(
      ObjectStore store,
      Path workDir,
      PrivacyKeys keys,
      Suppression suppression,
      AuditLog audit,
      Clock clock,
      StepHook hook) {
    this.store = store;
    this.curated = new CuratedStore(store, workDir);
    this.keys = keys;
    this.suppression = suppression;
    this.audit = audit;
    this.clock = clock;
    this.hook = hook == null ? step -> {} : hook;
  }

  /** Waits for {@code inFlight} before looking for the person's events (default: nothing). */
  public Erasure withInFlight(InFlight inFlight) {
    this.inFlight = inFlight;
    return this;
  }

  /** How a request ended. */
  public sealed interface Outcome
      permits NotFound, Done, InProgress, WaitingForRestore, WaitingForPipeline {
    String requestId();
  }

  /** The identifier is held by no profile of the tenant (and no earlier request erased it). */
  public record NotFound(String requestId) implements Outcome {}

  /**
   * The budget ran out before {@code nextStep}: the steps done so far are recorded, and the same
   * request made again resumes at {@code nextStep}.
   */
  public record InProgress(String requestId, String nextStep) implements Outcome {}

  /**
   * Every step before {@code raw} is done, and raw objects of the person are archived (S3 Deep
   * Archive): their restore is requested and the raw objects that could be read are rewritten. The
   * same request made again once the copies are readable (hours later) finishes the job.
   *
   * @param archived how many raw objects still wait for their restored copy
   */
  public record WaitingForRestore(String requestId, int archived) implements Outcome {}

  /**
   * The person is suppressed, but calls accepted before that may not be in the clean zone yet
   * ({@link InFlight}); nothing was erased yet. The same request made again after {@code
   * until.retryAfter()} goes on.
   */
  public record WaitingForPipeline(String requestId, Wait until) implements Outcome {}

  /**
   * The person is erased.
   *
   * @param alreadyDone the request had completed before; nothing was done now
   * @param resumed an earlier attempt had stopped part-way; its remaining steps ran now
   */
  public record Done(
      String requestId, String reportKey, ObjectNode report, boolean alreadyDone, boolean resumed)
      implements Outcome {}

  public static String stateKey(String tenant, String requestId) {
    return "_state/privacy/tenant="
        + Ids.require("tenant", tenant)
        + "/erasure/"
        + requestId
        + ".json";
  }

  public static String reportKey(String tenant, String requestId) {
    return "_privacy/reports/tenant=" + Ids.require("tenant", tenant) + "/" + requestId + ".json";
  }

  /**
   * Erases the person holding identifier {@code value} of type {@code type} in {@code tenant}.
   *
   * @throws IllegalArgumentException when the type is not configured, the value is not a valid
   *     identifier of that type, or it is shared by several people
   */
  public Outcome erase(TenantConfig tenant, String type, String value, String reason, String actor)
      throws IOException {
    return erase(tenant, type, value, reason, actor, Budget.UNLIMITED);
  }

  /**
   * Like {@link #erase(TenantConfig, String, String, String, String)}, running only the steps
   * {@code budget} allows: a step not allowed ends this call with {@link InProgress} (recorded in
   * the audit log) and the next call with the same request resumes there.
   */
  public Outcome erase(
      TenantConfig tenant, String type, String value, String reason, String actor, Budget budget)
      throws IOException {
    Subject subject = Subject.of(tenant, type, value, keys);
    String requestId = "er-" + subject.hash().substring(0, 24);
    AuditEvent event =
        new AuditEvent(actor, "privacy.erase", "tenant:" + tenant.id(), reason, "success", null)
            .with("request", requestId)
            .with("identifier_type", subject.type())
            .with("identifier_hash", subject.hash());
    if (audit != null) {
      audit.requireAppendable();
    }
    String stateKey = stateKey(tenant.id(), requestId);
    ObjectNode state = store.get(stateKey).map(Erasure::parse).orElse(null);
    if (state != null && state.has("completedAt")) {
      record(event.with("result", "already_erased"));
      String key = state.path("reportKey").asText();
      ObjectNode report = store.get(key).map(Erasure::parse).orElse(null);
      return new Done(requestId, key, report, true, false);
    }
    boolean resumed = state != null;
    // One writer of the tenant's curated pointers at a time (ADR 0031): the job holds the tenant's
    // lease from its first step to its end, across the invocations of a paused job (same owner).
    Optional<TenantLease> lease = TenantLease.over(store, clock);
    String owner = "erasure:" + requestId;
    if (lease.isPresent()) {
      lease.get().acquire(tenant.id(), owner);
    }
    try {
      if (state == null) {
        CuratedErasure erasure = new CuratedErasure(curated);
        Optional<Person> person = erasure.find(tenant.id(), subject.type(), subject.value());
        if (person.isEmpty()) {
          record(
              new AuditEvent(
                      actor,
                      "privacy.erase",
                      "tenant:" + tenant.id(),
                      reason,
                      "failure",
                      event.details())
                  .with("result", "not_found"));
          release(lease, tenant.id(), owner);
          return new NotFound(requestId);
        }
        for (CuratedErasure.Identifier id : person.get().identifiers()) {
          if (id.shared()
              && id.type().equals(subject.type())
              && id.value().equals(subject.value())) {
            throw new IllegalArgumentException(
                "this "
                    + subject.type()
                    + " is shared by several people (e.g. a family device); erase by an identifier"
                    + " of the person alone");
          }
        }
        hook.before("plan");
        state = plan(tenant, subject, requestId, person.get(), reason, actor);
        store.put(stateKey, Json.MAPPER.writeValueAsBytes(state));
      }
      for (String step : STEPS.subList(1, STEPS.size())) {
        if (state.path("steps").has(step)) {
          continue;
        }
        if (!budget.allows(step)) {
          record(event.with("result", "in progress; continues at step " + step));
          return new InProgress(requestId, step);
        }
        if (lease.isPresent()) {
          lease.get().renew(tenant.id(), owner);
        }
        hook.before(step);
        if (step.equals("find")) {
          Optional<Wait> wait = find(tenant, subject, state);
          if (wait.isPresent()) {
            store.put(stateKey, Json.MAPPER.writeValueAsBytes(state));
            // nothing is rewritten yet: curate need not wait for the pipeline either
            release(lease, tenant.id(), owner);
            record(event.with("result", "in progress; waiting: " + wait.get().why()));
            return new WaitingForPipeline(requestId, wait.get());
          }
          ((ObjectNode) state.get("steps")).put(step, clock.instant().toString());
          store.put(stateKey, Json.MAPPER.writeValueAsBytes(state));
          continue;
        }
        int archived = run(step, tenant.id(), state);
        if (archived > 0) {
          store.put(stateKey, Json.MAPPER.writeValueAsBytes(state));
          // the curated steps are done: curate need not wait hours for the restores
          release(lease, tenant.id(), owner);
          record(
              event.with(
                  "result",
                  "in progress; waiting for " + archived + " archived raw objects to be restored"));
          return new WaitingForRestore(requestId, archived);
        }
        ((ObjectNode) state.get("steps")).put(step, clock.instant().toString());
        store.put(stateKey, Json.MAPPER.writeValueAsBytes(state));
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        // an invalid request ends here; any other failure is retried and keeps the lease
        release(lease, tenant.id(), owner);
      } else {
        record(
            new AuditEvent(
                    actor,
                    "privacy.erase",
                    "tenant:" + tenant.id(),
                    reason,
                    "failure",
                    event.details())
                .with("result", "interrupted; run the same request again to resume"));
      }
      throw e;
    }
    release(lease, tenant.id(), owner);
    String key = state.path("reportKey").asText();
    ObjectNode report = parse(store.get(key).orElseThrow());
    AuditEvent done = event.with("result", resumed ? "erased (resumed)" : "erased");
    for (Map.Entry<String, Long> f : counts(report).entrySet()) {
      done = done.with("removed_" + f.getKey(), Long.toString(f.getValue()));
    }
    record(done);
    return new Done(requestId, key, report, false, resumed);
  }

  private static void release(Optional<TenantLease> lease, String tenant, String owner)
      throws IOException {
    if (lease.isPresent()) {
      lease.get().release(tenant, owner);
    }
  }

  private void record(AuditEvent e) throws IOException {
    if (audit != null) {
      audit.append(e);
    }
  }

  /** An identifier normalized as identity resolution stores it, and its keyed hash. */
  record Subject(String tenant, String type, String value, String hash) {
    static Subject of(TenantConfig tenant, String type, String value, PrivacyKeys keys) {
      var rules = tenant.identityRules();
      if (!rules.typeNames().contains(type)) {
        throw new IllegalArgumentException(
            "identifier type '"
                + type
                + "' is not configured for tenant "
                + tenant.id()
                + "; use one of "
                + String.join(", ", rules.typeNames()));
      }
      String normalized =
          new io.meridian.cdp.identity.IdentifierExtractor(rules, tenant.defaultPhoneRegion())
              .normalize(type, value)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "the value is not a usable " + type + " (empty, too long or invalid)"));
      return new Subject(
          tenant.id(),
          type,
          normalized,
          keys.hmac(tenant.id(), PrivacyKeys.REQUEST, tenant.id(), type, normalized));
    }
  }

  private ObjectNode plan(
      TenantConfig tenant,
      Subject subject,
      String requestId,
      Person person,
      String reason,
      String actor)
      throws IOException {
    ObjectNode state = Json.MAPPER.createObjectNode();
    state.put("requestId", requestId);
    state.put("tenant", tenant.id());
    state.put("identifierType", subject.type());
    state.put("identifierHash", subject.hash());
    state.put("reason", reason == null ? "" : reason);
    state.put("actor", actor);
    state.put("requestedAt", clock.instant().toString());
    state.putObject("steps").put("plan", clock.instant().toString());
    ObjectNode plan = state.putObject("plan");
    plan.put("profileId", person.profileId());
    strings(plan.putArray("profileIds"), person.profileIds());
    Set<String> hashes = new TreeSet<>();
    for (CuratedErasure.Identifier id : person.identifiers()) {
      if (!id.shared()) {
        hashes.add(suppression.hash(tenant.id(), id.type(), id.value()));
      }
    }
    strings(plan.putArray("suppression"), hashes);
    plan.put("identifiers", person.identifiers().size());
    state.putObject("removed");
    return state;
  }

  /**
   * The {@code find} step: once nothing accepted before the suppression can still be on its way
   * (else the wait), the person's events in clean and quarantine and the raw objects holding them.
   * A job planned by an earlier version found them in its plan.
   */
  private Optional<Wait> find(TenantConfig tenant, Subject subject, ObjectNode state)
      throws IOException {
    ObjectNode plan = (ObjectNode) state.get("plan");
    if (plan.has("messageIds")) {
      return Optional.empty();
    }
    Instant suppressedAt = Instant.parse(state.path("steps").path("suppress").asText());
    Optional<Wait> wait = inFlight.pending(tenant, suppressedAt);
    if (wait.isPresent()) {
      return wait;
    }
    // The state holds no identifier in clear: the person is looked up again (a curate run since
    // the plan may have added identifiers or merged profiles in; those are suppressed too).
    Person person =
        new CuratedErasure(curated)
            .find(tenant.id(), subject.type(), subject.value())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the person planned for erasure is no longer in the identity graph"));
    Set<String> profileIds = new TreeSet<>(set(plan.get("profileIds")));
    profileIds.addAll(person.profileIds());
    strings(plan.putArray("profileIds"), profileIds);
    Set<String> hashes = new TreeSet<>(set(plan.get("suppression")));
    for (CuratedErasure.Identifier id : person.identifiers()) {
      if (!id.shared()) {
        hashes.add(suppression.hash(tenant.id(), id.type(), id.value()));
      }
    }
    if (hashes.size() > plan.get("suppression").size()) {
      suppression.add(tenant.id(), state.get("requestId").asText(), hashes);
      strings(plan.putArray("suppression"), hashes);
      ((ObjectNode) state.get("removed")).put("suppressedIdentifiers", hashes.size());
    }
    PersonEvents.Found found = PersonEvents.find(curated, tenant, person);
    strings(plan.putArray("messageIds"), found.messageIds());
    strings(plan.putArray("cleanFiles"), found.cleanFiles());
    strings(plan.putArray("rawObjects"), found.rawObjects());
    strings(plan.putArray("quarantineIds"), found.quarantineIds());
    strings(plan.putArray("quarantineFiles"), found.quarantineFiles());
    return Optional.empty();
  }

  private static void strings(ArrayNode into, Iterable<String> values) {
    new TreeSet<String>(toList(values)).forEach(into::add);
  }

  private static List<String> toList(Iterable<String> values) {
    List<String> out = new ArrayList<>();
    values.forEach(out::add);
    return out;
  }

  private static Set<String> set(JsonNode array) {
    Set<String> out = new HashSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Runs one step; returns how many raw objects it could not read yet because they are archived (0:
   * the step is done).
   */
  private int run(String step, String tenant, ObjectNode state) throws IOException {
    ObjectNode plan = (ObjectNode) state.get("plan");
    ObjectNode removed = (ObjectNode) state.get("removed");
    Set<String> profileIds = set(plan.get("profileIds"));
    // found by the find step; the suppress step runs before it
    Set<String> messageIds = plan.has("messageIds") ? set(plan.get("messageIds")) : Set.of();
    CuratedErasure erasure = new CuratedErasure(curated);
    switch (step) {
      case "suppress" -> {
        Set<String> hashes = set(plan.get("suppression"));
        suppression.add(tenant, state.get("requestId").asText(), hashes);
        removed.put("suppressedIdentifiers", hashes.size());
      }
      case "clean" -> {
        long rows = 0;
        for (JsonNode f : plan.get("cleanFiles")) {
          rows += PersonEvents.rewriteClean(curated, f.asText(), messageIds);
        }
        // every planned file held the person, whichever attempt rewrote it
        removed.set("cleanFiles", plan.get("cleanFiles").deepCopy());
        deletePreviousVersions(removed, "cleanPreviousVersionsDeleted", plan.get("cleanFiles"));
        // a resumed step counts what this attempt removed; the first attempt's count is kept
        removed.put("cleanRows", Math.max(rows, removed.path("cleanRows").asLong(0)));
      }
      case "quarantine" -> {
        long rows = 0;
        Set<String> ids = set(plan.get("quarantineIds"));
        for (JsonNode f : plan.get("quarantineFiles")) {
          rows += PersonEvents.rewriteQuarantine(curated, f.asText(), ids);
        }
        removed.set("quarantineFiles", plan.get("quarantineFiles").deepCopy());
        deletePreviousVersions(
            removed, "quarantinePreviousVersionsDeleted", plan.get("quarantineFiles"));
        removed.put("quarantineRows", Math.max(rows, removed.path("quarantineRows").asLong(0)));
      }
      case "identity" -> {
        put(removed, erasure.eraseIdentity(tenant, profileIds, messageIds));
        deleteNoncurrentVersions(removed, tenant, CuratedStore.IDENTITY);
      }
      case "profiles" -> {
        put(removed, erasure.eraseProfiles(tenant, profileIds));
        deleteNoncurrentVersions(removed, tenant, CuratedStore.PROFILES);
      }
      case "segments" -> {
        put(removed, erasure.eraseSegments(tenant, profileIds));
        deleteNoncurrentVersions(removed, tenant, SegmentTables.STEP);
      }
      case "raw" -> {
        // objects rewritten by an earlier attempt that waited for archived ones are not read again
        ObjectNode progress =
            state.get("rawProgress") instanceof ObjectNode p ? p : state.putObject("rawProgress");
        ArrayNode done =
            progress.get("rewritten") instanceof ArrayNode a ? a : progress.putArray("rewritten");
        Set<String> rewritten = set(done);
        long lines = progress.path("lines").asLong(0);
        long versions = progress.path("versionsDeleted").asLong(0);
        int archived = 0;
        Set<String> lineIds = new HashSet<>(messageIds);
        lineIds.addAll(set(plan.get("quarantineIds")));
        for (JsonNode k : plan.get("rawObjects")) {
          String key = k.asText();
          if (rewritten.contains(key)) {
            continue;
          }
          try {
            lines += rewriteRaw(tenant, key, lineIds);
          } catch (ArchivedObjectException e) {
            if (!(store instanceof ArchivedObjects a)) {
              throw e;
            }
            a.requestRestore(key);
            archived++;
            continue;
          }
          if (store instanceof ObjectVersions v) {
            versions += v.deletePreviousVersions(key);
          }
          done.add(key);
        }
        progress.put("lines", lines);
        progress.put("versionsDeleted", versions);
        if (archived > 0) {
          return archived;
        }
        state.remove("rawProgress");
        removed.put("rawLines", Math.max(lines, removed.path("rawLines").asLong(0)));
        removed.set("rawObjects", plan.get("rawObjects").deepCopy());
        removed.put("rawPreviousVersionsDeleted", versions);
      }
      case "report" -> {
        String key = reportKey(tenant, state.get("requestId").asText());
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("type", "erasure-completion");
        report.put("version", 1);
        for (String f :
            List.of(
                "requestId",
                "tenant",
                "identifierType",
                "identifierHash",
                "reason",
                "requestedAt")) {
          report.set(f, state.get(f));
        }
        report.put("completedAt", clock.instant().toString());
        report.put("profileId", plan.get("profileId").asText());
        report.put("profilesErased", profileIds.size());
        report.put("identifiersErased", plan.get("identifiers").asLong());
        report.put("events", messageIds.size());
        report.set("removed", removed.deepCopy());
        ObjectNode signed = ErasureReport.sign(keys, report);
        store.put(key, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(signed));
        state.put("reportKey", key);
        state.put("completedAt", report.get("completedAt").asText());
        // the message ids were needed to resume; a finished job keeps only counts
        plan.remove("messageIds");
        plan.remove("quarantineIds");
        plan.put("messageIdCount", messageIds.size());
      }
      default -> throw new IllegalStateException("unknown erasure step " + step);
    }
    return 0;
  }

  /**
   * In a versioned bucket, destroys the earlier versions of rewritten objects at once, so the
   * person does not linger until they expire ({@code cdp:noncurrentVersionDays}).
   */
  private void deletePreviousVersions(ObjectNode removed, String field, JsonNode keys)
      throws IOException {
    long versions = 0;
    if (store instanceof ObjectVersions v) {
      for (JsonNode k : keys) {
        versions += v.deletePreviousVersions(k.asText());
      }
    }
    removed.put(field, removed.path(field).asLong(0) + versions);
  }

  /**
   * In a versioned bucket, destroys every earlier version of the step's curated tables of the
   * tenant: the snapshots the erasure replaced or deleted, and those earlier runs replaced, all may
   * hold the person.
   */
  private void deleteNoncurrentVersions(ObjectNode removed, String tenant, String step)
      throws IOException {
    long versions = 0;
    if (store instanceof ObjectVersions v) {
      for (String prefix : CuratedErasure.tablePrefixes(tenant, step)) {
        versions += v.deleteNoncurrentVersions(prefix);
      }
    }
    String field = "curatedPreviousVersionsDeleted";
    removed.put(field, removed.path(field).asLong(0) + versions);
  }

  private static void put(ObjectNode removed, CuratedErasure.Removed r) {
    // a table already rewritten by an interrupted attempt reports 0 now: keep the larger count
    r.rows().forEach((table, n) -> removed.put(table, Math.max(n, removed.path(table).asLong(0))));
  }

  /** Writes raw object {@code key} again without the lines of {@code messageIds}. */
  private long rewriteRaw(String tenant, String key, Set<String> messageIds) throws IOException {
    Optional<byte[]> bytes = store.get(key);
    if (bytes.isEmpty()) {
      return 0;
    }
    ByteArrayOutputStream kept = new ByteArrayOutputStream(bytes.get().length * 4);
    long dropped = 0;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes.get()))) {
      byte[] all = in.readAllBytes();
      int start = 0;
      for (int i = 0; i <= all.length; i++) {
        if (i == all.length || all[i] == '\n') {
          if (i > start) {
            Envelope e =
                EnvelopeCodec.decode(new String(all, start, i - start, StandardCharsets.UTF_8));
            if (e.tenant().equals(tenant) && messageIds.contains(e.messageId())) {
              dropped++;
            } else {
              kept.write(all, start, i - start);
              kept.write('\n');
            }
          }
          start = i + 1;
        }
      }
    }
    if (dropped > 0) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (OutputStream gz = new GZIPOutputStream(out)) {
        kept.writeTo(gz);
      }
      store.put(key, out.toByteArray());
    }
    return dropped;
  }

  static ObjectNode parse(byte[] bytes) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalStateException("an erasure state or report is not valid JSON", e);
    }
  }

  /** The counts of what a job removed (from its report), for callers that print a summary. */
  public static Map<String, Long> counts(ObjectNode report) {
    Map<String, Long> out = new TreeMap<>();
    report
        .path("removed")
        .fields()
        .forEachRemaining(
            f -> {
              if (f.getValue().isNumber()) {
                out.put(f.getKey(), f.getValue().asLong());
              }
            });
    return new LinkedHashMap<>(out);
  }
}
