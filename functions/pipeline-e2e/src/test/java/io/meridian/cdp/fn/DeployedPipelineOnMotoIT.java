package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.aws.GlueTableCatalog;
import io.meridian.cdp.aws.MotoServer;
import io.meridian.cdp.catalog.CatalogColumn;
import io.meridian.cdp.catalog.LakeTables;
import io.meridian.cdp.catalog.TableCatalog;
import io.meridian.cdp.catalog.TableDefinition;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.parquet.ParquetFiles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The pipeline as deployed, end to end: each function's shrunk deployable jar runs in a JVM of its
 * own and builds its handler with its production constructor, so it reads its environment and talks
 * to S3 and Kinesis through its own copy of the AWS SDK — here moto server on loopback. The test
 * plays the parts of API Gateway, the Kinesis event source mapping, the S3 notification and Step
 * Functions: it hands each function the event those services would, built from what the previous
 * function left in the emulated services. Only Lambda's own invocation is replaced.
 *
 * <p>API Gateway batch (write key in the body) → ingest-api → Kinesis → stream-to-raw → raw object
 * in S3 → raw-to-clean (de-duplicating in DynamoDB) → clean Parquet in S3 → resolve-identities →
 * build-profiles → profile-api answers the person by e-mail. The lake tables are registered in Glue
 * as the deployment declares them, and the clean Parquet is found where the Glue table {@code
 * cdp_clean.events} tells Athena to look.
 */
class DeployedPipelineOnMotoIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FUNCTIONS = Path.of(System.getProperty("functions.dir", ".."));
  private static final String LAKE = "cdp-lake-e2e";
  private static final String CONFIG = "cdp-config-e2e";
  private static final String STREAM = "cdp-events-e2e";
  private static final String DEDUP = "cdp-dedup-e2e";
  private static final String HASH_SECRET = "cdp-e2e-tenant/acme-pii";

  @TempDir static Path temp;
  private static Map<String, String> env;

  @BeforeAll
  static void deployTheStatefulResources() throws Exception {
    S3Client s3 = MOTO.s3();
    s3.createBucket(b -> b.bucket(LAKE));
    s3.createBucket(b -> b.bucket(CONFIG));
    // The fixtures' tenant, with a PII policy that hashes e-mails (secret in Secrets Manager) and
    // tokenizes phones (data key wrapped by KMS), as a deployment would configure it.
    String config =
        Files.readString(Path.of("../../test-events/cdp.yaml"))
            .replace(
                "  defaultPhoneRegion: US\n",
                "  defaultPhoneRegion: US\n"
                    + "  privacy:\n"
                    + "    hashSecret: secretsmanager:"
                    + HASH_SECRET
                    + "\n"
                    + "    declared:\n"
                    + "      email: hash\n"
                    + "      phone: tokenize\n");
    assertThat(config).contains("email: hash");
    s3.putObject(b -> b.bucket(CONFIG).key("cdp.yaml"), RequestBody.fromString(config));
    MOTO.secretsManager()
        .createSecret(b -> b.name(HASH_SECRET).secretString("e2e-hash-secret-0123456789abcdef"));
    String dataKey =
        MOTO.kms().createKey(b -> b.description("cdp-e2e data key")).keyMetadata().keyId();
    KinesisClient kinesis = MOTO.kinesis();
    kinesis.createStream(b -> b.streamName(STREAM).shardCount(1));
    MOTO.createPkSkTable(DEDUP);
    // The Glue catalog of the deployment: every lake table, over this lake bucket.
    TableCatalog glue = new GlueTableCatalog(MOTO.glue());
    for (String db : LakeTables.DATABASES) {
      glue.ensureDatabase(db, "Meridian CDP e2e");
    }
    for (LakeTables.LakeTable t : LakeTables.all()) {
      assertThat(glue.register(t.definition("s3://" + LAKE)))
          .isEqualTo(TableCatalog.Change.CREATED);
    }
    env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_ENDPOINT_URL", MOTO.endpoint().toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("CDP_S3_FORCE_PATH_STYLE", "true");
    env.put("LAKE_BUCKET", LAKE);
    env.put("CONFIG_BUCKET", CONFIG);
    env.put("CONFIG_KEY", "cdp.yaml");
    env.put("STREAM_NAME", STREAM);
    env.put("DEDUP_TABLE", DEDUP);
    env.put("LAKE_KMS_KEY_ID", dataKey);
    env.put("TENANT_SECRETS", "cdp-e2e-tenant/");
  }

  @Test
  void aBatchPostedToTheApiBecomesCleanParquetAProfileAndAnAnswerOfTheProfileApi()
      throws Exception {
    // API Gateway → ingest-api → Kinesis.
    JsonNode accepted =
        invoke(
            "ingest-api",
            "io.meridian.cdp.fn.IngestApiHandler",
            "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent",
            Path.of("../../test-events/api-gateway/batch.json"));
    assertThat(accepted.path("statusCode").asInt()).as(accepted.toString()).isEqualTo(200);

    List<Record> records = streamRecords();
    assertThat(records).hasSize(4);

    // The event source mapping → stream-to-raw → raw zone in S3.
    JsonNode streamed =
        invoke(
            "stream-to-raw",
            "io.meridian.cdp.fn.StreamToRawHandler",
            "com.amazonaws.services.lambda.runtime.events.KinesisEvent",
            write("kinesis-event.json", kinesisEvent(records)));
    assertThat(streamed.path("batchItemFailures")).as(streamed.toString()).isEmpty();
    List<String> raw = keys("raw/tenant=acme/source=web/");
    assertThat(raw).hasSize(1).allMatch(k -> k.endsWith(".jsonl.gz"));

    // The S3 notification → raw-to-clean → clean Parquet and quarantine in S3, and its counts as
    // CloudWatch metrics (embedded metric format) in its log.
    String log =
        invocation(
                "raw-to-clean",
                "io.meridian.cdp.fn.RawToCleanHandler",
                "com.amazonaws.services.lambda.runtime.events.S3Event",
                write("s3-event.json", objectCreated(raw.get(0))))
            .output();
    JsonNode emf =
        JSON.readTree(
            log.lines()
                .filter(l -> l.startsWith("{") && l.contains("\"_aws\""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metrics in the log:\n" + log)));
    assertThat(emf.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText())
        .isEqualTo("MeridianCDP");
    assertThat(emf.path("Tenant").asText()).isEqualTo("acme");
    assertThat(emf.path("Stage").asText()).isEqualTo("clean");
    assertThat(emf.path("EventsIn").asDouble()).isEqualTo(4.0);
    assertThat(emf.path("EventsOut").asDouble()).isEqualTo(3.0);
    assertThat(emf.path("EventsQuarantined").asDouble()).isEqualTo(1.0);
    // Every line the function logged is one JSON object with the tenant and the batch id of the
    // raw object as correlation id (ADR 0034).
    String batch = raw.get(0).substring(raw.get(0).lastIndexOf('/') + 1);
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : log.lines().filter(l -> l.startsWith("{")).toList()) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).as(log).anyMatch(l -> l.has("level"));
    assertThat(lines)
        .as(log)
        .filteredOn(l -> l.has("_aws") || l.path("logger").asText().startsWith("io.meridian."))
        .allSatisfy(
            l -> {
              assertThat(l.path(l.has("_aws") ? "Tenant" : "tenant").asText()).isEqualTo("acme");
              assertThat(batch).contains(l.path("correlation_id").asText("(none)"));
            });
    List<String> clean = keys("clean/events/tenant=acme/");
    assertThat(clean).hasSize(1).allMatch(k -> k.endsWith(".parquet"));
    Path parquet = temp.resolve("clean.parquet");
    Files.write(
        parquet, MOTO.s3().getObjectAsBytes(b -> b.bucket(LAKE).key(clean.get(0))).asByteArray());
    List<Object[]> rows = ParquetFiles.readAll(CleanTables.EVENTS, parquet);
    assertThat(rows)
        .extracting(row -> row[1])
        .containsExactlyInAnyOrder(
            "ajs-next-1795514400900-a1", "ajs-next-1795514401000-a2", "ajs-next-1795514401100-a3");
    assertThat(cleanFilesAsGlueSeesThem("acme")).containsExactlyElementsOf(clean);
    // The identify call's e-mail is an HMAC and its phone a token: no clear value in the clean zone
    // nor in the function's log.
    int traits =
        CleanTables.EVENTS.columns().stream().map(c -> c.name()).toList().indexOf("traits");
    JsonNode identified =
        JSON.readTree(
            rows.stream()
                .filter(r -> "ajs-next-1795514400900-a1".equals(r[1]))
                .map(r -> (String) r[traits])
                .findFirst()
                .orElseThrow());
    assertThat(identified.path("email").asText()).startsWith("hmac_");
    assertThat(identified.path("phone").asText()).startsWith("tok_");
    assertThat(log.toLowerCase(java.util.Locale.ROOT))
        .doesNotContain("ada.lovelace@example.com", "555-0100", "4155550100");
    assertThat(keys("_keys/tenant=acme/")).as("the tenant's wrapped data key").hasSize(1);
    assertThat(keys("quarantine/records/tenant=acme/")).hasSize(1);

    // Step Functions' curate map → resolve-identities, then build-profiles, for the tenant.
    Path tenant = Path.of("../../test-events/stepfunctions/curate-tenant.json");
    JsonNode resolved =
        invoke("resolve-identities", "io.meridian.cdp.fn.ResolveIdentitiesHandler", "json", tenant);
    assertThat(resolved.toString()).contains("acme");
    invoke("build-profiles", "io.meridian.cdp.fn.BuildProfilesHandler", "json", tenant);
    assertThat(keys("curated/")).anyMatch(k -> k.contains("profiles"));

    // The profile API answers the person by the e-mail address they signed up with.
    JsonNode answer =
        invoke(
            "profile-api",
            "io.meridian.cdp.fn.ProfileApiHandler",
            "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent",
            write("profile-by-email.json", profileByEmail("ada.lovelace@example.com")));
    assertThat(answer.path("statusCode").asInt()).as(answer.toString()).isEqualTo(200);
    JsonNode profile = JSON.readTree(answer.path("body").asText());
    assertThat(profile.path("traits").path("plan").asText()).isEqualTo("pro");
    assertThat(profile.path("identifiers").toString())
        .contains("u-1001", "anon-77", "hmac_")
        .doesNotContain("ada.lovelace@example.com");
  }

  /**
   * The objects Athena would read for {@code tenant} from the Glue table {@code cdp_clean.events}:
   * the table holds the columns the Parquet is read with above, and its partition projection
   * template, with the tenant filled in and any day of the projected format, leads to them.
   */
  private static List<String> cleanFilesAsGlueSeesThem(String tenant) {
    TableCatalog glue = new GlueTableCatalog(MOTO.glue());
    assertThat(glue.tables(LakeTables.CLEAN)).contains("events");
    TableDefinition events = glue.describe(LakeTables.CLEAN, "events");
    assertThat(events.columns())
        .extracting(CatalogColumn::name)
        .containsExactlyElementsOf(
            CleanTables.EVENTS.columns().stream().map(c -> c.name()).toList());
    assertThat(events.partitionKeys())
        .extracting(CatalogColumn::name)
        .containsExactly("tenant", "dt");
    assertThat(events.location()).isEqualTo("s3://" + LAKE + "/clean/events/");
    String template = events.parameters().get("storage.location.template");
    assertThat(template).startsWith(events.location());
    assertThat(events.parameters()).containsEntry("projection.dt.format", "yyyy-MM-dd");
    String bucketAndPrefix = template.substring("s3://".length()).replace("${tenant}", tenant);
    String bucket = bucketAndPrefix.substring(0, bucketAndPrefix.indexOf('/'));
    String partition = bucketAndPrefix.substring(bucket.length() + 1);
    assertThat(bucket).isEqualTo(LAKE);
    String beforeDay = partition.substring(0, partition.indexOf("${dt}"));
    String afterDay = partition.substring(beforeDay.length() + "${dt}".length());
    java.util.regex.Pattern file =
        java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(beforeDay)
                + "\\d{4}-\\d{2}-\\d{2}"
                + java.util.regex.Pattern.quote(afterDay)
                + "[^/]+\\.parquet");
    return keys(beforeDay).stream().filter(k -> file.matcher(k).matches()).toList();
  }

  private static JsonNode invoke(String function, String handler, String eventClass, Path event)
      throws Exception {
    return JSON.readTree(invocation(function, handler, eventClass, event).response());
  }

  private static DeployedJar.Invocation invocation(
      String function, String handler, String eventClass, Path event) {
    Path jar = FUNCTIONS.resolve(function).resolve("target/fn-" + function + "-lambda.jar");
    Map<String, String> lambda = new HashMap<>(env);
    // What Lambda and the CDK app set: the function's name, Powertools' service and namespace.
    lambda.put("AWS_LAMBDA_FUNCTION_NAME", "cdp-e2e-" + function);
    lambda.put("POWERTOOLS_SERVICE_NAME", function);
    lambda.put("POWERTOOLS_METRICS_NAMESPACE", "MeridianCDP");
    // moto speaks Kinesis' JSON protocol, not CBOR; the only option that differs from Lambda's.
    return DeployedJar.invoke(
        jar, handler, eventClass, event, lambda, List.of("-Daws.cborEnabled=false"));
  }

  private static List<Record> streamRecords() {
    KinesisClient kinesis = MOTO.kinesis();
    String shard = kinesis.listShards(b -> b.streamName(STREAM)).shards().get(0).shardId();
    String iterator =
        kinesis
            .getShardIterator(
                b ->
                    b.streamName(STREAM)
                        .shardId(shard)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    return kinesis.getRecords(b -> b.shardIterator(iterator)).records();
  }

  private static Map<String, Object> kinesisEvent(List<Record> records) {
    String arn =
        MOTO.kinesis()
            .describeStreamSummary(b -> b.streamName(STREAM))
            .streamDescriptionSummary()
            .streamARN();
    List<Object> out = new ArrayList<>();
    for (Record r : records) {
      Map<String, Object> kinesis = new LinkedHashMap<>();
      kinesis.put("kinesisSchemaVersion", "1.0");
      kinesis.put("partitionKey", r.partitionKey());
      kinesis.put("sequenceNumber", r.sequenceNumber());
      kinesis.put("data", Base64.getEncoder().encodeToString(r.data().asByteArray()));
      kinesis.put(
          "approximateArrivalTimestamp", r.approximateArrivalTimestamp().toEpochMilli() / 1000.0);
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("kinesis", kinesis);
      record.put("eventSource", "aws:kinesis");
      record.put("eventVersion", "1.0");
      record.put("eventID", "shardId-000000000000:" + r.sequenceNumber());
      record.put("eventName", "aws:kinesis:record");
      record.put("awsRegion", "us-east-1");
      record.put("eventSourceARN", arn);
      out.add(record);
    }
    return Map.of("Records", out);
  }

  private static Map<String, Object> objectCreated(String key) {
    // S3 notifications carry the key URL-encoded.
    String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    Map<String, Object> object = Map.of("key", encoded, "size", 1);
    Map<String, Object> s3 =
        Map.of(
            "s3SchemaVersion",
            "1.0",
            "bucket",
            Map.of("name", LAKE, "arn", "arn:aws:s3:::" + LAKE),
            "object",
            object);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("eventVersion", "2.1");
    record.put("eventSource", "aws:s3");
    record.put("awsRegion", "us-east-1");
    record.put("eventTime", "2026-11-24T10:00:02.412Z");
    record.put("eventName", "ObjectCreated:Put");
    record.put("s3", s3);
    return Map.of("Records", List.of(record));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> profileByEmail(String email) throws Exception {
    Map<String, Object> event =
        JSON.readValue(
            Path.of("../../test-events/api-gateway/profile-by-email.json").toFile(), Map.class);
    event.put(
        "rawQueryString",
        "identifier_type=email&identifier=" + URLEncoder.encode(email, StandardCharsets.UTF_8));
    event.put("queryStringParameters", Map.of("identifier_type", "email", "identifier", email));
    return event;
  }

  private static Path write(String name, Object json) throws Exception {
    Path file = temp.resolve(name);
    JSON.writeValue(file.toFile(), json);
    return file;
  }

  private static List<String> keys(String prefix) {
    return MOTO.s3().listObjectsV2Paginator(b -> b.bucket(LAKE).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .toList();
  }
}
