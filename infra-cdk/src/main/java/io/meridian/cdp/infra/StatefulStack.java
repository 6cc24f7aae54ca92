package io.meridian.cdp.infra;

import io.meridian.cdp.catalog.CatalogColumn;
import io.meridian.cdp.catalog.LakeTables;
import io.meridian.cdp.catalog.StorageFormat;
import io.meridian.cdp.catalog.TableDefinition;
import io.meridian.cdp.catalog.TableDocs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudtrail.AddEventSelectorOptions;
import software.amazon.awscdk.services.cloudtrail.ReadWriteType;
import software.amazon.awscdk.services.cloudtrail.S3EventSelector;
import software.amazon.awscdk.services.cloudtrail.Trail;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.glue.CfnDatabase;
import software.amazon.awscdk.services.glue.CfnTable;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NoncurrentVersionTransition;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * What holds data and must outlive every redeployment: KMS keys, the buckets (lake with its raw,
 * clean, curated and quarantine zones; config; Athena results; audit logs; access logs), the
 * Kinesis stream, the DynamoDB tables, the Glue catalog, the CloudTrail trail and the alarm topic
 * (whose e-mail subscription would need confirming again if it were recreated). Retained on stack
 * deletion unless {@code cdp:removalPolicy=destroy}. See ADR 0011 (stack split) and ADR 0012 (raw
 * zone immutability).
 */
public final class StatefulStack extends Stack {
  /** The object of {@code cdp.yaml} in the config bucket. */
  public static final String CONFIG_KEY = "cdp.yaml";

  /** Prefixes of the raw zone: nothing received may be deleted or its versions destroyed. */
  public static final List<String> RAW_PREFIXES = List.of("raw/", "_unroutable/raw/");

  /** Where the audit log of privileged actions is kept in the lake (ADR 0018, 0027). */
  public static final String AUDIT_PREFIX = "_audit/";

  private final Key dataKey;
  private final Key auditKey;
  private final Bucket accessLogs;
  private final Bucket lake;
  private final Bucket configBucket;
  private final Bucket athenaResults;
  private final Bucket auditLogs;
  private final Stream stream;
  private final Table dedupTable;
  private final Table configTable;
  private final Role rawErasureRole;
  private final Secret auditHeadKey;
  private final Topic alarmTopic;
  private final List<LakeTables.LakeTable> tables;
  private final Map<String, CfnDatabase> databases = new LinkedHashMap<>();

  public StatefulStack(
      Construct scope, String id, StackProps props, DeployConfig config, TableDocs docs) {
    super(scope, id, props);
    RemovalPolicy keep = config.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.dataKey =
        Key.Builder.create(this, "DataKey")
            .alias("alias/" + config.name("data"))
            .description("Meridian CDP " + config.env() + ": lake, config, stream, tables, topic")
            .enableKeyRotation(true)
            .removalPolicy(keep)
            .build();
    // CloudWatch alarms publish to the topic encrypted with this key.
    dataKey.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("CloudWatchAlarmsPublishToTheAlarmTopic")
            .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
            .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
            .resources(List.of("*"))
            .build());
    this.auditKey =
        Key.Builder.create(this, "AuditKey")
            .alias("alias/" + config.name("audit"))
            .description("Meridian CDP " + config.env() + ": CloudTrail logs")
            .enableKeyRotation(true)
            .removalPolicy(keep)
            .build();
    // CloudTrail encrypts the log files of this account's trails with the audit key.
    auditKey.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("CloudTrailEncryptsLogsOfThisAccountsTrails")
            .principals(List.of(new ServicePrincipal("cloudtrail.amazonaws.com")))
            .actions(List.of("kms:GenerateDataKey*", "kms:DescribeKey"))
            .resources(List.of("*"))
            .conditions(
                Map.of(
                    "StringLike",
                    Map.of(
                        "kms:EncryptionContext:aws:cloudtrail:arn",
                        "arn:" + Aws.PARTITION + ":cloudtrail:*:" + Aws.ACCOUNT_ID + ":trail/*")))
            .build());

    // S3 server access logs can only be delivered to a bucket encrypted with SSE-S3.
    this.accessLogs =
        Bucket.Builder.create(this, "AccessLogs")
            .bucketName(physical(config, "access-logs"))
            .encryption(BucketEncryption.S3_MANAGED)
            .enforceSsl(true)
            .minimumTlsVersion(1.2)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
            .versioned(true)
            .lifecycleRules(
                List.of(
                    LifecycleRule.builder()
                        .id("expire-access-logs")
                        .expiration(Duration.days(365))
                        .noncurrentVersionExpiration(Duration.days(30))
                        .build()))
            .removalPolicy(keep)
            .build();

    this.lake = dataBucket(config, "lake", dataKey, keep, lakeLifecycle(config.retention()));
    this.configBucket = dataBucket(config, "config", dataKey, keep, List.of());
    this.athenaResults =
        dataBucket(
            config,
            "athena-results",
            dataKey,
            keep,
            List.of(
                LifecycleRule.builder()
                    .id("expire-query-results")
                    .expiration(Duration.days(30))
                    .noncurrentVersionExpiration(Duration.days(1))
                    .build()));
    this.auditLogs =
        dataBucket(
            config,
            "audit-logs",
            auditKey,
            keep,
            List.of(
                LifecycleRule.builder()
                    .id("archive-audit-logs")
                    .transitions(
                        List.of(
                            Transition.builder()
                                .storageClass(StorageClass.GLACIER_INSTANT_RETRIEVAL)
                                .transitionAfter(Duration.days(90))
                                .build()))
                    .build()));

    this.rawErasureRole =
        Role.Builder.create(this, "RawErasureRole")
            .roleName(config.name("raw-erasure"))
            .description(
                "The only principal that may delete raw-zone objects and versions (erasure"
                    + " requests, ADR 0012)")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .build();
    protectRawZone(lake, rawErasureRole);
    // ADR 0027: the audit log in the lake is append-only, its head signed with this key.
    protectAuditLog(lake);
    this.auditHeadKey =
        Secret.Builder.create(this, "AuditHeadKey")
            .secretName(config.name("audit-head-key"))
            .description(
                "Signs the head of the audit log in the lake (HMAC-SHA256, ADR 0027); read by the"
                    + " functions that append to it")
            .generateSecretString(
                SecretStringGenerator.builder().passwordLength(64).excludePunctuation(true).build())
            .removalPolicy(keep)
            .build();

    this.stream =
        Stream.Builder.create(this, "Events")
            .streamName(config.name("events"))
            .streamMode(StreamMode.ON_DEMAND)
            .encryption(StreamEncryption.KMS)
            .encryptionKey(dataKey)
            .retentionPeriod(Duration.hours(24))
            .removalPolicy(keep)
            .build();

    this.dedupTable =
        table(
            config,
            "DedupTable",
            "dedup",
            keep,
            "tenant#message_id of every stored event, expiring after the de-duplication window");
    this.configTable =
        table(config, "ConfigTable", "config", keep, "tenant configuration items (tenant#item)");

    this.tables = LakeTables.all(docs);
    catalog(config);

    LogGroup trailLogs =
        LogGroup.Builder.create(this, "TrailLogs")
            .logGroupName("/cdp/" + config.env() + "/cloudtrail")
            .retention(PipelineFunction.retentionDays(config.retention().logRetentionDays()))
            .removalPolicy(keep)
            .build();
    Trail trail =
        Trail.Builder.create(this, "Trail")
            .trailName(config.name("data-events"))
            .bucket(auditLogs)
            .encryptionKey(auditKey)
            .enableFileValidation(true)
            .isMultiRegionTrail(true)
            .includeGlobalServiceEvents(true)
            .sendToCloudWatchLogs(true)
            .cloudWatchLogGroup(trailLogs)
            .build();
    trail.addS3EventSelector(
        List.of(
            S3EventSelector.builder().bucket(lake).build(),
            S3EventSelector.builder().bucket(configBucket).build()),
        AddEventSelectorOptions.builder()
            .readWriteType(ReadWriteType.ALL)
            .includeManagementEvents(true)
            .build());

    this.alarmTopic =
        Topic.Builder.create(this, "Alarms")
            .topicName(config.name("alarms"))
            .masterKey(dataKey)
            .enforceSsl(true)
            .build();
    if (!config.alarmEmail().isEmpty()) {
      alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail()));
    }

    CfnOutput.Builder.create(this, "LakeBucketName").value(lake.getBucketName()).build();
    CfnOutput.Builder.create(this, "ConfigObject")
        .description("Upload cdp.yaml here before the first event: aws s3 cp cdp.yaml <this>")
        .value("s3://" + configBucket.getBucketName() + "/" + CONFIG_KEY)
        .build();
    CfnOutput.Builder.create(this, "StreamName").value(stream.getStreamName()).build();
  }

  /** A bucket of data: SSE-KMS with a bucket key, TLS only, private, versioned, access-logged. */
  private Bucket dataBucket(
      DeployConfig config,
      String name,
      Key key,
      RemovalPolicy keep,
      List<LifecycleRule> lifecycle) {
    List<LifecycleRule> rules = new ArrayList<>(lifecycle);
    rules.add(
        LifecycleRule.builder()
            .id("abort-incomplete-uploads")
            .abortIncompleteMultipartUploadAfter(Duration.days(7))
            .build());
    Bucket bucket =
        Bucket.Builder.create(this, camel(name))
            .bucketName(physical(config, name))
            .encryption(BucketEncryption.KMS)
            .encryptionKey(key)
            .bucketKeyEnabled(true)
            .enforceSsl(true)
            .minimumTlsVersion(1.2)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
            .versioned(true)
            .serverAccessLogsBucket(accessLogs)
            .serverAccessLogsPrefix(name + "/")
            .eventBridgeEnabled(name.equals("lake"))
            .lifecycleRules(rules)
            .removalPolicy(keep)
            .build();
    // Deny uploads that ask for another encryption than SSE-KMS, or another key than this one
    // (an upload without the headers gets the bucket default: SSE-KMS with this key).
    bucket.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("DenyUploadsNotEncryptedWithSseKms")
            .effect(Effect.DENY)
            .principals(List.of(new AnyPrincipal()))
            .actions(List.of("s3:PutObject"))
            .resources(List.of(bucket.arnForObjects("*")))
            .conditions(
                Map.of(
                    "StringNotEqualsIfExists",
                    Map.of("s3:x-amz-server-side-encryption", "aws:kms")))
            .build());
    bucket.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("DenyUploadsEncryptedWithAnotherKey")
            .effect(Effect.DENY)
            .principals(List.of(new AnyPrincipal()))
            .actions(List.of("s3:PutObject"))
            .resources(List.of(bucket.arnForObjects("*")))
            .conditions(
                Map.of(
                    "StringNotEqualsIfExists",
                    Map.of("s3:x-amz-server-side-encryption-aws-kms-key-id", key.getKeyArn())))
            .build());
    return bucket;
  }

  /**
   * Lifecycle per zone: raw to Glacier Instant Retrieval, then Deep Archive; quarantine expires;
   * clean and curated to Intelligent-Tiering at once. Replaced or deleted versions outside the raw
   * zone expire after {@code noncurrentVersionDays}; raw versions never expire (ADR 0012).
   */
  static List<LifecycleRule> lakeLifecycle(DeployConfig.Retention r) {
    List<LifecycleRule> rules = new ArrayList<>();
    for (String raw : RAW_PREFIXES) {
      rules.add(
          LifecycleRule.builder()
              .id("archive-" + raw.replace("/", "-").replace("_", "") + "zone")
              .prefix(raw)
              .transitions(
                  List.of(
                      Transition.builder()
                          .storageClass(StorageClass.GLACIER_INSTANT_RETRIEVAL)
                          .transitionAfter(Duration.days(r.rawGlacierIrDays()))
                          .build(),
                      Transition.builder()
                          .storageClass(StorageClass.DEEP_ARCHIVE)
                          .transitionAfter(Duration.days(r.rawDeepArchiveDays()))
                          .build()))
              .noncurrentVersionTransitions(
                  List.of(
                      NoncurrentVersionTransition.builder()
                          .storageClass(StorageClass.DEEP_ARCHIVE)
                          .transitionAfter(Duration.days(r.rawGlacierIrDays()))
                          .build()))
              .build());
    }
    rules.add(
        LifecycleRule.builder()
            .id("expire-quarantine")
            .prefix("quarantine/")
            .expiration(Duration.days(r.quarantineExpiryDays()))
            .noncurrentVersionExpiration(Duration.days(r.noncurrentVersionDays()))
            .build());
    for (String zone : List.of("clean/", "curated/")) {
      rules.add(
          LifecycleRule.builder()
              .id("tier-" + zone.replace("/", ""))
              .prefix(zone)
              .transitions(
                  List.of(
                      Transition.builder()
                          .storageClass(StorageClass.INTELLIGENT_TIERING)
                          .transitionAfter(Duration.days(0))
                          .build()))
              .noncurrentVersionExpiration(Duration.days(r.noncurrentVersionDays()))
              .build());
    }
    for (String state : List.of("_state/", "_ops/")) {
      rules.add(
          LifecycleRule.builder()
              .id("expire-old-versions-" + state.replace("/", "").replace("_", ""))
              .prefix(state)
              .noncurrentVersionExpiration(Duration.days(r.noncurrentVersionDays()))
              .build());
    }
    return rules;
  }

  /** ADR 0012: raw objects cannot be deleted, nor their versions, except by the erasure role. */
  private static void protectRawZone(Bucket lake, Role erasure) {
    List<String> objects = RAW_PREFIXES.stream().map(p -> lake.arnForObjects(p + "*")).toList();
    lake.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("RawZoneIsImmutable")
            .effect(Effect.DENY)
            .principals(List.of(new AnyPrincipal()))
            .actions(
                List.of(
                    "s3:DeleteObject",
                    "s3:DeleteObjectVersion",
                    "s3:PutObjectRetention",
                    "s3:BypassGovernanceRetention"))
            .resources(objects)
            .conditions(Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", erasure.getRoleArn())))
            .build());
  }

  /**
   * ADR 0027: nobody — the erasure role included — may delete audit objects or their versions, so
   * an overwrite only adds a version and every earlier one stays readable (no lifecycle rule
   * expires versions under {@code _audit/}).
   */
  private static void protectAuditLog(Bucket lake) {
    lake.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("AuditLogIsAppendOnly")
            .effect(Effect.DENY)
            .principals(List.of(new AnyPrincipal()))
            .actions(
                List.of(
                    "s3:DeleteObject",
                    "s3:DeleteObjectVersion",
                    "s3:PutObjectRetention",
                    "s3:BypassGovernanceRetention"))
            .resources(List.of(lake.arnForObjects(AUDIT_PREFIX + "*")))
            .build());
  }

  private Table table(
      DeployConfig config, String id, String name, RemovalPolicy keep, String purpose) {
    Table t =
        Table.Builder.create(this, id)
            .tableName(config.name(name))
            .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
            .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .encryption(TableEncryption.CUSTOMER_MANAGED)
            .encryptionKey(dataKey)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .timeToLiveAttribute("expires_at")
            .deletionProtection(config.retainData())
            .removalPolicy(keep)
            .build();
    t.getNode().addMetadata("purpose", purpose);
    return t;
  }

  private void catalog(DeployConfig config) {
    for (String db : LakeTables.DATABASES) {
      databases.put(
          db,
          CfnDatabase.Builder.create(this, camel(db.replace('_', '-')))
              .catalogId(Aws.ACCOUNT_ID)
              .databaseInput(
                  CfnDatabase.DatabaseInputProperty.builder()
                      .name(db)
                      .description(
                          "Meridian CDP "
                              + config.env()
                              + ": "
                              + db.substring(4)
                              + " zone (docs/TABLES.md)")
                      // No IAMAllowedPrincipals grant on new tables: Lake Formation decides.
                      .createTableDefaultPermissions(List.of())
                      .build())
              .build());
    }
    for (LakeTables.LakeTable t : tables) {
      CfnTable table =
          CfnTable.Builder.create(this, camel(t.database().replace('_', '-')) + camel(t.name()))
              .catalogId(Aws.ACCOUNT_ID)
              .databaseName(t.database())
              .tableInput(tableInput(t))
              .build();
      table.addResourceDependency(databases.get(t.database()));
    }
  }

  private CfnTable.TableInputProperty tableInput(LakeTables.LakeTable t) {
    TableDefinition d = t.definition("s3://" + lake.getBucketName());
    StorageFormat format = d.storage();
    CfnTable.StorageDescriptorProperty storage =
        CfnTable.StorageDescriptorProperty.builder()
            .location(d.location())
            .inputFormat(format.inputFormat())
            .outputFormat(format.outputFormat())
            .compressed(format.compressed())
            .serdeInfo(
                CfnTable.SerdeInfoProperty.builder()
                    .serializationLibrary(format.serializationLibrary())
                    .parameters(format.serdeParameters())
                    .build())
            .columns(columns(d.columns()))
            .build();
    return CfnTable.TableInputProperty.builder()
        .name(d.name())
        .description(d.description())
        .tableType("EXTERNAL_TABLE")
        .parameters(d.parameters())
        .partitionKeys(columns(d.partitionKeys()))
        .storageDescriptor(storage)
        .build();
  }

  private static List<Object> columns(List<CatalogColumn> columns) {
    return columns.stream()
        .map(
            c ->
                (Object)
                    CfnTable.ColumnProperty.builder()
                        .name(c.name())
                        .type(c.type())
                        .comment(c.comment())
                        .build())
        .toList();
  }

  private static String physical(DeployConfig config, String name) {
    return config.name(name) + "-" + Aws.ACCOUNT_ID + "-" + Aws.REGION;
  }

  static String camel(String dashed) {
    StringBuilder out = new StringBuilder();
    for (String part : dashed.split("[-_]")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  public Key dataKey() {
    return dataKey;
  }

  public Key auditKey() {
    return auditKey;
  }

  public Bucket lake() {
    return lake;
  }

  public Bucket configBucket() {
    return configBucket;
  }

  public Bucket athenaResults() {
    return athenaResults;
  }

  public Bucket auditLogs() {
    return auditLogs;
  }

  public Bucket accessLogs() {
    return accessLogs;
  }

  public Stream stream() {
    return stream;
  }

  public Table dedupTable() {
    return dedupTable;
  }

  public Table configTable() {
    return configTable;
  }

  /** The Secrets Manager secret that signs the audit log's head (ADR 0027). */
  public Secret auditHeadKey() {
    return auditHeadKey;
  }

  public Role rawErasureRole() {
    return rawErasureRole;
  }

  public Topic alarmTopic() {
    return alarmTopic;
  }

  public List<LakeTables.LakeTable> tables() {
    return tables;
  }

  /** The Glue databases by name, for dependencies of grants on them. */
  public Map<String, CfnDatabase> databases() {
    return databases;
  }
}
