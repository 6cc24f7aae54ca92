package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.CurateTask;
import io.meridian.cdp.aws.SecretsManagerSecretStore;
import io.meridian.cdp.aws.telemetry.LogContext;
import io.meridian.cdp.aws.telemetry.Metrics;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.privacy.AuditLog;
import io.meridian.cdp.privacy.Erasure;
import io.meridian.cdp.privacy.ErasureRequests;
import io.meridian.cdp.privacy.PipelineSettled;
import io.meridian.cdp.privacy.PrivacyKeys;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.secret.SecretRef;
import io.meridian.cdp.secret.SecretStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.Tenants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code Erase} task of {@code statemachines/erase.asl.json}: erases the person an {@code
 * Erasure Requested} event names ({@code events/erasure-requested}) through {@link
 * ErasureRequests}, and returns {@code {"tenant", "requestId", "status",
 * "nextStep"|"archivedObjects"|"reportKey"}}.
 *
 * <p>A job runs step by step (ADR 0021). Before each step the handler checks the time Lambda leaves
 * it: with less than {@link #RESERVE} left it stops and answers {@code "status": "in_progress"};
 * the state machine calls it again with the same event and the job resumes at that step. A crash
 * (or timeout) part-way is the same: the retry resumes. When raw objects of the person are in Deep
 * Archive it asks for restored copies, rewrites the others and answers {@code "status":
 * "waiting_for_restore"}; the state machine calls it again an hour later. It looks for the person's
 * events only once no call accepted before their suppression can still be on its way ({@link
 * PipelineSettled}: {@code ERASURE_SETTLE} after the suppression, and the tenant's raw objects up
 * to then converted); until then it answers {@code "status": "waiting_for_pipeline"} with {@code
 * waitSeconds}. The outcome and every pause are recorded in the audit log ({@code _audit/} of the
 * lake), never the identifier's value; the signed report is written to {@code _privacy/reports/} of
 * the lake.
 *
 * <p>An event that is not an erasure request, names an unknown tenant or identifier type, or an
 * identifier shared by several people throws {@link IllegalArgumentException}: the task fails
 * without retry. A lake or secret-store failure throws {@link UncheckedIOException} (retried; the
 * retry resumes).
 *
 * <p>Environment: {@code LAKE_BUCKET}, optionally {@code LAKE_KMS_KEY_ID}, {@code CONFIG_BUCKET}
 * and {@code CONFIG_KEY} ({@code cdp.yaml} is read on every invocation), {@code TENANT_SECRETS}
 * (the tenant's privacy key is {@code <TENANT_SECRETS>privacy-<tenant>} in Secrets Manager), {@code
 * AUDIT_SECRET} (the Secrets Manager secret that signs the audit log's head), {@code
 * ERASURE_SETTLE} (ISO-8601 duration), {@code AWS_REGION}. Parquet files are assembled in {@code
 * /tmp/cdp-work}. The function runs as the erasure role, the only principal that may delete raw
 * versions (ADR 0012), with a reserved concurrency of 1: erasures run one at a time. The job holds
 * the tenant's lease (ADR 0031) from its first call to its end; while a curate execution holds it
 * the call throws {@link io.meridian.cdp.identity.TenantBusyException} before doing anything (the
 * state machine retries).
 */
public final class EraseHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(EraseHandler.class);

  /** The time left at which no further step is started (a step may take minutes). */
  static final Duration RESERVE = Duration.ofMinutes(5);

  private final ObjectStore lake;
  private final Supplier<CdpConfig> config;
  private final PrivacyKeys keys;
  private final AuditLog audit;
  private final Path workDir;
  private final Clock clock;
  private final Duration reserve;
  private final PipelineSettled inFlight;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public EraseHandler() {
    this(AwsEnvironment.s3());
  }

  private EraseHandler(S3Client s3) {
    this(
        AwsEnvironment.lake(s3, AwsEnvironment.require(AwsEnvironment.LAKE_BUCKET)),
        () -> {
          try {
            return AwsEnvironment.config(s3);
          } catch (IOException e) {
            throw new UncheckedIOException("reading cdp.yaml failed", e);
          }
        },
        new SecretsManagerSecretStore(AwsEnvironment.secretsManager()),
        AwsEnvironment.require(AwsEnvironment.TENANT_SECRETS),
        AwsEnvironment.require(AwsEnvironment.AUDIT_SECRET),
        CurateTask.WORK_DIR,
        Clock.systemUTC(),
        RESERVE,
        Duration.parse(AwsEnvironment.require(AwsEnvironment.ERASURE_SETTLE)));
  }

  /**
   * @param lake the lake (clean, curated, raw, the job state, reports, the audit log)
   * @param config the tenant config in force, asked on every invocation
   * @param secrets where the tenants' privacy keys are
   * @param tenantSecrets the name prefix of the tenant secrets, such as {@code cdp-prod-tenant/}
   * @param auditSecret the name of the secret whose value signs the audit log's head (ADR 0027)
   * @param workDir where Parquet files are assembled before they are stored
   * @param reserve no step is started with less time left than this
   * @param settle how long an accepted call may take to reach the raw zone: the job looks for the
   *     person's events no sooner after suppressing them ({@link PipelineSettled})
   */
  EraseHandler(
      ObjectStore lake,
      Supplier<CdpConfig> config,
      SecretStore secrets,
      String tenantSecrets,
      String auditSecret,
      Path workDir,
      Clock clock,
      Duration reserve,
      Duration settle) {
    this.lake = lake;
    this.config = config;
    this.keys = new PrivacyKeys(secrets, t -> PrivacyKeys.awsRef(tenantSecrets, t));
    // No lock in common between instances: the lake store's conditional writes keep one chain.
    this.audit =
        new AuditLog(
            lake,
            AuditLog.DEFAULT_PREFIX,
            clock,
            () -> () -> {},
            AuditLog.hmac(secrets, new SecretRef("secretsmanager", auditSecret)));
    this.workDir = workDir;
    this.clock = clock;
    this.reserve = reserve;
    this.inFlight = new PipelineSettled(lake, settle, clock);
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    // The erase state machine's execution id correlates its calls (an event handed over directly:
    // its EventBridge id); the identifier to erase is never logged.
    LogContext.begin(
        context,
        input == null
            ? null
            : input.get(CurateTask.EXECUTION) instanceof String execution
                ? execution
                : input.get("id") instanceof String id ? id : null);
    Erasure erasure =
        new Erasure(
                lake,
                workDir,
                keys,
                new Suppression(lake, keys, Duration.ZERO, clock),
                audit,
                clock,
                null)
            .withInFlight(inFlight);
    Erasure.Budget budget =
        context == null
            ? Erasure.Budget.UNLIMITED
            : step -> context.getRemainingTimeInMillis() > reserve.toMillis();
    try {
      var out =
          ErasureRequests.handle(
              Json.MAPPER.valueToTree(input), new Tenants(config.get()), erasure, budget);
      LogContext.tenant(out.path("tenant").asText(null));
      String status = out.path("status").asText();
      Metrics.stage("erase")
          .count("ErasuresCompleted", "erased".equals(status) ? 1 : 0)
          .count("ErasuresAlreadyDone", "already_erased".equals(status) ? 1 : 0)
          .count("ErasuresNotFound", "not_found".equals(status) ? 1 : 0)
          .count("ErasuresInProgress", "in_progress".equals(status) ? 1 : 0)
          .count("ErasuresWaiting", status.startsWith("waiting_for_") ? 1 : 0)
          .publish();
      // ids and counts only: the identifier is never logged
      LOG.info(
          "erase {}: request {} {}{}",
          out.path("tenant").asText(),
          out.path("requestId").asText(),
          out.path("status").asText(),
          out.has("nextStep")
              ? " (continues at " + out.path("nextStep").asText() + ")"
              : out.has("waiting") ? " (" + out.path("waiting").asText() + ")" : "");
      return Json.MAPPER.convertValue(out, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("erasure failed; the same request resumes it", e);
    }
  }
}
