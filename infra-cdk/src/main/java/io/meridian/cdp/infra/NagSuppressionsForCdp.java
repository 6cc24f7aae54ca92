package io.meridian.cdp.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.IConstruct;

/**
 * Every cdk-nag suppression of the app, each with its reason, and each as narrow as cdk-nag allows:
 * IAM5 findings are suppressed only for the wildcard patterns listed ({@code appliesTo}), on the
 * roles named. Anything else cdk-nag finds fails {@code CdkNagTest}.
 */
final class NagSuppressionsForCdp {
  /** The object-level action families of CDK's grant helpers (grantRead/grantPut/grantDelete). */
  static final String GRANT_ACTIONS =
      "/^Action::(s3:(GetObject|GetBucket|List|Abort|DeleteObject)|kms:(GenerateDataKey|ReEncrypt))\\*$/";

  /** Objects under a prefix of the lake or the Athena results bucket (local or imported ARN). */
  static final String BUCKET_PREFIX_OBJECTS =
      "/^Resource::.*(Lake|AthenaResults).*\\/(.+\\/)?\\*$/";

  /** The log streams of the function's own log group. */
  static final String OWN_LOG_STREAMS = "/^Resource::<.*Logs.*\\.Arn>:\\*$/";

  private NagSuppressionsForCdp() {}

  static void apply(StatefulStack data, GovernanceStack governance, PipelineStack pipeline) {
    // eventBridgeEnabled on the lake bucket: CDK's own deploy-time custom resource sets the
    // bucket's notification configuration; its role is CDK's, with the basic execution policy.
    NagSuppressions.addStackSuppressions(
        data,
        List.of(
            suppress(
                "AwsSolutions-IAM4",
                "CDK's BucketNotificationsHandler (enables S3 → EventBridge on the lake bucket at"
                    + " deploy time) uses the AWS managed basic execution policy: logs only",
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
            suppress(
                "AwsSolutions-KDS3",
                "The stream is encrypted with the customer-managed data key on purpose: one key"
                    + " with rotation and an auditable policy for all stored event data")));

    for (PipelineFunction fn : pipeline.functions().values()) {
      NagSuppressions.addResourceSuppressions(
          fn.function(),
          List.of(
              suppress(
                  "AwsSolutions-L1",
                  "Java 21 is the runtime the handlers are built and tested for (bytecode level"
                      + " 17); a newer Java runtime is adopted deliberately, with the cold-start"
                      + " benchmark rerun")),
          true);
      Annotations.of(fn.function())
          .acknowledgeWarning(
              "@aws-cdk/aws-lambda:snapStartRequirePublish",
              "Every function is invoked through its live alias on the current published version");
      functionRole(fn.role());
    }

    for (IConstruct route : pipeline.browserRoutes()) {
      NagSuppressions.addResourceSuppressions(
          route,
          List.of(
              suppress(
                  "AwsSolutions-APIG4",
                  "Browsers (analytics.js) send the write key inside a text/plain body, which a"
                      + " Lambda authorizer cannot read; ingest-api authenticates every request"
                      + " itself (401 for a missing or unknown key), and CORS preflights carry no"
                      + " key")),
          true);
    }

    for (IConstruct route : pipeline.profileRoutes()) {
      NagSuppressions.addResourceSuppressions(
          route,
          List.of(
              suppress(
                  "AwsSolutions-APIG4",
                  "The profile API authenticates per request in its function: a tenant's read key"
                      + " (hashed in cdp.yaml) selects the tenant, any other key gets 401. The"
                      + " route's authorizer accepts write keys, which must never read profiles")),
          true);
    }

    for (Queue dlq : pipeline.deadLetterQueues().values()) {
      NagSuppressions.addResourceSuppressions(
          dlq,
          List.of(
              suppress(
                  "AwsSolutions-SQS3",
                  "This queue is itself a dead-letter queue (on-failure destination); its depth is"
                      + " alarmed")));
    }

    for (StateMachine sm : pipeline.stateMachines().values()) {
      NagSuppressions.addResourceSuppressions(
          sm.getRole(),
          List.of(
              suppressRegex(
                  "AwsSolutions-IAM5",
                  "X-Ray (PutTraceSegments, GetSamplingRules) and CloudWatch Logs vended log"
                      + " delivery (CreateLogDelivery and friends) have no resource-level"
                      + " permissions",
                  "/^Resource::\\*$/")),
          true);
    }

    NagSuppressions.addResourceSuppressions(
        pipeline.functions().get(Functions.COMPUTE_SEGMENTS.id()).role(),
        List.of(
            suppressRegex(
                "AwsSolutions-IAM5",
                "lakeformation:GetDataAccess has no resource-level permissions; Lake Formation"
                    + " grants (SELECT on the tables compute-segments queries, in the pipeline"
                    + " stack) decide what it reads",
                "/^Resource::\\*$/")),
        true);

    List<Role> queryRoles = new ArrayList<>(governance.tenantRoles());
    queryRoles.add(governance.analystRole());
    for (Role role : queryRoles) {
      NagSuppressions.addResourceSuppressions(
          role,
          List.of(
              suppressRegex(
                  "AwsSolutions-IAM5",
                  "Query results are objects of the workgroup's results bucket (read, written and"
                      + " cleaned up by Athena for the caller) through the data key",
                  GRANT_ACTIONS,
                  BUCKET_PREFIX_OBJECTS),
              suppressRegex(
                  "AwsSolutions-IAM5",
                  "Glue catalog reads and lakeformation:GetDataAccess: Lake Formation, not IAM,"
                      + " decides which tables, columns and rows the role sees (grants in this"
                      + " stack)",
                  "/^Resource::\\*$/")),
          true);
    }
    NagSuppressions.addResourceSuppressions(
        governance.roles().get("locations"),
        List.of(
            suppressRegex(
                "AwsSolutions-IAM5",
                "Lake Formation reads the objects of the registered zone prefixes on behalf of"
                    + " the principals it has granted",
                GRANT_ACTIONS,
                BUCKET_PREFIX_OBJECTS)),
        true);
    NagSuppressions.addResourceSuppressions(
        data.auditHeadKey(),
        List.of(
            suppress(
                "AwsSolutions-SMG4",
                "The audit head key signs the current head of the audit log (ADR 0027): rotating"
                    + " it must re-sign the head in the same step, which Secrets Manager's rotation"
                    + " cannot do; rotate by hand as docs/DEPLOY.md says")),
        true);
  }

  private static void functionRole(IConstruct role) {
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            suppressRegex(
                "AwsSolutions-IAM5",
                "Object-level action families of CDK's grant helpers, on the lake prefixes this"
                    + " function uses only (FunctionSpec: lakeReads/lakeWrites/lakeDeletes) and"
                    + " the data key",
                GRANT_ACTIONS,
                BUCKET_PREFIX_OBJECTS),
            suppressRegex(
                "AwsSolutions-IAM5",
                "The log streams of the function's own log group",
                OWN_LOG_STREAMS),
            suppressRegex(
                "AwsSolutions-IAM5",
                "GetSecretValue on the deployment's tenant secrets (cdp-<env>-tenant/*): the hash"
                    + " secrets of PII policies, named per tenant in cdp.yaml, unknown at deploy"
                    + " time, and the privacy keys of suppression lists (raw-to-clean, profile-api,"
                    + " ingest-api and publish-changes only)",
                "/^Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:cdp-[a-z0-9-]+-tenant\\/\\*$/"),
            suppressRegex(
                "AwsSolutions-IAM5",
                "X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) have no resource-level"
                    + " permissions",
                "/^Resource::\\*$/")),
        true);
  }

  private static NagPackSuppression suppress(String id, String reason, String... appliesTo) {
    NagPackSuppression.Builder b = NagPackSuppression.builder().id(id).reason(reason);
    if (appliesTo.length > 0) {
      b.appliesTo(List.of((Object[]) appliesTo));
    }
    return b.build();
  }

  private static NagPackSuppression suppressRegex(String id, String reason, String... regexes) {
    List<Object> appliesTo = new ArrayList<>();
    for (String r : regexes) {
      appliesTo.add(RegexAppliesTo.builder().regex(r).build());
    }
    return NagPackSuppression.builder().id(id).reason(reason).appliesTo(appliesTo).build();
  }
}
