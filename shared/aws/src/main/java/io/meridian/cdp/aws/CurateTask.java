package io.meridian.cdp.aws;

import com.amazonaws.services.lambda.runtime.Context;
import io.meridian.cdp.aws.telemetry.LogContext;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.TenantLease;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.Ids;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the curate state machine's task handlers share: the lake, the tenant configuration (read on
 * every invocation, so a tenant added or a rule changed applies to the next run) and the tenant a
 * task input {@code {"tenant": "acme"}} names.
 */
public final class CurateTask {
  /** Where Parquet files are assembled in a Lambda function. */
  public static final Path WORK_DIR = Path.of("/tmp/cdp-work");

  private final ObjectStore lake;
  private final Supplier<CdpConfig> config;
  private final Path workDir;

  /**
   * @param config the tenant config in force, asked on every invocation
   * @param workDir where Parquet files are assembled before they are stored
   */
  public CurateTask(ObjectStore lake, Supplier<CdpConfig> config, Path workDir) {
    this.lake = lake;
    this.config = config;
    this.workDir = workDir;
  }

  /**
   * The real adapters from the environment: {@code LAKE_BUCKET} [, {@code LAKE_KMS_KEY_ID}], {@code
   * CONFIG_BUCKET}, {@code CONFIG_KEY}.
   */
  public static CurateTask fromEnvironment() {
    S3Client s3 = AwsEnvironment.s3();
    return new CurateTask(
        AwsEnvironment.lake(s3, AwsEnvironment.require(AwsEnvironment.LAKE_BUCKET)),
        () -> {
          try {
            return AwsEnvironment.config(s3);
          } catch (IOException e) {
            throw new UncheckedIOException("reading cdp.yaml failed", e);
          }
        },
        WORK_DIR);
  }

  /** The lake. */
  public ObjectStore lake() {
    return lake;
  }

  /** The curated zone of the lake. */
  public CuratedStore store() {
    return new CuratedStore(lake, workDir);
  }

  /**
   * Starts a task's invocation: its log lines carry the execution id of the input as correlation id
   * (the Lambda request id when the input has none) and the tenant ({@link LogContext}).
   *
   * @return the tenant the input names
   * @throws IllegalArgumentException as {@link #tenant}
   */
  public TenantConfig begin(Map<String, Object> input, Context context) {
    LogContext.begin(
        context, input != null && input.get(EXECUTION) instanceof String id ? id : null);
    TenantConfig tenant = tenant(input);
    LogContext.tenant(tenant.id());
    return tenant;
  }

  /**
   * The tenant a task input names.
   *
   * @throws IllegalArgumentException when the input names no valid tenant id, or a tenant that
   *     {@code cdp.yaml} does not declare
   */
  public TenantConfig tenant(Map<String, Object> input) {
    String id = tenantOf(input);
    return config
        .get()
        .tenant(id)
        .orElseThrow(
            () -> new IllegalArgumentException("tenant '" + id + "' is not declared in cdp.yaml"));
  }

  /**
   * The task input's field naming the state machine execution ({@code "execution.$":
   * "$$.Execution.Id"} in curate.asl.json): the owner of the tenant's lease, the same for every
   * retry of the execution's tasks, and the correlation id of the tasks' log lines.
   */
  public static final String EXECUTION = "execution";

  /**
   * The tenant lease over the lake (ADR 0031): the curate tasks hold it while they switch a
   * tenant's curated pointers, as the erasure does.
   *
   * @throws IllegalStateException when the lake's store cannot write conditionally
   */
  public TenantLease lease(Clock clock) {
    return TenantLease.over(lake, clock)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the lake's object store cannot write conditionally; the tenant lease needs"
                        + " it"));
  }

  /**
   * The owner of the tenant's lease for a task input: {@code curate:<execution id>}, or, for a task
   * invoked outside a state machine, {@code curate:invocation-<random>} (this invocation alone).
   */
  public static String owner(Map<String, Object> input) {
    Object execution = input == null ? null : input.get(EXECUTION);
    return "curate:"
        + (execution instanceof String e && !e.isBlank() ? e : "invocation-" + UUID.randomUUID());
  }

  /** The tenant id of a task input {@code {"tenant": "acme"}}. */
  public static String tenantOf(Map<String, Object> input) {
    Object tenant = input == null ? null : input.get("tenant");
    if (!(tenant instanceof String id)) {
      throw new IllegalArgumentException(
          "the task input must be {\"tenant\": \"<tenant id>\"}, got " + input);
    }
    return Ids.require("tenant", id);
  }
}
