package io.meridian.cdp.aws;

import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.Ids;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
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
