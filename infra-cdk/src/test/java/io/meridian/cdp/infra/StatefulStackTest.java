package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.catalog.LakeTables;
import io.meridian.cdp.clean.CleanTables;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class StatefulStackTest {
  private final Template data = SynthesizedApp.data();

  @Test
  void bothKeysAreCustomerManagedWithRotationAndRetained() {
    data.resourceCountIs("AWS::KMS::Key", 2);
    data.hasResource(
        "AWS::KMS::Key",
        Map.of("Properties", Map.of("EnableKeyRotation", true), "DeletionPolicy", "Retain"));
    assertThat(data.findResources("AWS::KMS::Key").values())
        .allSatisfy(key -> assertThat(((Map<?, ?>) key).get("DeletionPolicy")).isEqualTo("Retain"));
  }

  @Test
  void dataBucketsUseSseKmsWithABucketKeyAndTheAccessLogBucketSseS3() {
    data.resourceCountIs("AWS::S3::Bucket", 5);
    for (String name : List.of("lake", "config", "athena-results", "audit-logs")) {
      data.hasResourceProperties(
          "AWS::S3::Bucket",
          Map.of(
              "BucketName",
                  Map.of(
                      "Fn::Join",
                      List.of(
                          "",
                          List.of(
                              "cdp-test-" + name + "-",
                              Map.of("Ref", "AWS::AccountId"),
                              "-",
                              Map.of("Ref", "AWS::Region")))),
              "BucketEncryption",
                  Map.of(
                      "ServerSideEncryptionConfiguration",
                      List.of(
                          Map.of(
                              "BucketKeyEnabled",
                              true,
                              "ServerSideEncryptionByDefault",
                              Map.of(
                                  "SSEAlgorithm", "aws:kms", "KMSMasterKeyID", Match.anyValue())))),
              "VersioningConfiguration", Map.of("Status", "Enabled"),
              "LoggingConfiguration",
                  Map.of("DestinationBucketName", Match.anyValue(), "LogFilePrefix", name + "/"),
              "PublicAccessBlockConfiguration",
                  Map.of(
                      "BlockPublicAcls", true,
                      "BlockPublicPolicy", true,
                      "IgnorePublicAcls", true,
                      "RestrictPublicBuckets", true)));
    }
    data.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "BucketEncryption",
            Map.of(
                "ServerSideEncryptionConfiguration",
                List.of(
                    Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256"))))));
  }

  @Test
  void everyBucketPolicyDeniesPlainHttpAndDataBucketsDenyOtherEncryption() {
    data.resourceCountIs("AWS::S3::BucketPolicy", 5);
    assertThat(data.findResources("AWS::S3::BucketPolicy").values())
        .allSatisfy(
            policy ->
                assertThat(policy.toString())
                    .contains("aws:SecureTransport=false")
                    .contains("Effect=Deny"));
    Map<String, Map<String, Object>> denyingOtherEncryption =
        data.findResources(
            "AWS::S3::BucketPolicy",
            Map.of(
                "Properties",
                Map.of(
                    "PolicyDocument",
                    Map.of(
                        "Statement",
                        Match.arrayWith(
                            List.of(
                                Match.objectLike(
                                    Map.of(
                                        "Sid", "DenyUploadsNotEncryptedWithSseKms",
                                        "Effect", "Deny",
                                        "Action", "s3:PutObject",
                                        "Condition",
                                            Map.of(
                                                "StringNotEqualsIfExists",
                                                Map.of(
                                                    "s3:x-amz-server-side-encryption",
                                                    "aws:kms")))),
                                Match.objectLike(
                                    Map.of(
                                        "Sid", "DenyUploadsEncryptedWithAnotherKey",
                                        "Effect", "Deny"))))))));
    assertThat(denyingOtherEncryption).hasSize(4);
  }

  @Test
  void theRawZoneCannotBeDeletedExceptByTheErasureRole() {
    data.hasResourceProperties(
        "AWS::S3::BucketPolicy",
        Map.of(
            "PolicyDocument",
            Map.of(
                "Statement",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Sid", "RawZoneIsImmutable",
                                "Effect", "Deny",
                                "Principal", Map.of("AWS", "*"),
                                "Action",
                                    Match.arrayWith(
                                        List.of("s3:DeleteObject", "s3:DeleteObjectVersion")),
                                "Condition",
                                    Map.of(
                                        "ArnNotEquals",
                                        Map.of(
                                            "aws:PrincipalArn",
                                            Map.of(
                                                "Fn::GetAtt",
                                                List.of(
                                                    logicalId(
                                                        "AWS::IAM::Role", "cdp-test-raw-erasure"),
                                                    "Arn")))))))))));
  }

  @Test
  void theLakeArchivesRawExpiresQuarantineAndTiersCleanAndCurated() {
    data.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "LifecycleConfiguration",
            Map.of(
                "Rules",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Prefix", "raw/",
                                "Status", "Enabled",
                                "Transitions",
                                    List.of(
                                        Map.of(
                                            "StorageClass", "GLACIER_IR", "TransitionInDays", 30),
                                        Map.of(
                                            "StorageClass",
                                            "DEEP_ARCHIVE",
                                            "TransitionInDays",
                                            180)))),
                        Match.objectLike(Map.of("Prefix", "quarantine/", "ExpirationInDays", 90)),
                        Match.objectLike(
                            Map.of(
                                "Prefix",
                                "clean/",
                                "Transitions",
                                List.of(
                                    Map.of(
                                        "StorageClass",
                                        "INTELLIGENT_TIERING",
                                        "TransitionInDays",
                                        0)))),
                        Match.objectLike(
                            Map.of(
                                "Prefix",
                                "curated/",
                                "NoncurrentVersionExpiration",
                                Map.of("NoncurrentDays", 30))))))));
  }

  @Test
  void rawVersionsNeverExpire() {
    List<?> rules =
        (List<?>)
            ((Map<?, ?>) ((Map<?, ?>) lake().get("Properties")).get("LifecycleConfiguration"))
                .get("Rules");
    assertThat(rules)
        .filteredOn(r -> String.valueOf(((Map<?, ?>) r).get("Prefix")).contains("raw/"))
        .hasSize(2)
        .allSatisfy(
            r ->
                assertThat(map(r))
                    .doesNotContainKeys("ExpirationInDays", "NoncurrentVersionExpiration"));
  }

  @Test
  void theLakeSendsObjectEventsToEventBridge() {
    data.hasResourceProperties(
        "Custom::S3BucketNotifications",
        Map.of("NotificationConfiguration", Map.of("EventBridgeConfiguration", Map.of())));
  }

  @Test
  void theStreamIsOnDemandAndEncryptedWithTheDataKey() {
    data.hasResourceProperties(
        "AWS::Kinesis::Stream",
        Map.of(
            "Name", "cdp-test-events",
            "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND"),
            "StreamEncryption",
                Map.of(
                    "EncryptionType",
                    "KMS",
                    "KeyId",
                    Map.of("Fn::GetAtt", List.of(logicalId("AWS::KMS::Key", "DataKey"), "Arn")))));
  }

  @Test
  void theDedupAndConfigTablesHavePointInTimeRecoveryAndTheDataKey() {
    data.resourceCountIs("AWS::DynamoDB::Table", 2);
    for (String name : List.of("cdp-test-dedup", "cdp-test-config")) {
      data.hasResource(
          "AWS::DynamoDB::Table",
          Map.of(
              "DeletionPolicy",
              "Retain",
              "Properties",
              Map.of(
                  "TableName",
                  name,
                  "BillingMode",
                  "PAY_PER_REQUEST",
                  "PointInTimeRecoverySpecification",
                  Map.of("PointInTimeRecoveryEnabled", true),
                  "SSESpecification",
                  Map.of(
                      "SSEEnabled", true, "SSEType", "KMS", "KMSMasterKeyId", Match.anyValue()))));
    }
  }

  @Test
  void theTrailRecordsDataEventsOfTheLakeAndConfigBuckets() {
    data.hasResourceProperties(
        "AWS::CloudTrail::Trail",
        Map.of(
            "EnableLogFileValidation",
            true,
            "IsMultiRegionTrail",
            true,
            "KMSKeyId",
            Match.anyValue(),
            "EventSelectors",
            List.of(
                Map.of(
                    "DataResources",
                    List.of(Map.of("Type", "AWS::S3::Object", "Values", Match.anyValue())),
                    "IncludeManagementEvents",
                    true,
                    "ReadWriteType",
                    "All"))));
  }

  @Test
  void cloudTrailMayEncryptWithTheAuditKeyForThisAccountsTrailsOnly() {
    data.hasResourceProperties(
        "AWS::KMS::Key",
        Map.of(
            "KeyPolicy",
            Map.of(
                "Statement",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Sid", "CloudTrailEncryptsLogsOfThisAccountsTrails",
                                "Principal", Map.of("Service", "cloudtrail.amazonaws.com"),
                                "Action", List.of("kms:GenerateDataKey*", "kms:DescribeKey"),
                                "Condition",
                                    Map.of(
                                        "StringLike",
                                        Map.of(
                                            "kms:EncryptionContext:aws:cloudtrail:arn",
                                            Match.anyValue())))))))));
  }

  @Test
  void theTrailSelectsObjectsOfExactlyTwoBuckets() {
    String selectors = data.findResources("AWS::CloudTrail::Trail").values().toString();
    assertThat(selectors.split("Type=AWS::S3::Object")).hasSize(2);
    assertThat(selectors)
        .contains(logicalId("AWS::S3::Bucket", "Lake"))
        .contains(logicalId("AWS::S3::Bucket", "Config"));
  }

  @Test
  void theAlarmTopicIsEncryptedAndMailsTheConfiguredAddress() {
    data.hasResourceProperties(
        "AWS::SNS::Topic",
        Map.of("TopicName", "cdp-test-alarms", "KmsMasterKeyId", Match.anyValue()));
    data.hasResourceProperties(
        "AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "ops@example.com"));
  }

  @Test
  void theCatalogHasThreeDatabasesWhoseTablesLakeFormationGoverns() {
    data.resourceCountIs("AWS::Glue::Database", 3);
    for (String db : LakeTables.DATABASES) {
      data.hasResourceProperties(
          "AWS::Glue::Database",
          Map.of("DatabaseInput", Map.of("Name", db, "CreateTableDefaultPermissions", List.of())));
    }
    data.resourceCountIs("AWS::Glue::Table", 11);
  }

  @Test
  void cleanEventsHasTheCoreSchemasColumnsWithHiveTypesAndComments() {
    Map<String, Object> input = tableInput("cdp_clean", "events");
    Map<String, Object> storage = map(input.get("StorageDescriptor"));
    List<Object> columns = list(storage.get("Columns"));
    assertThat(columns.stream().map(c -> String.valueOf(map(c).get("Name"))).toList())
        .containsExactlyElementsOf(
            CleanTables.EVENTS.columns().stream().map(c -> c.name()).toList());
    assertThat(columns)
        .allSatisfy(c -> assertThat((String) ((Map<?, ?>) c).get("Comment")).isNotBlank());
    assertThat(columns)
        .contains(
            Map.of(
                "Name", "timestamp", "Type", "timestamp", "Comment", comment(columns, "timestamp")),
            Map.of(
                "Name", "properties", "Type", "string", "Comment", comment(columns, "properties")));
    assertThat(comment(columns, "traits")).startsWith("JSON text: identify/group traits");
    assertThat(((Map<?, ?>) storage.get("SerdeInfo")).get("SerializationLibrary"))
        .isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    assertThat((List<?>) input.get("PartitionKeys"))
        .extracting(p -> ((Map<?, ?>) p).get("Name") + " " + ((Map<?, ?>) p).get("Type"))
        .containsExactly("tenant string", "dt date");
  }

  @Test
  void tablesProjectTenantAndDayPartitionsWithoutCrawlers() {
    Map<String, Object> parameters = map(tableInput("cdp_clean", "events").get("Parameters"));
    assertThat(parameters)
        .containsEntry("projection.enabled", "true")
        .containsEntry("projection.tenant.type", "injected")
        .containsEntry("projection.dt.type", "date")
        .containsEntry("projection.dt.format", "yyyy-MM-dd")
        .containsEntry("projection.dt.range", "2020-01-01,NOW")
        .containsEntry("classification", "parquet");
    assertThat(String.valueOf(parameters.get("storage.location.template")))
        .contains("clean/events/tenant=${tenant}/dt=${dt}/");

    Map<String, Object> graph = map(tableInput("cdp_curated", "identity_graph").get("Parameters"));
    assertThat(graph)
        .containsEntry("projection.snapshot.type", "integer")
        .containsEntry("projection.snapshot.digits", "6");
    assertThat(String.valueOf(graph.get("storage.location.template")))
        .contains("curated/identity_graph/tenant=${tenant}/snapshot=${snapshot}/");
    for (String segmentTable : List.of("segment_membership", "segment_changes")) {
      assertThat(
              String.valueOf(
                  map(tableInput("cdp_curated", segmentTable).get("Parameters"))
                      .get("storage.location.template")))
          .contains("curated/" + segmentTable + "/tenant=${tenant}/snapshot=${snapshot}/");
    }

    Map<String, Object> raw = tableInput("cdp_raw", "events");
    assertThat(String.valueOf(((Map<?, ?>) raw.get("Parameters")).get("storage.location.template")))
        .contains("raw/tenant=${tenant}/source=${source}/dt=${dt}/hour=${hour}/");
    assertThat(
            ((Map<?, ?>) ((Map<?, ?>) raw.get("StorageDescriptor")).get("SerdeInfo"))
                .get("SerializationLibrary"))
        .isEqualTo("org.openx.data.jsonserde.JsonSerDe");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> tableInput(String database, String name) {
    Map<String, Map<String, Object>> found =
        data.findResources(
            "AWS::Glue::Table",
            Map.of(
                "Properties",
                Map.of("DatabaseName", database, "TableInput", Map.of("Name", name))));
    assertThat(found).as(database + "." + name).hasSize(1);
    Map<String, Object> props =
        (Map<String, Object>) found.values().iterator().next().get("Properties");
    return (Map<String, Object>) props.get("TableInput");
  }

  private Map<?, ?> lake() {
    Map<String, Map<String, Object>> found =
        data.findResources(
            "AWS::S3::Bucket",
            Map.of(
                "Properties",
                Map.of(
                    "NotificationConfiguration", Match.absent(),
                    "LifecycleConfiguration",
                        Map.of(
                            "Rules",
                            Match.arrayWith(
                                List.of(Match.objectLike(Map.of("Prefix", "raw/"))))))));
    assertThat(found).hasSize(1);
    return found.values().iterator().next();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  private static String comment(List<?> columns, String name) {
    return columns.stream()
        .map(c -> (Map<?, ?>) c)
        .filter(c -> name.equals(c.get("Name")))
        .map(c -> (String) c.get("Comment"))
        .findFirst()
        .orElseThrow();
  }

  /** The logical id starting with {@code idOrName}, else of the resource that mentions it. */
  private String logicalId(String type, String idOrName) {
    Map<String, Map<String, Object>> resources = data.findResources(type);
    return resources.keySet().stream()
        .filter(k -> k.startsWith(idOrName))
        .findFirst()
        .or(
            () ->
                resources.entrySet().stream()
                    .filter(e -> e.getValue().toString().contains(idOrName))
                    .map(Map.Entry::getKey)
                    .findFirst())
        .orElseThrow(() -> new AssertionError("no " + type + " like " + idOrName));
  }
}
