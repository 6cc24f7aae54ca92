package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.DynamoDbDedupIndex;
import io.meridian.cdp.aws.StageMetrics;
import io.meridian.cdp.aws.telemetry.LogContext;
import io.meridian.cdp.clean.DedupIndex;
import io.meridian.cdp.clean.ObjectStoreDedupIndex;
import io.meridian.cdp.clean.RawToClean;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.privacy.PiiKeys;
import io.meridian.cdp.privacy.PiiProtection;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Raw zone → clean zone, one raw object per S3 {@code ObjectCreated} record: {@link RawToClean}
 * validates, normalizes, de-duplicates, writes Parquet and quarantine, and accounts. The lake
 * bucket is the one the event names (raw, clean and quarantine zones share it). Objects that are
 * not raw-zone objects (such as {@code _unroutable/raw/}) are skipped with a log line; objects
 * already converted (their accounting record exists) are skipped, so an event delivered twice
 * changes nothing. A failure is thrown: Lambda retries the asynchronous invocation, then sends it
 * to the function's on-failure destination.
 *
 * <p>De-duplication claims message ids in the DynamoDB table {@code DEDUP_TABLE} with conditional
 * writes ({@link DynamoDbDedupIndex}, ADR 0026), so any number of instances may convert at once.
 * Without {@code DEDUP_TABLE} it falls back to {@link ObjectStoreDedupIndex} in the lake, loaded
 * afresh for every invocation, which is correct for one writer at a time only.
 *
 * <p>Environment, read once at cold start: {@code CONFIG_BUCKET} and {@code CONFIG_KEY} (where
 * {@code cdp.yaml} lives: tenants' default phone regions), {@code DEDUP_TABLE}, optionally {@code
 * LAKE_KMS_KEY_ID} (SSE-KMS key for the objects written), {@code AWS_REGION} (set by Lambda).
 * Parquet files are assembled in {@code /tmp/cdp-work}.
 *
 * <p>Log lines carry the raw object's batch id as correlation id (the Kinesis batch stream-to-raw
 * wrote it from) and its tenant; each converted object publishes its accounting as metrics of stage
 * {@code clean} (ADR 0034).
 */
public final class RawToCleanHandler implements RequestHandler<S3Event, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(RawToCleanHandler.class);
  private static final Path WORK_DIR = Path.of("/tmp/cdp-work");

  /** The DynamoDB table of de-duplication claims. */
  static final String DEDUP_TABLE = "DEDUP_TABLE";

  private final Function<String, ObjectStore> lakeOfBucket;
  private final Function<ObjectStore, DedupIndex> dedupOf;
  private final Consumer<StageCounts> metrics;
  private final Function<ObjectStore, PiiKeys> keysOf;
  private final CdpConfig config;
  private final SegmentCallValidator validator = new SegmentCallValidator();
  private final Path workDir;
  private final Clock clock;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public RawToCleanHandler() throws IOException {
    this(AwsEnvironment.s3());
  }

  private RawToCleanHandler(S3Client s3) throws IOException {
    this(
        bucket -> AwsEnvironment.lake(s3, bucket),
        dedupFromEnvironment(),
        StageMetrics::publish,
        AwsEnvironment.piiKeys(),
        AwsEnvironment.config(s3),
        WORK_DIR,
        Clock.systemUTC());
  }

  private static Function<ObjectStore, DedupIndex> dedupFromEnvironment() {
    return AwsEnvironment.optional(DEDUP_TABLE)
        .<Function<ObjectStore, DedupIndex>>map(
            table -> {
              DynamoDbDedupIndex index = new DynamoDbDedupIndex(AwsEnvironment.dynamoDb(), table);
              return lake -> index;
            })
        .orElse(ObjectStoreDedupIndex::new);
  }

  /**
   * With the lake's own de-duplication index (one writer at a time).
   *
   * @param lakeOfBucket the lake store of a bucket named in an event
   * @param workDir where Parquet files are assembled before they are stored
   */
  RawToCleanHandler(
      Function<String, ObjectStore> lakeOfBucket, CdpConfig config, Path workDir, Clock clock) {
    this(lakeOfBucket, ObjectStoreDedupIndex::new, counts -> {}, config, workDir, clock);
  }

  /**
   * @param dedupOf the de-duplication index to use with a lake
   * @param metrics receives each converted object's counts (CloudWatch metrics on AWS)
   */
  RawToCleanHandler(
      Function<String, ObjectStore> lakeOfBucket,
      Function<ObjectStore, DedupIndex> dedupOf,
      Consumer<StageCounts> metrics,
      CdpConfig config,
      Path workDir,
      Clock clock) {
    this(lakeOfBucket, dedupOf, metrics, lake -> null, config, workDir, clock);
  }

  /**
   * @param keysOf the key material of the tenants' PII policies in a lake (null: policies that hash
   *     or tokenize fail with a message that says so)
   */
  RawToCleanHandler(
      Function<String, ObjectStore> lakeOfBucket,
      Function<ObjectStore, DedupIndex> dedupOf,
      Consumer<StageCounts> metrics,
      Function<ObjectStore, PiiKeys> keysOf,
      CdpConfig config,
      Path workDir,
      Clock clock) {
    this.lakeOfBucket = lakeOfBucket;
    this.dedupOf = dedupOf;
    this.metrics = metrics;
    this.keysOf = keysOf;
    this.config = config;
    this.workDir = workDir;
    this.clock = clock;
  }

  @Override
  public Void handleRequest(S3Event event, Context context) {
    for (S3EventNotificationRecord record : event.getRecords()) {
      String key = objectKey(record);
      Optional<LakeLayout.RawObject> raw = LakeLayout.parseRawKey(key);
      LogContext.begin(context, raw.map(LakeLayout.RawObject::batchId).orElse(null));
      LogContext.tenant(raw.map(LakeLayout.RawObject::tenant).orElse(null));
      convert(record.getS3().getBucket().getName(), key);
    }
    return null;
  }

  /** The object key; S3 event keys are URL-encoded, with {@code +} for a space. */
  static String objectKey(S3EventNotificationRecord record) {
    return URLDecoder.decode(record.getS3().getObject().getKey(), StandardCharsets.UTF_8);
  }

  private void convert(String bucket, String key) {
    if (LakeLayout.parseRawKey(key).isEmpty()) {
      LOG.info("skipped s3://{}/{}: not a raw-zone object", bucket, key);
      return;
    }
    ObjectStore lake = lakeOfBucket.apply(bucket);
    RawToClean stage =
        new RawToClean(
            lake,
            dedupOf.apply(lake),
            tenant -> config.tenant(tenant).map(TenantConfig::defaultPhoneRegion).orElse("US"),
            validator,
            workDir,
            clock,
            // The tenants' PII policies (ADR 0019), with hash secrets from Secrets Manager and
            // data keys wrapped by KMS (ADR 0020).
            new PiiProtection(config::tenant, keysOf.apply(lake)));
    try {
      if (stage.isDone(key)) {
        LOG.info("skipped s3://{}/{}: already converted", bucket, key);
        return;
      }
      StageCounts c = stage.convert(key);
      metrics.accept(c);
      LOG.info(
          "converted s3://{}/{}: input {}, output {}, quarantined {}, duplicates {}, pii {}",
          bucket,
          key,
          c.input(),
          c.output(),
          c.quarantinedTotal(),
          c.duplicates(),
          c.pii());
    } catch (IOException e) {
      throw new UncheckedIOException("converting s3://" + bucket + "/" + key + " failed", e);
    }
  }
}
