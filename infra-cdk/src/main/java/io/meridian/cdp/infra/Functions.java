package io.meridian.cdp.infra;

import io.meridian.cdp.infra.FunctionSpec.Env;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every function of the app, declared once. Adding a function is adding an entry here (and its
 * module as a {@code pom}-type test dependency of infra-cdk, so the reactor builds its jar first);
 * a Task of a state machine reaches it through {@code ${<id>FunctionArn}}. The triggers (API,
 * stream, S3 events) are wired in {@link PipelineStack}.
 */
public final class Functions {
  public static final String HANDLER_PACKAGE = "io.meridian.cdp.fn.";

  private static final Set<Env> LAKE = Set.of(Env.LAKE_BUCKET, Env.LAKE_KMS_KEY_ID);
  private static final Set<Env> LAKE_AND_CONFIG =
      Set.of(Env.LAKE_BUCKET, Env.LAKE_KMS_KEY_ID, Env.CONFIG_BUCKET, Env.CONFIG_KEY);
  private static final String SEGMENT_MEMBERSHIP = "curated/segment_membership/";
  private static final String SEGMENT_CHANGES = "curated/segment_changes/";

  /** API Gateway → Kinesis. Reads cdp.yaml at cold start: no SnapStart. */
  public static final FunctionSpec INGEST_API =
      new FunctionSpec(
          "IngestApi",
          "ingest-api",
          HANDLER_PACKAGE + "IngestApiHandler",
          1024,
          10,
          512,
          false,
          Optional.empty(),
          Set.of(
              Env.STREAM_NAME,
              Env.CONFIG_BUCKET,
              Env.CONFIG_KEY,
              Env.LAKE_BUCKET,
              Env.TENANT_SECRETS),
          // the suppression lists of erased people (ADR 0021)
          List.of("_state/privacy/"),
          List.of(),
          List.of(),
          true);

  /** The HTTP API's Lambda authorizer. Reads cdp.yaml at cold start: no SnapStart. */
  public static final FunctionSpec AUTHORIZER =
      new FunctionSpec(
          "Authorizer",
          "authorizer",
          HANDLER_PACKAGE + "AuthorizerHandler",
          512,
          5,
          512,
          false,
          Optional.empty(),
          Set.of(Env.CONFIG_BUCKET, Env.CONFIG_KEY),
          List.of(),
          List.of(),
          List.of(),
          false);

  /** Kinesis → raw zone. Holds only the lake store: SnapStart. */
  public static final FunctionSpec STREAM_TO_RAW =
      new FunctionSpec(
          "StreamToRaw",
          "stream-to-raw",
          HANDLER_PACKAGE + "StreamToRawHandler",
          1024,
          120,
          512,
          true,
          Optional.empty(),
          LAKE,
          List.of("_ops/accounting/"),
          List.of("raw/", "_unroutable/raw/", "_ops/accounting/"),
          List.of(),
          false);

  /**
   * Raw object → clean Parquet. Its de-duplication index is the DynamoDB dedup table (conditional
   * writes, ADR 0026), so any number of instances may convert at once: no reserved concurrency.
   * Reads cdp.yaml at cold start: no SnapStart. Takes the bucket from the event, so no LAKE_BUCKET.
   */
  public static final FunctionSpec RAW_TO_CLEAN =
      new FunctionSpec(
          "RawToClean",
          "raw-to-clean",
          HANDLER_PACKAGE + "RawToCleanHandler",
          2048,
          300,
          2048,
          false,
          Optional.empty(),
          Set.of(Env.LAKE_KMS_KEY_ID, Env.CONFIG_BUCKET, Env.CONFIG_KEY, Env.DEDUP_TABLE),
          List.of("raw/", "_ops/accounting/", "_keys/"),
          // _state/duplicates/: the ids it dropped as copies of calls in other raw objects
          List.of(
              "clean/events/",
              "quarantine/records/",
              "_ops/accounting/",
              "_keys/",
              "_state/duplicates/"),
          List.of(),
          false);

  /** Curate task: identity graph of a tenant. Needs a large /tmp for Parquet: no SnapStart. */
  public static final FunctionSpec RESOLVE_IDENTITIES =
      curateTask("ResolveIdentities", "resolve-identities");

  /** Curate task: profiles of a tenant. */
  public static final FunctionSpec BUILD_PROFILES = curateTask("BuildProfiles", "build-profiles");

  /**
   * The profile API behind API Gateway: reads the curated snapshots, never writes. It checks read
   * keys itself (the HTTP API's authorizer is for write keys). Reads cdp.yaml at cold start: no
   * SnapStart.
   */
  public static final FunctionSpec PROFILE_API =
      new FunctionSpec(
          "ProfileApi",
          "profile-api",
          HANDLER_PACKAGE + "ProfileApiHandler",
          2048,
          10,
          1024,
          false,
          Optional.empty(),
          LAKE_AND_CONFIG,
          List.of("curated/", "_state/curated/", "_keys/"),
          List.of(),
          List.of(),
          false);

  /**
   * The erase state machine's task (ADR 0021): erases a person from clean, curated, quarantine and
   * raw data, writes the suppression list, the signed report and the audit log. Runs as the data
   * stack's erasure role (the only principal that may delete raw versions, ADR 0012), one at a
   * time; against curate it holds the tenant's lease (ADR 0031).
   */
  public static final FunctionSpec ERASE =
      new FunctionSpec(
          "Erase",
          "erase",
          HANDLER_PACKAGE + "EraseHandler",
          3008,
          900,
          4096,
          false,
          Optional.of(1),
          Set.of(
              Env.LAKE_BUCKET,
              Env.LAKE_KMS_KEY_ID,
              Env.CONFIG_BUCKET,
              Env.CONFIG_KEY,
              Env.TENANT_SECRETS,
              Env.AUDIT_SECRET,
              Env.ERASURE_SETTLE),
          // + which raw objects are converted, and which hold copies dropped as duplicates
          List.of(
              "clean/events/",
              "curated/",
              "_state/curated/",
              "quarantine/records/",
              "raw/",
              "_state/privacy/",
              "_privacy/",
              "_audit/",
              "_ops/accounting/",
              "_state/duplicates/"),
          List.of(
              "clean/events/",
              "curated/",
              "_state/curated/",
              "quarantine/records/",
              "raw/",
              "_state/privacy/",
              "_privacy/",
              "_audit/"),
          // earlier versions of the raw, clean, quarantine and curated objects it rewrote, and the
          // curated snapshots it made obsolete (ADR 0012, 0031); nothing else is deleted
          List.of("clean/events/", "curated/", "_state/curated/", "quarantine/records/", "raw/"),
          false);

  /**
   * Curate tasks of the segments (ADR 0017): plans a run, has Athena UNLOAD each segment's members
   * and the changes, switches the pointer. Holds no data: small. Athena reads the curated tables
   * through Lake Formation; the role may write the segment snapshots and the pointers only.
   */
  public static final FunctionSpec COMPUTE_SEGMENTS =
      new FunctionSpec(
          "ComputeSegments",
          "compute-segments",
          HANDLER_PACKAGE + "ComputeSegmentsHandler",
          512,
          900,
          512,
          false,
          Optional.empty(),
          Set.of(
              Env.LAKE_BUCKET,
              Env.LAKE_KMS_KEY_ID,
              Env.CONFIG_BUCKET,
              Env.CONFIG_KEY,
              Env.ATHENA_WORKGROUP),
          List.of("clean/events/", "curated/", "_state/curated/"),
          List.of(SEGMENT_MEMBERSHIP, SEGMENT_CHANGES, "_state/curated/"),
          List.of(SEGMENT_MEMBERSHIP, SEGMENT_CHANGES),
          false);

  /** Curate task after the segments: a tenant's changes → the activation bus (never the lake). */
  public static final FunctionSpec PUBLISH_CHANGES =
      new FunctionSpec(
          "PublishChanges",
          "publish-changes",
          HANDLER_PACKAGE + "PublishChangesHandler",
          1536,
          900,
          1024,
          false,
          Optional.empty(),
          Set.of(
              Env.LAKE_BUCKET,
              Env.LAKE_KMS_KEY_ID,
              Env.CONFIG_BUCKET,
              Env.CONFIG_KEY,
              Env.ACTIVATION_BUS,
              Env.TENANT_SECRETS,
              Env.CONSENT_PURPOSES),
          List.of("curated/", "_state/curated/", "_state/privacy/"),
          List.of("_state/curated/"),
          List.of(),
          false);

  /**
   * Target of the activation bus's rules of webhook destinations (ADR 0033): maps one event's
   * payload, signs it and POSTs it; a failure is thrown, so Lambda's asynchronous retries and the
   * destination's dead-letter queue take over. Touches no lake; reads only the destinations'
   * signing secrets. The timeout leaves room for the longest webhook timeout (20 s).
   */
  public static final FunctionSpec ACTIVATE =
      new FunctionSpec(
          "Activate",
          "activate",
          HANDLER_PACKAGE + "ActivateHandler",
          512,
          30,
          512,
          false,
          Optional.empty(),
          Set.of(Env.WEBHOOK_DESTINATIONS),
          List.of(),
          List.of(),
          List.of(),
          false);

  /** All of them, in pipeline order. */
  public static final List<FunctionSpec> ALL =
      List.of(
          AUTHORIZER,
          INGEST_API,
          STREAM_TO_RAW,
          RAW_TO_CLEAN,
          RESOLVE_IDENTITIES,
          BUILD_PROFILES,
          PROFILE_API,
          COMPUTE_SEGMENTS,
          PUBLISH_CHANGES,
          ACTIVATE,
          ERASE);

  private Functions() {}

  private static FunctionSpec curateTask(String id, String module) {
    return new FunctionSpec(
        id,
        module,
        HANDLER_PACKAGE + id + "Handler",
        3008,
        900,
        4096,
        false,
        Optional.of(4),
        LAKE_AND_CONFIG,
        List.of("clean/events/", "curated/", "_state/curated/", "_ops/curation/"),
        List.of("curated/", "_state/curated/", "_ops/curation/"),
        List.of("curated/", "_state/curated/"),
        false);
  }
}
