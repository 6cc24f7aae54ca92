package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Erasure on AWS (ADR 0012, 0021): the erase function runs as the data stack's erasure role with
 * the lake access erasure needs and no more, one at a time; the erase state machine loops its task
 * and alarms on failure; it is started by an {@code Erasure Requested} event or an IAM-authorized
 * API call, never with a write key.
 */
class EraseStackTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Template pipeline = SynthesizedApp.pipeline();

  @SuppressWarnings("unchecked")
  private Map<String, Object> eraseFunction() {
    Map<String, Map<String, Object>> found =
        pipeline.findResources(
            "AWS::Lambda::Function",
            Map.of("Properties", Map.of("FunctionName", "cdp-test-erase")));
    assertThat(found).hasSize(1);
    return (Map<String, Object>) found.values().iterator().next().get("Properties");
  }

  /** The statements granted to the imported erasure role in this stack. */
  private String erasurePolicy() {
    Map<String, Map<String, Object>> policies = pipeline.findResources("AWS::IAM::Policy");
    List<String> found = new ArrayList<>();
    policies.forEach(
        (id, p) -> {
          if (id.startsWith("ErasureRolePolicy")) {
            found.add(p.toString());
          }
        });
    assertThat(found).as(policies.keySet().toString()).hasSize(1);
    return found.get(0);
  }

  @Test
  void theEraseFunctionRunsAsTheDataStacksErasureRoleOneAtATime() {
    Map<String, Object> fn = eraseFunction();
    assertThat(fn.get("Handler")).isEqualTo("io.meridian.cdp.fn.EraseHandler::handleRequest");
    assertThat(fn.get("Timeout")).isEqualTo(900);
    assertThat(fn.get("ReservedConcurrentExecutions")).isEqualTo(1);
    // the role is the data stack's cdp-<env>-raw-erasure, the one RawZoneIsImmutable exempts
    assertThat(fn.get("Role").toString()).contains("Fn::ImportValue").contains("RawErasureRole");
    assertThat(pipeline.findResources("AWS::IAM::Role").keySet())
        .noneMatch(id -> id.startsWith("EraseRole"));
    @SuppressWarnings("unchecked")
    Map<String, Object> vars =
        (Map<String, Object>) ((Map<String, Object>) fn.get("Environment")).get("Variables");
    assertThat(vars)
        .containsKeys("LAKE_BUCKET", "LAKE_KMS_KEY_ID", "CONFIG_BUCKET", "TENANT_SECRETS")
        .containsEntry("CONFIG_KEY", "cdp.yaml")
        .containsEntry("TENANT_SECRETS", "cdp-test-tenant/")
        .doesNotContainKeys("STREAM_NAME", "DEDUP_TABLE");
  }

  @Test
  void theErasureRoleMayRewriteAndDeleteVersionsInTheZonesItErasesOnlyAndNeverTheStream() {
    String policy = erasurePolicy();
    for (String prefix :
        List.of(
            "/clean/events/*",
            "/curated/*",
            "/_state/curated/*",
            "/quarantine/records/*",
            "/raw/*",
            "/_state/privacy/*",
            "/_privacy/*",
            "/_audit/*")) {
      assertThat(policy).contains(prefix);
    }
    assertThat(policy)
        .contains("s3:PutObject", "s3:DeleteObject*", "s3:List*")
        .contains("secretsmanager:GetSecretValue", ":secret:cdp-test-tenant/*")
        .contains("kms:Decrypt", "kms:GenerateDataKey*")
        .doesNotContain("kinesis:", "dynamodb:");
    // deletes (earlier versions of what it rewrote, ADR 0012, 0031) only in the zones it erases
    List<String> deletes = erasureRoleResourcesOf("s3:DeleteObject");
    assertThat(deletes).isNotEmpty();
    assertThat(String.join(" ", deletes))
        .contains(
            "/raw/*", "/clean/events/*", "/quarantine/records/*", "/curated/*", "/_state/curated/*")
        .doesNotContain("_audit/", "_privacy/", "_state/privacy/", "_keys/", "_ops/");
  }

  /** The resources of each statement of the erasure role's policies naming {@code action}. */
  private List<String> erasureRoleResourcesOf(String action) {
    List<String> out = new ArrayList<>();
    JsonNode policies = JSON.valueToTree(pipeline.findResources("AWS::IAM::Policy"));
    policies
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().startsWith("ErasureRolePolicy")) {
                e.getValue()
                    .at("/Properties/PolicyDocument/Statement")
                    .forEach(
                        st -> {
                          if (st.get("Action").toString().contains(action)) {
                            out.add(st.get("Resource").toString());
                          }
                        });
              }
            });
    return out;
  }

  @Test
  void theErasureRoleMayRestoreArchivedRawObjectsOnly() {
    List<String> restores = erasureRoleResourcesOf("s3:RestoreObject");
    assertThat(restores).hasSize(1);
    assertThat(restores.get(0)).contains("/raw/*").doesNotContain("clean/", "curated/", "_audit/");
  }

  @Test
  void theEraseStateMachineInvokesOnlyTheEraseAliasAndItsFailuresAlarm() {
    pipeline.hasResourceProperties(
        "AWS::StepFunctions::StateMachine",
        Map.of(
            "StateMachineName",
            "cdp-test-erase",
            "DefinitionSubstitutions",
            Map.of("EraseFunctionArn", Map.of("Ref", Match.stringLikeRegexp("EraseLive.*"))),
            "LoggingConfiguration",
            Match.objectLike(Map.of("IncludeExecutionData", false))));
    pipeline.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "AlarmName",
            "cdp-test-erase-executions-failed",
            "AlarmActions",
            List.of(Match.anyValue())));
    pipeline.hasResourceProperties(
        "AWS::CloudWatch::Alarm", Map.of("AlarmName", "cdp-test-erase-errors"));
  }

  @Test
  void anErasureRequestedEventOfSourceCdpPrivacyStartsTheStateMachineWithADlq() {
    pipeline.hasResourceProperties(
        "AWS::Events::Rule",
        Map.of(
            "Name",
            "cdp-test-erasure-requested",
            "EventPattern",
            Map.of("source", List.of("cdp.privacy"), "detail-type", List.of("Erasure Requested")),
            "Targets",
            List.of(
                Match.objectLike(
                    Map.of(
                        "Arn", Map.of("Ref", Match.stringLikeRegexp("EraseStateMachine.*")),
                        "RoleArn", Match.anyValue(),
                        "DeadLetterConfig", Map.of("Arn", Match.anyValue()),
                        "RetryPolicy", Match.objectLike(Map.of("MaximumRetryAttempts", 8)))))));
    // on the default bus: no EventBusName (PutEvents is authorized by IAM)
    pipeline.hasResource(
        "AWS::Events::Rule",
        Map.of(
            "Properties",
            Match.objectLike(
                Map.of("Name", "cdp-test-erasure-requested", "EventBusName", Match.absent()))));
  }

  @Test
  void theApiStartsAnErasureOnlyForIamSignedCallsNeverForAWriteKey() throws Exception {
    pipeline.hasResourceProperties(
        "AWS::ApiGatewayV2::Route",
        Map.of(
            "RouteKey", "POST /v1/privacy/erasures",
            "AuthorizationType", "AWS_IAM",
            "AuthorizerId", Match.absent()));
    pipeline.hasResourceProperties(
        "AWS::ApiGatewayV2::Integration",
        Map.of(
            "IntegrationType",
            "AWS_PROXY",
            "IntegrationSubtype",
            "StepFunctions-StartExecution",
            "RequestParameters",
            Match.objectLike(
                Map.of(
                    "StateMachineArn",
                    Map.of("Ref", Match.stringLikeRegexp("EraseStateMachine.*"))))));
    // the roles of the API integration and the rule start executions of that machine, not of "*"
    JsonNode policies = JSON.valueToTree(pipeline.findResources("AWS::IAM::Policy"));
    List<String> starts = new ArrayList<>();
    policies.forEach(
        p ->
            p.at("/Properties/PolicyDocument/Statement")
                .forEach(
                    s -> {
                      if (s.get("Action").toString().contains("states:StartExecution")) {
                        starts.add(s.get("Resource").toString());
                      }
                    }));
    assertThat(starts)
        .anyMatch(r -> r.contains("EraseStateMachine"))
        .noneMatch(r -> r.contains("\"*\""));
  }

  @Test
  void nobodyMayDeleteAuditObjectsOrTheirVersionsAndNoRuleExpiresThem() {
    Template data = SynthesizedApp.data();
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
                                "Sid", "AuditLogIsAppendOnly",
                                "Effect", "Deny",
                                "Principal", Map.of("AWS", "*"),
                                "Action",
                                    Match.arrayWith(
                                        List.of("s3:DeleteObject", "s3:DeleteObjectVersion")),
                                "Condition", Match.absent())))))));
    assertThat(data.toJSON().toString()).doesNotContain("Prefix=_audit/");
    // the head's signing key: generated, retained, readable by the erase function only
    data.hasResourceProperties(
        "AWS::SecretsManager::Secret",
        Map.of(
            "Name",
            "cdp-test-audit-head-key",
            "GenerateSecretString",
            Match.objectLike(Map.of("PasswordLength", 64))));
    assertThat(erasurePolicy()).contains("AuditHeadKey");
    assertThat(eraseFunction().toString()).contains("AUDIT_SECRET=cdp-test-audit-head-key");
    Map<String, Map<String, Object>> policies = pipeline.findResources("AWS::IAM::Policy");
    policies.forEach(
        (id, p) -> {
          if (!id.startsWith("ErasureRolePolicy")) {
            assertThat(p.toString()).as(id).doesNotContain("AuditHeadKey", "/_audit/*");
          }
        });
  }
}
