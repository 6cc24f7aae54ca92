package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class PipelineStackTest {
  private final Template pipeline = SynthesizedApp.pipeline();

  @Test
  void everyFunctionRunsJava21OnArm64TracedWithJsonLogsAndPowertoolsSettings() {
    pipeline.resourceCountIs("AWS::Lambda::Function", Functions.ALL.size());
    for (FunctionSpec spec : Functions.ALL) {
      pipeline.hasResourceProperties(
          "AWS::Lambda::Function",
          Map.of(
              "FunctionName", "cdp-test-" + spec.module(),
              "Handler", spec.handler() + "::handleRequest",
              "Runtime", "java21",
              "Architectures", List.of("arm64"),
              "MemorySize", spec.memoryMb(),
              "Timeout", spec.timeoutSeconds(),
              "TracingConfig", Map.of("Mode", "Active"),
              "LoggingConfig", Match.objectLike(Map.of("LogFormat", "JSON")),
              "Environment",
                  Map.of(
                      "Variables",
                      Match.objectLike(
                          Map.of(
                              "POWERTOOLS_SERVICE_NAME",
                              spec.module(),
                              "POWERTOOLS_METRICS_NAMESPACE",
                              "MeridianCDP",
                              "JAVA_TOOL_OPTIONS",
                              PipelineFunction.javaToolOptions(spec))))));
    }
    // C1 only for a fast start, but C2 too where long computations pay its JIT work back, with
    // huge pages for the identity graph's random lookups (ADR 0038)
    assertThat(variables("ingest-api").get("JAVA_TOOL_OPTIONS"))
        .isEqualTo("-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    for (String module : List.of("raw-to-clean", "resolve-identities", "build-profiles")) {
      assertThat(variables(module).get("JAVA_TOOL_OPTIONS"))
          .as(module)
          .isEqualTo("-XX:+TieredCompilation -XX:+UseTransparentHugePages");
    }
    // a live alias each, and activate one more per webhook destination (globex-hook)
    pipeline.resourceCountIs("AWS::Lambda::Alias", Functions.ALL.size() + 1);
    assertThat(pipeline.findResources("AWS::Logs::LogGroup").values().toString())
        .contains("RetentionInDays=90");
  }

  @Test
  void eachHandlerGetsExactlyTheVariablesItReads() {
    assertThat(variables("stream-to-raw"))
        .containsKeys("LAKE_BUCKET", "LAKE_KMS_KEY_ID")
        .doesNotContainKeys("CONFIG_BUCKET", "CONFIG_KEY", "STREAM_NAME");
    // ingest-api reads the lake for the suppression lists of erased people only (no writes, no key)
    assertThat(variables("ingest-api"))
        .containsKeys("STREAM_NAME", "CONFIG_BUCKET", "LAKE_BUCKET", "TENANT_SECRETS")
        .containsEntry("CONFIG_KEY", "cdp.yaml")
        .doesNotContainKeys("LAKE_KMS_KEY_ID", "DEDUP_TABLE");
    assertThat(variables("raw-to-clean"))
        .containsKeys("LAKE_KMS_KEY_ID", "CONFIG_BUCKET", "CONFIG_KEY", "DEDUP_TABLE")
        .doesNotContainKeys("LAKE_BUCKET", "STREAM_NAME");
    assertThat(variables("authorizer"))
        .containsKeys("CONFIG_BUCKET", "CONFIG_KEY")
        .doesNotContainKeys("LAKE_BUCKET", "STREAM_NAME");
  }

  @Test
  void snapStartOnlyWhereTheConstructorCapturesNothingThatChangesAndConcurrencyIsBounded() {
    Map<String, Map<String, Object>> snapStarted =
        pipeline.findResources(
            "AWS::Lambda::Function",
            Map.of("Properties", Map.of("SnapStart", Map.of("ApplyOn", "PublishedVersions"))));
    assertThat(snapStarted.values().toString())
        .contains("cdp-test-stream-to-raw")
        .doesNotContain("cdp-test-ingest-api", "cdp-test-raw-to-clean");
    assertThat(snapStarted).hasSize(1);
    // De-duplication by DynamoDB conditional writes lets raw-to-clean scale out (ADR 0026).
    assertThat(
            pipeline
                .findResources(
                    "AWS::Lambda::Function",
                    Map.of("Properties", Map.of("FunctionName", "cdp-test-raw-to-clean")))
                .values()
                .toString())
        .contains("DEDUP_TABLE")
        .doesNotContain("ReservedConcurrentExecutions");
  }

  @Test
  void ingestApiReadsTheSuppressionListsOfTheLakeAndTheTenantSecrets() {
    String ingest =
        pipeline
            .findResources(
                "AWS::Lambda::Function",
                Map.of("Properties", Map.of("FunctionName", "cdp-test-ingest-api")))
            .values()
            .toString();
    assertThat(ingest).contains("LAKE_BUCKET", "TENANT_SECRETS", "cdp-test-tenant/");
    String policies =
        pipeline
            .findResources(
                "AWS::IAM::Policy",
                Map.of(
                    "Properties",
                    Map.of(
                        "Roles",
                        Match.arrayWith(
                            List.of(Map.of("Ref", Match.stringLikeRegexp("IngestApi.*")))))))
            .values()
            .toString();
    assertThat(policies)
        .contains("_state/privacy/*", "secretsmanager:GetSecretValue", ":secret:cdp-test-tenant/*")
        .doesNotContain("clean/events/");
  }

  @Test
  void rawToCleanMayOnlyPutItemsInTheDedupTable() {
    Map<String, Map<String, Object>> policies =
        pipeline.findResources(
            "AWS::IAM::Policy",
            Map.of(
                "Properties",
                Map.of(
                    "Roles",
                    Match.arrayWith(
                        List.of(Map.of("Ref", Match.stringLikeRegexp("RawToClean.*")))))));
    String statements = policies.values().toString();
    assertThat(statements).contains("dynamodb:PutItem").contains("DedupTable");
    assertThat(statements)
        .doesNotContain("dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:GetItem");
    // and the tenants' PII hash secrets, under the deployment's prefix only
    assertThat(statements).contains("secretsmanager:GetSecretValue", ":secret:cdp-test-tenant/*");
  }

  @Test
  void theStreamIsReadWithPartialBatchResponsesBisectionMaxAgeAndAnOnFailureQueue() {
    pipeline.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of(
            "FunctionName",
            Match.anyValue(),
            "StartingPosition",
            "TRIM_HORIZON",
            "FunctionResponseTypes",
            List.of("ReportBatchItemFailures"),
            "BisectBatchOnFunctionError",
            true,
            "MaximumRecordAgeInSeconds",
            12 * 3600,
            "MaximumRetryAttempts",
            10,
            "DestinationConfig",
            Map.of(
                "OnFailure",
                Map.of(
                    "Destination",
                    Map.of(
                        "Fn::GetAtt",
                        List.of(logicalId("AWS::SQS::Queue", "StreamToRawDlq"), "Arn"))))));
  }

  @Test
  void theApiAuthorizesWriteKeysWithACachedSimpleLambdaAuthorizerOnEveryHeaderKeyedRoute() {
    pipeline.hasResourceProperties(
        "AWS::ApiGatewayV2::Authorizer",
        Map.of(
            "AuthorizerType",
            "REQUEST",
            "AuthorizerPayloadFormatVersion",
            "2.0",
            "EnableSimpleResponses",
            true,
            "IdentitySource",
            List.of("$request.header.Authorization"),
            "AuthorizerResultTtlInSeconds",
            300));
    pipeline.resourceCountIs(
        "AWS::ApiGatewayV2::Route",
        PipelineStack.ENDPOINTS.size()
            + PipelineStack.BROWSER_ENDPOINTS.size()
            + 1 // CORS preflight
            + PipelineStack.PROFILE_PATHS.size()
            + 1); // POST /v1/privacy/erasures (IAM, EraseStackTest)
    for (String endpoint : PipelineStack.ENDPOINTS) {
      pipeline.hasResourceProperties(
          "AWS::ApiGatewayV2::Route",
          Map.of(
              "RouteKey",
              "POST /v1/" + endpoint,
              "AuthorizationType",
              "CUSTOM",
              "AuthorizerId",
              Match.anyValue()));
    }
  }

  @Test
  void browsersReachIngestApiOnAnalyticsJsShortPathsWhereTheFunctionChecksTheKeyInTheBody() {
    for (String endpoint : PipelineStack.BROWSER_ENDPOINTS) {
      pipeline.hasResourceProperties(
          "AWS::ApiGatewayV2::Route",
          Map.of("RouteKey", "POST /v1/" + endpoint, "AuthorizationType", "NONE"));
    }
    pipeline.hasResourceProperties(
        "AWS::ApiGatewayV2::Route",
        Map.of("RouteKey", "OPTIONS /v1/{proxy+}", "AuthorizationType", "NONE"));
  }

  @Test
  void theProfileApiIsServedByItsFunctionWhichChecksReadKeysAndOnlyReadsTheCuratedZone() {
    for (String path : PipelineStack.PROFILE_PATHS) {
      pipeline.hasResourceProperties(
          "AWS::ApiGatewayV2::Route",
          Map.of("RouteKey", "GET " + path, "AuthorizationType", "NONE"));
    }
    pipeline.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "FunctionName",
            "cdp-test-profile-api",
            "Handler",
            "io.meridian.cdp.fn.ProfileApiHandler::handleRequest",
            "Architectures",
            List.of("arm64")));
    assertThat(Functions.PROFILE_API.lakeWrites()).isEmpty();
    assertThat(Functions.PROFILE_API.lakeDeletes()).isEmpty();
  }

  @Test
  void theApiThrottlesPerRouteAndWritesAccessLogsWithoutIpAddresses() {
    pipeline.hasResourceProperties(
        "AWS::ApiGatewayV2::Stage",
        Map.of(
            "StageName", "$default",
            "DefaultRouteSettings",
                Map.of(
                    "ThrottlingRateLimit", 1000,
                    "ThrottlingBurstLimit", 2000,
                    "DetailedMetricsEnabled", true),
            "RouteSettings",
                Map.of(
                    "POST /v1/batch",
                        Map.of(
                            "ThrottlingRateLimit", 200,
                            "ThrottlingBurstLimit", 400,
                            "DetailedMetricsEnabled", true),
                    "POST /v1/import", Match.objectLike(Map.of("ThrottlingRateLimit", 200))),
            "AccessLogSettings",
                Map.of(
                    "DestinationArn",
                    Match.anyValue(),
                    "Format",
                    PipelineStack.ACCESS_LOG_FORMAT)));
    assertThat(PipelineStack.ACCESS_LOG_FORMAT)
        .contains("$context.authorizer.tenant")
        .doesNotContain("sourceIp", "header");
  }

  @Test
  void streamToRawMayWriteTheRawZoneButNeitherDeleteNorReadOtherZones() {
    String policy = policyOf("StreamToRaw");
    assertThat(policy)
        .contains("s3:PutObject")
        .contains("/raw/*")
        .contains("/_unroutable/raw/*")
        .doesNotContain("s3:DeleteObject")
        .doesNotContain("/clean/")
        .doesNotContain("/curated/")
        .contains("kinesis:GetRecords");
  }

  @Test
  void curateTasksMayDeleteOnlyCuratedSnapshotsAndPointers() {
    String policy = policyOf("ResolveIdentities");
    assertThat(policy).contains("s3:DeleteObject*").doesNotContain("/raw/");
    assertThat(policy.replaceAll(".*?(\\{Action=s3:DeleteObject\\*.*?}).*", "$1"))
        .doesNotContain("clean/");
  }

  @Test
  void ingestMayPutRecordsAndReadOnlyTheConfigObject() {
    String policy = policyOf("IngestApi");
    assertThat(policy)
        .contains("kinesis:PutRecords")
        .contains("/cdp.yaml")
        .doesNotContain("s3:PutObject")
        .doesNotContain("/raw/");
  }

  @Test
  void rawObjectsTriggerRawToCleanThroughEventBridgeAsAnS3NotificationWithADlq() {
    pipeline.hasResourceProperties(
        "AWS::Events::Rule",
        Map.of(
            "EventPattern",
                Map.of(
                    "source", List.of("aws.s3"),
                    "detail-type", List.of("Object Created"),
                    "detail",
                        Map.of(
                            "bucket", Map.of("name", List.of(Match.anyValue())),
                            "object", Map.of("key", List.of(Map.of("prefix", "raw/"))))),
            "Targets",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "DeadLetterConfig", Map.of("Arn", Match.anyValue()),
                            "RetryPolicy", Map.of("MaximumRetryAttempts", 8),
                            "InputTransformer",
                                Map.of(
                                    "InputPathsMap",
                                        Match.objectLike(
                                            Map.of(
                                                "detail-bucket-name", "$.detail.bucket.name",
                                                "detail-object-key", "$.detail.object.key")),
                                    "InputTemplate",
                                        Match.stringLikeRegexp(
                                            ".*\"Records\".*\"s3\".*\"key\":<detail-object-key>.*")))))));
    pipeline.hasResourceProperties(
        "AWS::Lambda::EventInvokeConfig",
        Map.of(
            "MaximumRetryAttempts",
            2,
            "DestinationConfig",
            Map.of("OnFailure", Map.of("Destination", Match.anyValue()))));
  }

  @Test
  void curateIsScheduledForTheConfiguredTenantsWithADlq() {
    pipeline.hasResourceProperties(
        "AWS::Scheduler::Schedule",
        Map.of(
            "Name", "cdp-test-curate",
            "ScheduleExpression", "rate(1 hour)",
            "State", "ENABLED",
            "Target",
                Match.objectLike(
                    Map.of(
                        "Input", "{\"tenants\":[\"acme\",\"globex\"]}",
                        "DeadLetterConfig", Map.of("Arn", Match.anyValue()),
                        "RetryPolicy", Match.objectLike(Map.of("MaximumRetryAttempts", 3))))));
  }

  @Test
  void stateMachinesAreLoggedWithoutExecutionDataAndTraced() {
    pipeline.hasResourceProperties(
        "AWS::StepFunctions::StateMachine",
        Map.of(
            "StateMachineName", "cdp-test-curate",
            "DefinitionS3Location", Match.anyValue(),
            "DefinitionSubstitutions",
                Map.of(
                    "ResolveIdentitiesFunctionArn",
                        Map.of("Ref", logicalId("AWS::Lambda::Alias", "ResolveIdentitiesLive")),
                    "BuildProfilesFunctionArn",
                        Map.of("Ref", logicalId("AWS::Lambda::Alias", "BuildProfilesLive"))),
            "LoggingConfiguration",
                Map.of(
                    "Level",
                    "ALL",
                    "IncludeExecutionData",
                    false,
                    "Destinations",
                    Match.anyValue()),
            "TracingConfiguration", Map.of("Enabled", true)));
  }

  @Test
  void activationDestinationsAreApiDestinationsWithSecretsManagerCredentialsAndADlq() {
    pipeline.hasResourceProperties("AWS::Events::EventBus", Map.of("Name", "cdp-test-activation"));
    pipeline.hasResourceProperties(
        "AWS::Events::Connection",
        Map.of(
            "AuthorizationType",
            "API_KEY",
            "AuthParameters",
            Map.of(
                "ApiKeyAuthParameters",
                Map.of(
                    "ApiKeyName",
                    "X-Api-Key",
                    "ApiKeyValue",
                    Match.stringLikeRegexp(
                        ".*resolve:secretsmanager:arn:aws:secretsmanager:.*:SecretString:apiKey.*")))));
    pipeline.hasResourceProperties(
        "AWS::Events::ApiDestination",
        Map.of("InvocationEndpoint", "https://crm.example.com/hooks/cdp", "HttpMethod", "POST"));
    pipeline.resourceCountIs("AWS::Events::ApiDestination", 1);
    // the rule's pattern: event type, the configured pattern (a segment), the tenant, and the
    // consent condition that leaves out profiles that refused "advertising" (BusPatterns)
    pipeline.hasResourceProperties(
        "AWS::Events::Rule",
        Map.of(
            "Name", "cdp-test-activate-acme-crm",
            "EventBusName", Match.anyValue(),
            "EventPattern",
                Map.of(
                    "source", List.of("meridian.cdp"),
                    "detail-type", List.of("Segment Membership Changed"),
                    "detail",
                        Map.of(
                            "segment", Map.of("id", List.of("vip")),
                            "tenant", List.of("acme"),
                            "consent",
                                Map.of("advertising", List.of(true, Map.of("exists", false))))),
            "Targets",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "DeadLetterConfig", Map.of("Arn", Match.anyValue()),
                            "RetryPolicy",
                                Map.of(
                                    "MaximumRetryAttempts", 8,
                                    "MaximumEventAgeInSeconds", 86400))))));
  }

  @Test
  void aWebhookDestinationIsDeliveredByTheActivateFunctionThroughAnAliasOfItsOwn() {
    String alias = logicalId("AWS::Lambda::Alias", "ActivateToGlobexHook");
    pipeline.hasResourceProperties(
        "AWS::Lambda::Alias", Map.of("Name", "to-globex-hook", "FunctionName", Match.anyValue()));
    pipeline.hasResourceProperties(
        "AWS::Events::Rule",
        Map.of(
            "Name", "cdp-test-activate-globex-hook",
            "EventPattern",
                Map.of(
                    "source", List.of("meridian.cdp"),
                    "detail-type", List.of("Segment Membership Changed"),
                    "detail",
                        Map.of(
                            "tenant", List.of("globex"),
                            "consent", Map.of("email", List.of(true, Map.of("exists", false))))),
            "Targets",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Arn", Map.of("Ref", alias),
                            "InputTransformer",
                                Map.of(
                                    "InputTemplate",
                                    "{\"destination\": \"globex-hook\", \"event\":"
                                        + " <aws.events.event.json>}"),
                            "DeadLetterConfig", Map.of("Arn", Match.anyValue()),
                            "RetryPolicy", Match.anyValue())))));
    assertThat(
            pipeline
                .findResources(
                    "AWS::Events::Rule",
                    Map.of("Properties", Map.of("Name", "cdp-test-activate-globex-hook")))
                .values()
                .toString())
        .doesNotContain("Input=");
    // the function's failures, on the destination's alias: retried twice by Lambda, then the
    // destination's queue
    String invokeConfig = logicalId("AWS::Lambda::EventInvokeConfig", "ActivateToGlobexHook");
    assertThat(pipeline.findResources("AWS::Lambda::EventInvokeConfig").get(invokeConfig))
        .extracting(r -> r.get("Properties"))
        .asString()
        .contains("MaximumRetryAttempts=2", "MaximumEventAgeInSeconds=21600")
        .contains("OnFailure={Destination={Fn::GetAtt=[ActivationGlobexHookDlq")
        .contains(alias);
    pipeline.hasResourceProperties(
        "AWS::Lambda::Permission",
        Map.of(
            "Action", "lambda:InvokeFunction",
            "FunctionName", Map.of("Ref", alias),
            "Principal", "events.amazonaws.com"));
  }

  @Test
  void theActivateFunctionReadsItsDestinationsFromItsEnvironmentAndOnlyTheirSigningSecrets() {
    Map<String, Object> env = variables("activate");
    assertThat(env)
        .containsOnlyKeys(
            "WEBHOOK_DESTINATIONS",
            "POWERTOOLS_SERVICE_NAME",
            "POWERTOOLS_METRICS_NAMESPACE",
            "POWERTOOLS_LOG_LEVEL",
            "JAVA_TOOL_OPTIONS");
    List<io.meridian.cdp.activation.WebhookTarget> targets =
        io.meridian.cdp.activation.WebhookTarget.parseList(
            (String) env.get("WEBHOOK_DESTINATIONS"));
    assertThat(targets).hasSize(1);
    assertThat(targets.get(0).name()).isEqualTo("globex-hook");
    assertThat(targets.get(0).tenant()).isEqualTo("globex");
    assertThat(targets.get(0).url()).isEqualTo("https://hooks.example.com/globex");
    assertThat(targets.get(0).secret())
        .isEqualTo(
            "secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:cdp/globex-hook-Qw12Er");
    assertThat(targets.get(0).timeout()).hasMillis(3000);
    assertThat(targets.get(0).payload().toString()).contains("$.detail.traits.email");
    String policy = policyOf("Activate");
    policy = policy.substring(0, policy.indexOf("Metadata=")); // the statements, not nag's notes
    assertThat(policy)
        .contains(
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:cdp/globex-hook-Qw12Er")
        .doesNotContain(
            "acme-crm", "cdp-test-tenant/", "s3:", "events:PutEvents", "kinesis:", "dynamodb:");
  }

  @Test
  void publishChangesKnowsTheConsentPurposesOfEachTenantsDestinations() {
    assertThat(variables("publish-changes"))
        .containsEntry("CONSENT_PURPOSES", "{\"acme\":[\"advertising\"],\"globex\":[\"email\"]}");
  }

  @Test
  void alarmsWatchIteratorAgeDlqsExecutionsFunctionsAndApi5xxAndNotifyTheTopic() {
    pipeline.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "AlarmName",
            "cdp-test-stream-to-raw-iterator-age",
            "MetricName",
            "IteratorAge",
            "Threshold",
            Monitoring.ITERATOR_AGE_MS,
            "AlarmActions",
            List.of(Match.anyValue())));
    int queues = pipeline.findResources("AWS::SQS::Queue").size();
    // stream-to-raw, raw-to-clean, curate schedule, acme-crm, globex-hook, erasure-requested
    assertThat(queues).isEqualTo(6);
    assertThat(
            pipeline.findResources(
                "AWS::CloudWatch::Alarm",
                Map.of("Properties", Map.of("MetricName", "ApproximateNumberOfMessagesVisible"))))
        .hasSize(queues);
    pipeline.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "AlarmName",
            "cdp-test-curate-executions-failed",
            "Metrics",
            Match.arrayWith(
                List.of(Match.objectLike(Map.of("Expression", "failed + timedOut + aborted"))))));
    pipeline.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "AlarmName",
            "cdp-test-ingest-api-5xx",
            "Threshold",
            Monitoring.API_5XX_PERCENT,
            "Metrics",
            Match.arrayWith(
                List.of(
                    Match.objectLike(
                        Map.of("Expression", "IF(requests > 0, 100 * errors / requests, 0)"))))));
    pipeline.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of("AlarmName", "cdp-test-resolve-identities-errors", "MetricName", "Errors"));
    // the functions' own metrics: raw-to-clean's quarantine share (EMF, ADR 0034)
    pipeline.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "AlarmName",
            "cdp-test-quarantine-share",
            "Threshold",
            Monitoring.QUARANTINE_PERCENT,
            "Metrics",
            Match.arrayWith(
                List.of(
                    Match.objectLike(
                        Map.of(
                            "MetricStat",
                            Match.objectLike(
                                Map.of(
                                    "Metric",
                                    Map.of(
                                        "Namespace",
                                        "MeridianCDP",
                                        "MetricName",
                                        "EventsQuarantined",
                                        "Dimensions",
                                        Match.arrayWith(
                                            List.of(
                                                Map.of("Name", "Service", "Value", "raw-to-clean"),
                                                Map.of(
                                                    "Name", "Stage", "Value", "clean"))))))))))));
    assertThat(pipeline.findResources("AWS::CloudWatch::Alarm").values())
        .allSatisfy(a -> assertThat(a.toString()).contains("AlarmActions"));
    pipeline.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    String dashboard =
        pipeline.findResources("AWS::CloudWatch::Dashboard").values().iterator().next().toString();
    for (String metric :
        List.of(
            "EventsAccepted",
            "EventsSuppressed",
            "EventsQuarantined",
            "Duplicates",
            "Merges",
            "MembersEntered",
            "ConsentExclusions",
            "ErasuresWaiting")) {
      assertThat(dashboard).contains("\"" + metric + "\"");
    }
    assertThat(dashboard)
        .contains("MeridianCDP")
        .contains("ingest-api")
        .contains("publish-changes");
  }

  @Test
  void computeSegmentsQueriesInItsOwnWorkGroupAndWritesOnlyTheSegmentSnapshotsAndPointers() {
    pipeline.hasResourceProperties(
        "AWS::Athena::WorkGroup",
        Map.of(
            "Name",
            "cdp-test-segments",
            "WorkGroupConfiguration",
            Match.objectLike(
                Map.of(
                    "EnforceWorkGroupConfiguration",
                    true,
                    "BytesScannedCutoffPerQuery",
                    Match.anyValue(),
                    "ResultConfiguration",
                    Match.objectLike(
                        Map.of(
                            "EncryptionConfiguration",
                            Match.objectLike(Map.of("EncryptionOption", "SSE_KMS"))))))));
    assertThat(variables("compute-segments"))
        .containsEntry("ATHENA_WORKGROUP", "cdp-test-segments")
        .containsKeys("LAKE_BUCKET", "LAKE_KMS_KEY_ID", "CONFIG_BUCKET", "CONFIG_KEY")
        .doesNotContainKeys("ACTIVATION_BUS", "TENANT_SECRETS", "STREAM_NAME");
    String policy = policyOf("ComputeSegments");
    assertThat(policy)
        .contains("athena:StartQueryExecution", "workgroup/cdp-test-segments")
        .contains("glue:GetTable", "table/cdp_curated/profiles", "table/cdp_clean/events")
        .contains("lakeformation:GetDataAccess")
        .contains("/segments/*")
        .doesNotContain(
            "athena:*", "glue:*", "events:PutEvents", "secretsmanager:GetSecretValue", "/raw/");
    // writes and deletes: the segment snapshots, and puts of the pointers; nothing else
    for (String action : List.of("s3:PutObject", "s3:DeleteObject*")) {
      List<String> resources = objectResources(policy, action);
      assertThat(resources).as(action).isNotEmpty();
      assertThat(resources)
          .as(action)
          .allMatch(
              r ->
                  r.contains("/curated/segment_membership/*")
                      || r.contains("/curated/segment_changes/*")
                      || r.contains("/segments/*")
                      || (action.equals("s3:PutObject") && r.contains("/_state/curated/*")));
    }
    // Lake Formation: DESCRIBE on the two databases, SELECT on the five tables it queries
    Map<String, Map<String, Object>> grants =
        pipeline.findResources(
            "AWS::LakeFormation::PrincipalPermissions",
            Map.of(
                "Properties",
                Map.of(
                    "Principal",
                    Map.of(
                        "DataLakePrincipalIdentifier",
                        Map.of(
                            "Fn::GetAtt",
                            List.of(Match.stringLikeRegexp("ComputeSegmentsRole.*"), "Arn"))))));
    assertThat(grants).hasSize(2 + PipelineStack.SEGMENT_QUERY_TABLES.size());
    pipeline.hasResourceProperties(
        "AWS::LakeFormation::PrincipalPermissions",
        Map.of(
            "Permissions",
            List.of("SELECT"),
            "Resource",
            Map.of(
                "TableWithColumns",
                Match.objectLike(Map.of("DatabaseName", "cdp_curated", "Name", "profiles")))));
  }

  @Test
  void publishChangesPutsEventsOnTheActivationBusOnlyAndNeverWritesTheCuratedTables() {
    assertThat(variables("publish-changes"))
        .containsEntry("ACTIVATION_BUS", "cdp-test-activation")
        .containsKeys("LAKE_BUCKET", "CONFIG_BUCKET", "TENANT_SECRETS")
        .doesNotContainKeys("ATHENA_WORKGROUP", "STREAM_NAME");
    String policy = policyOf("PublishChanges");
    assertThat(policy)
        .contains("events:PutEvents", "ActivationBus")
        .contains("secretsmanager:GetSecretValue", ":secret:cdp-test-tenant/*")
        .contains("/_state/privacy/*")
        .doesNotContain("athena:", "s3:DeleteObject", "/raw/", "clean/events", "kinesis:");
    assertThat(objectResources(policy, "s3:PutObject"))
        .isNotEmpty()
        .allMatch(r -> r.contains("/_state/curated/*"));
  }

  @Test
  void theCurateStateMachineMayInvokeTheSegmentFunctions() {
    String policies =
        pipeline
            .findResources(
                "AWS::IAM::Policy",
                Map.of(
                    "Properties",
                    Map.of(
                        "Roles",
                        Match.arrayWith(
                            List.of(
                                Map.of(
                                    "Ref", Match.stringLikeRegexp("CurateStateMachineRole.*")))))))
            .values()
            .toString();
    assertThat(policies)
        .contains("lambda:InvokeFunction", "ComputeSegmentsLive", "PublishChangesLive");
  }

  /** The object resources of the statements of {@code policy} that allow {@code action}. */
  private static List<String> objectResources(String policy, String action) {
    List<String> out = new java.util.ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "\\{Action=(\\[[^\\]]*\\]|[^,]+), Effect=Allow, Resource=(.*?)}(, \\{|\\])")
            .matcher(policy);
    while (m.find()) {
      if (m.group(1).contains(action)) {
        for (String r : m.group(2).split("(?=\\{Fn::Join)")) {
          if (r.contains("Fn::Join")) {
            out.add(r);
          }
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> variables(String module) {
    Map<String, Map<String, Object>> found =
        pipeline.findResources(
            "AWS::Lambda::Function",
            Map.of("Properties", Map.of("FunctionName", "cdp-test-" + module)));
    Map<String, Object> props =
        (Map<String, Object>) found.values().iterator().next().get("Properties");
    return (Map<String, Object>) ((Map<String, Object>) props.get("Environment")).get("Variables");
  }

  private String policyOf(String functionId) {
    Map<String, Map<String, Object>> policies = pipeline.findResources("AWS::IAM::Policy");
    return policies.entrySet().stream()
        .filter(e -> e.getKey().startsWith(functionId + "RoleDefaultPolicy"))
        .map(e -> e.getValue().toString())
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no policy of " + functionId + ": " + policies.keySet()));
  }

  private String logicalId(String type, String prefix) {
    return pipeline.findResources(type).keySet().stream()
        .filter(k -> k.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " " + prefix));
  }
}
