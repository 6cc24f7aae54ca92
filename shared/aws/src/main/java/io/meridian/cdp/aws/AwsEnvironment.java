package io.meridian.cdp.aws;

import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ConfigFile;
import java.io.IOException;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Turns a Lambda function's environment into AWS clients and settings; handlers call it once, in
 * their public constructor (cold start). The variables:
 *
 * <ul>
 *   <li>{@code AWS_REGION}: set by Lambda.
 *   <li>{@value #LAKE_BUCKET}: the data lake bucket (raw, clean and quarantine zones).
 *   <li>{@value #LAKE_KMS_KEY_ID}: optional; KMS key for SSE-KMS writes to the lake, SSE-S3
 *       without.
 *   <li>{@value #STREAM_NAME}: the Kinesis data stream of accepted events.
 *   <li>{@value #CONFIG_BUCKET} and {@value #CONFIG_KEY}: where {@code cdp.yaml} (tenants, sources,
 *       write key hashes) is stored.
 *   <li>{@value #TENANT_SECRETS}: the name prefix of the deployment's tenant secrets in Secrets
 *       Manager, such as {@code cdp-prod-tenant/} (privacy keys, PII hash secrets).
 *   <li>{@value #AUDIT_SECRET}: the name of the Secrets Manager secret that signs the head of the
 *       audit log in the lake ({@code _audit/}, ADR 0027).
 *   <li>{@value #S3_FORCE_PATH_STYLE}: optional; {@code true} addresses buckets in the path ({@code
 *       http://host/bucket/key}) instead of the host name, for S3 emulators and S3-compatible
 *       stores that have no per-bucket host names. Unset on AWS.
 *   <li>{@value #ATHENA_WORKGROUP}: the Athena workgroup compute-segments runs its queries in.
 *   <li>{@value #ACTIVATION_BUS}: the EventBridge bus publish-changes puts membership events on.
 *   <li>{@value #CONSENT_PURPOSES}: tenant → the consent purposes its deployed destinations
 *       declare, as JSON ({@code {"acme": ["advertising"]}}); publish-changes counts refusals.
 *   <li>{@value #WEBHOOK_DESTINATIONS}: the webhook destinations the activate function delivers to,
 *       as JSON ({@code io.meridian.cdp.activation.WebhookTarget}).
 * </ul>
 *
 * <p>{@code AWS_ENDPOINT_URL} (read by the SDK itself) points the clients at an emulator.
 */
public final class AwsEnvironment {
  public static final String LAKE_BUCKET = "LAKE_BUCKET";
  public static final String LAKE_KMS_KEY_ID = "LAKE_KMS_KEY_ID";
  public static final String STREAM_NAME = "STREAM_NAME";
  public static final String CONFIG_BUCKET = "CONFIG_BUCKET";
  public static final String CONFIG_KEY = "CONFIG_KEY";
  public static final String S3_FORCE_PATH_STYLE = "CDP_S3_FORCE_PATH_STYLE";
  public static final String TENANT_SECRETS = "TENANT_SECRETS";
  public static final String AUDIT_SECRET = "AUDIT_SECRET";
  public static final String ATHENA_WORKGROUP = "ATHENA_WORKGROUP";
  public static final String ACTIVATION_BUS = "ACTIVATION_BUS";
  public static final String CONSENT_PURPOSES = "CONSENT_PURPOSES";
  public static final String WEBHOOK_DESTINATIONS = "WEBHOOK_DESTINATIONS";

  /** How long an accepted call may take to reach the raw zone (ISO-8601 duration, erasure). */
  public static final String ERASURE_SETTLE = "ERASURE_SETTLE";

  private AwsEnvironment() {}

  /**
   * The value of environment variable {@code name}.
   *
   * @throws IllegalStateException naming the variable when it is unset or blank
   */
  public static String require(String name) {
    return optional(name)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "environment variable " + name + " must be set (see the handler's Javadoc)"));
  }

  /** The value of environment variable {@code name}, empty when unset or blank. */
  public static Optional<String> optional(String name) {
    return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
  }

  /** An S3 client on the URL-connection HTTP client, for the function's region. */
  public static S3Client s3() {
    return S3Client.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(require("AWS_REGION")))
        .forcePathStyle(optional(S3_FORCE_PATH_STYLE).map(Boolean::parseBoolean).orElse(false))
        .build();
  }

  /** A Kinesis client on the URL-connection HTTP client, for the function's region. */
  public static KinesisClient kinesis() {
    return KinesisClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(require("AWS_REGION")))
        .build();
  }

  /** A DynamoDB client on the URL-connection HTTP client, for the function's region. */
  public static software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb() {
    return software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(require("AWS_REGION")))
        .build();
  }

  /** An Athena client on the URL-connection HTTP client, for the function's region. */
  public static software.amazon.awssdk.services.athena.AthenaClient athena() {
    return software.amazon.awssdk.services.athena.AthenaClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(require("AWS_REGION")))
        .build();
  }

  /** An EventBridge client on the URL-connection HTTP client, for the function's region. */
  public static software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge() {
    return software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(require("AWS_REGION")))
        .build();
  }

  /** A Glue client on the URL-connection HTTP client, for the function's region. */
  public static software.amazon.awssdk.services.glue.GlueClient glue() {
    return software.amazon.awssdk.services.glue.GlueClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(require("AWS_REGION")))
        .build();
  }

  /** A KMS client on the URL-connection HTTP client, for the function's region. */
  public static software.amazon.awssdk.services.kms.KmsClient kms() {
    return software.amazon.awssdk.services.kms.KmsClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(require("AWS_REGION")))
        .build();
  }

  /** A Secrets Manager client on the URL-connection HTTP client, for the function's region. */
  public static software.amazon.awssdk.services.secretsmanager.SecretsManagerClient
      secretsManager() {
    return software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(require("AWS_REGION")))
        .build();
  }

  /**
   * The key material of the tenants' PII policies (ADR 0020) on AWS, for a lake: hash secrets from
   * Secrets Manager ({@code secretsmanager:} references in cdp.yaml), per-tenant data keys wrapped
   * by the KMS key {@value #LAKE_KMS_KEY_ID} and stored under {@code _keys/} of the lake. The
   * clients are made once; a function without {@value #LAKE_KMS_KEY_ID} can hash but not tokenize,
   * and says so.
   */
  public static java.util.function.Function<ObjectStore, io.meridian.cdp.privacy.PiiKeys>
      piiKeys() {
    io.meridian.cdp.secret.SecretStore secrets = new SecretsManagerSecretStore(secretsManager());
    io.meridian.cdp.secret.KeyService keys =
        optional(LAKE_KMS_KEY_ID)
            .<io.meridian.cdp.secret.KeyService>map(id -> new KmsKeyService(kms(), id))
            .orElse(NO_KMS_KEY);
    return lake -> new io.meridian.cdp.privacy.PiiKeys(lake, keys, secrets);
  }

  /**
   * The tenants' suppression lists (erased people, ADR 0021) in {@code lake}, keyed by each
   * tenant's privacy key {@code <}{@value #TENANT_SECRETS}{@code >privacy-<tenant>} in Secrets
   * Manager and re-read every minute. A tenant nobody was erased from costs one listing a minute
   * and no secret.
   */
  public static io.meridian.cdp.privacy.Suppression suppression(ObjectStore lake) {
    String prefix = require(TENANT_SECRETS);
    return new io.meridian.cdp.privacy.Suppression(
        lake,
        new io.meridian.cdp.privacy.PrivacyKeys(
            new SecretsManagerSecretStore(secretsManager()),
            tenant -> io.meridian.cdp.privacy.PrivacyKeys.awsRef(prefix, tenant)),
        java.time.Duration.ofMinutes(1),
        java.time.Clock.systemUTC());
  }

  private static final io.meridian.cdp.secret.KeyService NO_KMS_KEY =
      new io.meridian.cdp.secret.KeyService() {
        @Override
        public DataKey generateDataKey(String tenant) {
          throw missingKey(tenant);
        }

        @Override
        public byte[] decrypt(byte[] wrapped, String tenant) {
          throw missingKey(tenant);
        }

        private IllegalStateException missingKey(String tenant) {
          return new IllegalStateException(
              "tenant '"
                  + tenant
                  + "' tokenizes personal data, which needs a KMS key: set "
                  + LAKE_KMS_KEY_ID);
        }
      };

  /** {@code bucket} as an object store, with SSE-KMS when {@value #LAKE_KMS_KEY_ID} is set. */
  public static S3ObjectStore lake(S3Client s3, String bucket) {
    S3ObjectStore store = new S3ObjectStore(s3, bucket);
    return optional(LAKE_KMS_KEY_ID).map(store::withKmsKey).orElse(store);
  }

  /** Reads {@code cdp.yaml} from {@value #CONFIG_BUCKET} / {@value #CONFIG_KEY}. */
  public static CdpConfig config(S3Client s3) throws IOException {
    return config(new S3ObjectStore(s3, require(CONFIG_BUCKET)), require(CONFIG_KEY));
  }

  /**
   * Reads {@code cdp.yaml} stored under {@code key}.
   *
   * @throws IllegalStateException when there is no such object or it is not a valid config
   */
  public static CdpConfig config(ObjectStore store, String key) throws IOException {
    byte[] yaml =
        store
            .get(key)
            .orElseThrow(
                () -> new IllegalStateException("tenant config " + store + key + " not found"));
    try {
      return ConfigFile.parse(yaml, "cdp.yaml");
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "tenant config " + store + key + " is invalid: " + e.getMessage(), e);
    }
  }
}
