package io.meridian.cdp.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.activation.MembershipChangeEvents;
import io.meridian.cdp.activation.WebhookTarget;
import io.meridian.cdp.catalog.LakeTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.SecretsManagerSecretOptions;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpLambdaAuthorizerProps;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpLambdaResponseType;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpStepFunctionsIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CfnStage;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpIntegrationSubtype;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.athena.CfnWorkGroup;
import software.amazon.awscdk.services.events.ApiDestination;
import software.amazon.awscdk.services.events.Authorization;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.Connection;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.ApiDestinationProps;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.events.targets.SfnStateMachineProps;
import software.amazon.awscdk.services.iam.FromRoleArnOptions;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lakeformation.CfnPrincipalPermissions;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSourceProps;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.amazon.awscdk.services.scheduler.targets.StepFunctionsStartExecution;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Everything that holds no data and can be redeployed at will: the functions ({@link Functions}),
 * the ingestion API with its authorizer, the stream's event source mapping, the raw-to-clean
 * trigger, the state machines of {@code statemachines/} with their schedule, the activation bus
 * with its destinations, and the dashboard and alarms ({@link Monitoring}).
 */
public final class PipelineStack extends Stack {
  /** The Segment-compatible endpoints, each a route with its own throttling. */
  public static final List<String> ENDPOINTS =
      List.of("track", "identify", "page", "screen", "group", "alias", "batch", "import");

  /**
   * analytics.js's short paths. Browsers send the write key inside a {@code text/plain} body, which
   * a Lambda authorizer cannot read, so these routes have none: ingest-api checks the key itself,
   * as it does on every request.
   */
  public static final List<String> BROWSER_ENDPOINTS = List.of("t", "i", "p", "s", "g", "a", "b");

  /** Endpoints that take up to 500 KB and throttle lower. */
  public static final List<String> BATCH_ENDPOINTS = List.of("batch", "import", "b");

  /** Routes of the profile API (GET), answered by the profile-api function under read keys. */
  public static final List<String> PROFILE_PATHS = List.of("/v1/profiles", "/v1/profiles/{id}");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How long the stream's consumer retries a record before it gives up on it (to its on-failure
   * queue): with its timeout, how long an accepted call may take to reach the raw zone, which the
   * erase function waits out (ADR 0021).
   */
  static final Duration STREAM_MAX_RECORD_AGE = Duration.hours(12);

  private final Map<String, PipelineFunction> functions = new LinkedHashMap<>();
  private final Map<String, StateMachine> stateMachines = new LinkedHashMap<>();
  private final Map<String, Queue> deadLetterQueues = new LinkedHashMap<>();
  private final List<HttpRoute> profileRoutes = new ArrayList<>();
  private final List<HttpRoute> browserRoutes = new ArrayList<>();
  private final List<HttpRoute> erasureRoutes = new ArrayList<>();
  private final HttpApi api;
  private final EventBus activationBus;
  private final CfnWorkGroup segmentsWorkGroup;

  public PipelineStack(
      Construct scope,
      String id,
      StackProps props,
      DeployConfig config,
      StatefulStack data,
      Path repoRoot) {
    super(scope, id, props);
    addStackDependency(data);

    Map<FunctionSpec.Env, String> env = new EnumMap<>(FunctionSpec.Env.class);
    env.put(FunctionSpec.Env.LAKE_BUCKET, data.lake().getBucketName());
    env.put(FunctionSpec.Env.LAKE_KMS_KEY_ID, data.dataKey().getKeyArn());
    env.put(FunctionSpec.Env.STREAM_NAME, data.stream().getStreamName());
    env.put(FunctionSpec.Env.CONFIG_BUCKET, data.configBucket().getBucketName());
    env.put(FunctionSpec.Env.CONFIG_KEY, StatefulStack.CONFIG_KEY);
    env.put(FunctionSpec.Env.DEDUP_TABLE, data.dedupTable().getTableName());
    env.put(FunctionSpec.Env.TENANT_SECRETS, config.name("tenant") + "/");
    env.put(FunctionSpec.Env.AUDIT_SECRET, config.name("audit-head-key"));
    this.segmentsWorkGroup = segmentsWorkGroup(config, data);
    env.put(FunctionSpec.Env.ATHENA_WORKGROUP, segmentsWorkGroup.getName());
    env.put(FunctionSpec.Env.ACTIVATION_BUS, config.name("activation"));
    env.put(FunctionSpec.Env.CONSENT_PURPOSES, consentPurposes(config));
    env.put(FunctionSpec.Env.WEBHOOK_DESTINATIONS, webhookDestinations(config));
    env.put(
        FunctionSpec.Env.ERASURE_SETTLE,
        java.time.Duration.ofSeconds(
                STREAM_MAX_RECORD_AGE.toSeconds().longValue()
                    + Functions.STREAM_TO_RAW.timeoutSeconds())
            .toString());
    for (FunctionSpec spec : Functions.ALL) {
      PipelineFunction fn =
          spec.equals(Functions.ERASE)
              ? new PipelineFunction(this, spec, config, repoRoot, env, erasureRole(data))
              : new PipelineFunction(this, spec, config, repoRoot, env);
      grant(fn, data, config);
      functions.put(spec.id(), fn);
    }
    segmentsOnAthena(functions.get(Functions.COMPUTE_SEGMENTS.id()), data);

    this.api = ingestionApi(config);
    streamToRaw(config, data);
    rawToClean(config, data);
    for (StateMachineFiles.Definition d : StateMachineFiles.in(repoRoot.resolve("statemachines"))) {
      stateMachine(config, d);
    }
    this.activationBus = activation(config);
    activationBus.grantPutEventsTo(functions.get(Functions.PUBLISH_CHANGES.id()).role());
    new Monitoring(this, "Monitoring", config, data, this);

    CfnOutput.Builder.create(this, "IngestUrl").value(api.getApiEndpoint() + "/v1").build();
    stateMachines.forEach(
        (name, sm) ->
            CfnOutput.Builder.create(this, StatefulStack.camel(name) + "StateMachineArn")
                .value(sm.getStateMachineArn())
                .build());
    CfnOutput.Builder.create(this, "ActivationBusName")
        .value(activationBus.getEventBusName())
        .build();
  }

  /** The function's access: its lake prefixes, cdp.yaml, the stream; nothing else. */
  private static void grant(PipelineFunction fn, StatefulStack data, DeployConfig config) {
    FunctionSpec spec = fn.spec();
    for (String prefix : spec.lakeReads()) {
      data.lake().grantRead(fn.role(), prefix + "*");
    }
    for (String prefix : spec.lakeWrites()) {
      data.lake().grantPut(fn.role(), prefix + "*");
    }
    for (String prefix : spec.lakeDeletes()) {
      data.lake().grantDelete(fn.role(), prefix + "*");
    }
    if (spec.equals(Functions.ERASE)) {
      // raw objects in Deep Archive are restored before erasure rewrites them (ADR 0012)
      fn.role()
          .addToPrincipalPolicy(
              PolicyStatement.Builder.create()
                  .actions(List.of("s3:RestoreObject"))
                  .resources(List.of(data.lake().arnForObjects("raw/*")))
                  .build());
    }
    if (spec.readsConfig()) {
      data.configBucket().grantRead(fn.role(), StatefulStack.CONFIG_KEY);
    }
    if (spec.writesStream()) {
      data.stream().grantWrite(fn.role());
    }
    if (spec.environment().contains(FunctionSpec.Env.AUDIT_SECRET)) {
      data.auditHeadKey().grantRead(fn.role()); // signs the audit log's head (ADR 0027)
    }
    if (spec.equals(Functions.RAW_TO_CLEAN)
        || spec.equals(Functions.PROFILE_API)
        || spec.equals(Functions.INGEST_API)
        || spec.equals(Functions.PUBLISH_CHANGES)
        || spec.equals(Functions.ERASE)) {
      // Tenant secrets are Secrets Manager secrets named cdp-<env>-tenant/... (docs/DEPLOY.md): the
      // hash secrets of PII policies (ADR 0020) and the privacy keys of suppression lists (ADR
      // 0021); PII data keys are wrapped by the data key.
      fn.role()
          .addToPrincipalPolicy(
              PolicyStatement.Builder.create()
                  .actions(List.of("secretsmanager:GetSecretValue"))
                  .resources(List.of(tenantSecrets(config)))
                  .build());
    }
  }

  /** The ARNs of the deployment's tenant secrets: {@code cdp-<env>-tenant/*}. */
  static String tenantSecrets(DeployConfig config) {
    return "arn:"
        + Aws.PARTITION
        + ":secretsmanager:"
        + Aws.REGION
        + ":"
        + Aws.ACCOUNT_ID
        + ":secret:"
        + config.name("tenant")
        + "/*";
  }

  private HttpApi ingestionApi(DeployConfig config) {
    PipelineFunction ingest = functions.get(Functions.INGEST_API.id());
    PipelineFunction authorizer = functions.get(Functions.AUTHORIZER.id());
    HttpApi http =
        HttpApi.Builder.create(this, "HttpApi")
            .apiName(config.name("ingest"))
            .description("Segment-compatible Tracking API of Meridian CDP " + config.env())
            .createDefaultStage(false)
            .build();
    HttpLambdaAuthorizer writeKeys =
        new HttpLambdaAuthorizer(
            "WriteKey",
            authorizer.alias(),
            HttpLambdaAuthorizerProps.builder()
                .authorizerName("write-key")
                .responseTypes(List.of(HttpLambdaResponseType.SIMPLE))
                .identitySource(List.of("$request.header.Authorization"))
                .resultsCacheTtl(Duration.minutes(5))
                .build());
    HttpLambdaIntegration integration = new HttpLambdaIntegration("Ingest", ingest.alias());
    for (String endpoint : ENDPOINTS) {
      http.addRoutes(
          AddRoutesOptions.builder()
              .path("/v1/" + endpoint)
              .methods(List.of(HttpMethod.POST))
              .integration(integration)
              .authorizer(writeKeys)
              .build());
    }

    for (String endpoint : BROWSER_ENDPOINTS) {
      browserRoutes.addAll(
          http.addRoutes(
              AddRoutesOptions.builder()
                  .path("/v1/" + endpoint)
                  .methods(List.of(HttpMethod.POST))
                  .integration(integration)
                  .build()));
    }
    // CORS preflight of browsers: ingest-api answers it (IngestService), no key involved.
    browserRoutes.addAll(
        http.addRoutes(
            AddRoutesOptions.builder()
                .path("/v1/{proxy+}")
                .methods(List.of(HttpMethod.OPTIONS))
                .integration(integration)
                .build()));

    // The profile API on the same HTTP API: read keys are checked by the function itself (the
    // authorizer above accepts write keys only, which must never read profiles).
    HttpLambdaIntegration profiles =
        new HttpLambdaIntegration("Profiles", functions.get(Functions.PROFILE_API.id()).alias());
    for (String path : PROFILE_PATHS) {
      profileRoutes.addAll(
          http.addRoutes(
              AddRoutesOptions.builder()
                  .path(path)
                  .methods(List.of(HttpMethod.GET))
                  .integration(profiles)
                  .build()));
    }

    LogGroup accessLogs =
        LogGroup.Builder.create(this, "IngestApiAccessLogs")
            .logGroupName("/cdp/" + config.env() + "/ingest-api-access")
            .retention(PipelineFunction.retentionDays(config.retention().logRetentionDays()))
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    Map<String, Object> routeSettings = new LinkedHashMap<>();
    for (String endpoint : BATCH_ENDPOINTS) {
      routeSettings.put(
          "POST /v1/" + endpoint,
          Map.of(
              "ThrottlingRateLimit", config.api().batchRateLimit(),
              "ThrottlingBurstLimit", config.api().batchBurstLimit(),
              "DetailedMetricsEnabled", true));
    }
    CfnStage stage =
        CfnStage.Builder.create(this, "IngestApiStage")
            .apiId(http.getApiId())
            .stageName("$default")
            .autoDeploy(true)
            .defaultRouteSettings(
                CfnStage.RouteSettingsProperty.builder()
                    .throttlingRateLimit(config.api().rateLimit())
                    .throttlingBurstLimit(config.api().burstLimit())
                    .detailedMetricsEnabled(true)
                    .build())
            .routeSettings(routeSettings)
            .accessLogSettings(
                CfnStage.AccessLogSettingsProperty.builder()
                    .destinationArn(accessLogs.getLogGroupArn())
                    .format(ACCESS_LOG_FORMAT)
                    .build())
            .build();
    // Route settings name routes that must exist first.
    http.getNode().getChildren().stream()
        .filter(c -> c.getNode().getId().startsWith("POST--v1-"))
        .forEach(route -> stage.getNode().addDependency(route));
    return http;
  }

  /** One JSON line per request; no IP address, no header, no body. */
  static final String ACCESS_LOG_FORMAT =
      "{\"requestId\":\"$context.requestId\",\"requestTime\":\"$context.requestTime\","
          + "\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\","
          + "\"responseLength\":\"$context.responseLength\","
          + "\"latency\":\"$context.responseLatency\","
          + "\"integrationLatency\":\"$context.integrationLatency\","
          + "\"integrationError\":\"$context.integrationErrorMessage\","
          + "\"authorizerError\":\"$context.authorizer.error\","
          + "\"tenant\":\"$context.authorizer.tenant\",\"source\":\"$context.authorizer.source\"}";

  /**
   * Kinesis → stream-to-raw: partial batch responses, bisect on error, a maximum record age below
   * the stream's retention, and an on-failure SQS destination (records of a batch that still fails
   * are described there, with their sequence numbers, while the stream still holds them).
   */
  private void streamToRaw(DeployConfig config, StatefulStack data) {
    Queue dlq = deadLetterQueue(config, "stream-to-raw");
    functions
        .get(Functions.STREAM_TO_RAW.id())
        .alias()
        .addEventSource(
            new KinesisEventSource(
                data.stream(),
                KinesisEventSourceProps.builder()
                    .startingPosition(StartingPosition.TRIM_HORIZON)
                    .batchSize(500)
                    .maxBatchingWindow(Duration.seconds(1))
                    .parallelizationFactor(1)
                    .reportBatchItemFailures(true)
                    .bisectBatchOnError(true)
                    .retryAttempts(10)
                    .maxRecordAge(STREAM_MAX_RECORD_AGE)
                    .onFailure(new SqsDlq(dlq))
                    .build()));
  }

  /**
   * Raw object created (S3 → EventBridge, enabled on the lake bucket) → raw-to-clean, with the
   * event reshaped into the S3 notification the handler reads. Failed deliveries go to a DLQ;
   * failed invocations (after Lambda's retries) to the function's on-failure destination.
   */
  private void rawToClean(DeployConfig config, StatefulStack data) {
    PipelineFunction fn = functions.get(Functions.RAW_TO_CLEAN.id());
    // Claims message ids with conditional writes (PutItem only) in the table the data key encrypts.
    data.dedupTable().grant(fn.role(), "dynamodb:PutItem");
    data.dataKey()
        .grant(fn.role(), "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*");
    Queue dlq = deadLetterQueue(config, "raw-to-clean");
    fn.alias()
        .configureAsyncInvoke(
            EventInvokeConfigOptions.builder()
                .onFailure(new SqsDestination(dlq))
                .retryAttempts(2)
                .maxEventAge(Duration.hours(6))
                .build());
    Map<String, Object> s3Record = new LinkedHashMap<>();
    s3Record.put("eventVersion", "2.1");
    s3Record.put("eventSource", "aws:s3");
    s3Record.put("awsRegion", EventField.getRegion());
    s3Record.put("eventTime", EventField.getTime());
    s3Record.put("eventName", "ObjectCreated:Put");
    s3Record.put(
        "s3",
        Map.of(
            "s3SchemaVersion", "1.0",
            "bucket", Map.of("name", EventField.fromPath("$.detail.bucket.name")),
            "object",
                Map.of(
                    "key", EventField.fromPath("$.detail.object.key"),
                    "size", EventField.fromPath("$.detail.object.size"))));
    Rule.Builder.create(this, "RawObjectCreated")
        .ruleName(config.name("raw-object-created"))
        .description("A raw-zone object was written: convert it to the clean zone")
        .eventPattern(
            EventPattern.builder()
                .source(List.of("aws.s3"))
                .detailType(List.of("Object Created"))
                .detail(
                    Map.of(
                        "bucket", Map.of("name", List.of(data.lake().getBucketName())),
                        "object", Map.of("key", List.of(Map.of("prefix", "raw/")))))
                .build())
        .targets(
            List.of(
                new LambdaFunction(
                    fn.alias(),
                    LambdaFunctionProps.builder()
                        .event(RuleTargetInput.fromObject(Map.of("Records", List.of(s3Record))))
                        .deadLetterQueue(dlq)
                        .retryAttempts(8)
                        .maxEventAge(Duration.hours(6))
                        .build())))
        .build();
  }

  /**
   * A state machine from its ASL file, each {@code ${<Id>FunctionArn}} substituted with that
   * function's {@code live} alias and its role allowed to invoke it; logged (without execution
   * data, which holds tenant results) and traced. {@code curate} runs on the configured schedule
   * for the configured tenants.
   */
  private void stateMachine(DeployConfig config, StateMachineFiles.Definition definition) {
    Map<String, String> substitutions = new LinkedHashMap<>();
    List<PipelineFunction> invoked = new ArrayList<>();
    for (String placeholder : definition.placeholders()) {
      FunctionSpec spec =
          definition
              .function(placeholder)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          definition.file()
                              + " uses ${"
                              + placeholder
                              + "}, but the app defines no such function: declare it in"
                              + " Functions (placeholders are ${<FunctionId>FunctionArn})"));
      PipelineFunction fn = functions.get(spec.id());
      substitutions.put(placeholder, fn.alias().getFunctionArn());
      invoked.add(fn);
    }
    String camel = StatefulStack.camel(definition.name());
    LogGroup logs =
        LogGroup.Builder.create(this, camel + "StateMachineLogs")
            .logGroupName("/cdp/" + config.env() + "/states/" + definition.name())
            .retention(PipelineFunction.retentionDays(config.retention().logRetentionDays()))
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    StateMachine sm =
        StateMachine.Builder.create(this, camel + "StateMachine")
            .stateMachineName(config.name(definition.name()))
            .definitionBody(DefinitionBody.fromFile(definition.file().toString()))
            .definitionSubstitutions(substitutions)
            .logs(
                LogOptions.builder()
                    .destination(logs)
                    .level(LogLevel.ALL)
                    .includeExecutionData(false)
                    .build())
            .tracingEnabled(true)
            .timeout(Duration.hours(6))
            .build();
    for (PipelineFunction fn : invoked) {
      fn.alias().grantInvoke(sm);
    }
    stateMachines.put(definition.name(), sm);
    if (definition.name().equals("erase")) {
      erasureRequests(config, sm);
    }

    if (definition.name().equals("curate")) {
      Queue dlq = deadLetterQueue(config, "curate-schedule");
      Schedule.Builder.create(this, "CurateSchedule")
          .scheduleName(config.name("curate"))
          .description(
              "Curates the configured tenants. An execution's tasks assume one run at a time:"
                  + " keep the interval above the longest run.")
          .schedule(ScheduleExpression.expression(config.curateSchedule()))
          .enabled(!config.tenants().isEmpty())
          .target(
              new StepFunctionsStartExecution(
                  sm,
                  ScheduleTargetBaseProps.builder()
                      .input(ScheduleTargetInput.fromObject(Map.of("tenants", config.tenants())))
                      .deadLetterQueue(dlq)
                      .retryAttempts(3)
                      .maxEventAge(Duration.hours(1))
                      .build()))
          .build();
    }
  }

  /**
   * The activation bus and, per configured destination, a rule whose pattern is the destination's
   * {@link DeployConfig.Destination#rulePattern} (tenant, event types, its pattern, its consent
   * purpose: the same core code as local destinations) with a dead-letter queue of its own, and a
   * target by kind (ADR 0033): an API destination with an EventBridge connection (API key from
   * Secrets Manager), or the activate function through an alias of the destination's own, whose
   * asynchronous retries end in the same queue.
   */
  private EventBus activation(DeployConfig config) {
    EventBus bus =
        EventBus.Builder.create(this, "ActivationBus")
            .eventBusName(config.name("activation"))
            .description("Profile and segment changes for activation (events/)")
            .build();
    PipelineFunction activate = functions.get(Functions.ACTIVATE.id());
    List<String> signingSecrets = new ArrayList<>();
    for (DeployConfig.Destination d : config.destinations()) {
      String camel = StatefulStack.camel(d.name());
      Queue dlq = deadLetterQueue(config, "activation-" + d.name());
      software.amazon.awscdk.services.events.IRuleTarget target =
          switch (d.deliveryKind()) {
            case API -> apiDestination(config, d, camel, dlq);
            case WEBHOOK -> {
              signingSecrets.add(d.signingSecretArn());
              yield webhookTarget(activate, d, camel, dlq);
            }
          };
      Rule rule =
          Rule.Builder.create(this, camel + "Rule")
              .ruleName(config.name("activate-" + d.name()))
              .description("Tenant " + d.tenant() + " → destination " + d.name())
              .eventBus(bus)
              // replaced below by the whole pattern, which the typed EventPattern cannot hold
              .eventPattern(
                  EventPattern.builder().source(List.of(MembershipChangeEvents.SOURCE)).build())
              .targets(List.of(target))
              .build();
      CfnRule cfn = (CfnRule) rule.getNode().getDefaultChild();
      cfn.addPropertyOverride("EventPattern", JSON.convertValue(d.rulePattern(), Map.class));
      if (d.deliveryKind() == DeployConfig.Kind.WEBHOOK) {
        // the whole event, wrapped with the destination's name: EventBridge's predefined variable
        // (the typed RuleTargetInput knows only paths into the event)
        cfn.addPropertyDeletionOverride("Targets.0.Input");
        cfn.addPropertyOverride(
            "Targets.0.InputTransformer", Map.of("InputTemplate", activateInput(d.name())));
      }
    }
    if (!signingSecrets.isEmpty()) {
      // the webhook destinations' signing secrets, and no other
      activate
          .role()
          .addToPrincipalPolicy(
              PolicyStatement.Builder.create()
                  .sid("SigningSecretsOfWebhookDestinations")
                  .actions(List.of("secretsmanager:GetSecretValue"))
                  .resources(signingSecrets.stream().distinct().toList())
                  .build());
    }
    return bus;
  }

  private software.amazon.awscdk.services.events.IRuleTarget apiDestination(
      DeployConfig config, DeployConfig.Destination d, String camel, Queue dlq) {
    Connection connection =
        Connection.Builder.create(this, camel + "Connection")
            .connectionName(config.name(d.name()))
            .description("Credentials of destination " + d.name() + " (tenant " + d.tenant() + ")")
            .authorization(
                Authorization.apiKey(
                    d.apiKeyHeader(),
                    SecretValue.secretsManager(
                        d.apiKeySecretArn(),
                        SecretsManagerSecretOptions.builder().jsonField("apiKey").build())))
            .build();
    ApiDestination destination =
        ApiDestination.Builder.create(this, camel + "ApiDestination")
            .apiDestinationName(config.name(d.name()))
            .connection(connection)
            .endpoint(d.endpoint())
            .httpMethod(software.amazon.awscdk.services.events.HttpMethod.POST)
            .rateLimitPerSecond(10)
            .build();
    return new software.amazon.awscdk.services.events.targets.ApiDestination(
        destination,
        ApiDestinationProps.builder()
            .deadLetterQueue(dlq)
            .retryAttempts(8)
            .maxEventAge(Duration.hours(24))
            .build());
  }

  /**
   * A webhook destination's target: an alias {@code to-<name>} of the activate function (the
   * handler reads the destination from the event's input, the alias gives the destination its own
   * asynchronous retries and dead-letter queue). EventBridge retries an invocation it could not
   * make (throttling) for 24 hours; the function's failures (4xx, 5xx, timeouts) are retried twice
   * by Lambda over at most 6 hours; then the event goes to the queue.
   */
  private software.amazon.awscdk.services.events.IRuleTarget webhookTarget(
      PipelineFunction activate, DeployConfig.Destination d, String camel, Queue dlq) {
    Alias alias =
        Alias.Builder.create(activate, "To" + camel)
            .aliasName("to-" + d.name())
            .version(activate.function().getCurrentVersion())
            .build();
    alias.configureAsyncInvoke(
        EventInvokeConfigOptions.builder()
            .onFailure(new SqsDestination(dlq))
            .retryAttempts(2)
            .maxEventAge(Duration.hours(6))
            .build());
    return new LambdaFunction(
        alias,
        LambdaFunctionProps.builder()
            .event(RuleTargetInput.fromObject(Map.of("destination", d.name())))
            .deadLetterQueue(dlq)
            .retryAttempts(8)
            .maxEventAge(Duration.hours(24))
            .build());
  }

  /**
   * The input of the activate function for destination {@code name}: {@code {"destination": name,
   * "event": <the event as EventBridge received it>}}.
   */
  static String activateInput(String name) {
    return "{\"destination\": " + JSON.valueToTree(name) + ", \"event\": <aws.events.event.json>}";
  }

  /** Tenant → the consent purposes its destinations declare, as JSON (publish-changes counts). */
  static String consentPurposes(DeployConfig config) {
    Map<String, java.util.SortedSet<String>> purposes = new java.util.TreeMap<>();
    for (DeployConfig.Destination d : config.destinations()) {
      if (d.consentPurpose() != null) {
        purposes
            .computeIfAbsent(d.tenant(), t -> new java.util.TreeSet<>())
            .add(d.consentPurpose());
      }
    }
    return JSON.valueToTree(purposes).toString();
  }

  /** Lambda allows 4 KB of environment in all; this leaves room for the other variables. */
  static final int MAX_WEBHOOK_ENVIRONMENT = 3_072;

  /** The webhook destinations as the activate function reads them ({@link WebhookTarget}). */
  static String webhookDestinations(DeployConfig config) {
    List<WebhookTarget> targets = new ArrayList<>();
    for (DeployConfig.Destination d : config.destinations()) {
      if (d.deliveryKind() == DeployConfig.Kind.WEBHOOK) {
        targets.add(
            new WebhookTarget(
                d.name(),
                d.tenant(),
                d.endpoint(),
                "secretsmanager:" + d.signingSecretArn(),
                d.payload(),
                d.timeoutMillis()));
      }
    }
    String json = WebhookTarget.toJson(targets);
    int size = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (size > MAX_WEBHOOK_ENVIRONMENT) {
      throw new IllegalArgumentException(
          "cdp:destinations: the webhook destinations take "
              + size
              + " bytes in the activate function's environment, over the "
              + MAX_WEBHOOK_ENVIRONMENT
              + " it can hold (Lambda allows 4 KB of variables in all); shorten their payload"
              + " templates or deploy fewer webhook destinations per app");
    }
    return json;
  }

  /**
   * The Athena workgroup of compute-segments (ADR 0017): results and UNLOAD manifests under {@code
   * segments/} of the Athena results bucket, encrypted with the data key (enforced), engine 3, the
   * configured bytes-scanned cutoff per query.
   */
  private CfnWorkGroup segmentsWorkGroup(DeployConfig config, StatefulStack data) {
    return CfnWorkGroup.Builder.create(this, "SegmentsWorkGroup")
        .name(config.name("segments"))
        .description("Meridian CDP " + config.env() + ": compute-segments (UNLOAD of memberships)")
        .state("ENABLED")
        .recursiveDeleteOption(true)
        .workGroupConfiguration(
            CfnWorkGroup.WorkGroupConfigurationProperty.builder()
                .enforceWorkGroupConfiguration(true)
                .publishCloudWatchMetricsEnabled(true)
                .bytesScannedCutoffPerQuery(config.athenaBytesScannedCutoff())
                .engineVersion(
                    CfnWorkGroup.EngineVersionProperty.builder()
                        .selectedEngineVersion("Athena engine version 3")
                        .build())
                .resultConfiguration(
                    CfnWorkGroup.ResultConfigurationProperty.builder()
                        .outputLocation(
                            "s3://" + data.athenaResults().getBucketName() + "/segments/")
                        .encryptionConfiguration(
                            CfnWorkGroup.EncryptionConfigurationProperty.builder()
                                .encryptionOption("SSE_KMS")
                                .kmsKey(data.dataKey().getKeyArn())
                                .build())
                        .build())
                .build())
        .build();
  }

  /** The curated and clean tables compute-segments' queries read. */
  static final List<String> SEGMENT_QUERY_TABLES =
      List.of(
          "cdp_curated.profiles",
          "cdp_curated.identity_graph",
          "cdp_curated.event_identifiers",
          "cdp_curated.segment_membership",
          "cdp_clean.events");

  /**
   * What compute-segments' role needs beyond its lake prefixes: its workgroup only; the Glue
   * catalog entries of the tables it reads; Lake Formation SELECT on them (the clean and curated
   * zones are registered, so Athena reads them with credentials Lake Formation vends); the
   * workgroup's result prefix.
   */
  private void segmentsOnAthena(PipelineFunction fn, StatefulStack data) {
    fn.function().getNode().addDependency(segmentsWorkGroup);
    fn.role()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .sid("QueriesInTheSegmentsWorkGroup")
                .actions(
                    List.of(
                        "athena:StartQueryExecution",
                        "athena:GetQueryExecution",
                        "athena:GetQueryResults",
                        "athena:StopQueryExecution",
                        "athena:GetWorkGroup"))
                .resources(
                    List.of(
                        formatArn(
                            software.amazon.awscdk.ArnComponents.builder()
                                .service("athena")
                                .resource("workgroup")
                                .resourceName(segmentsWorkGroup.getName())
                                .build())))
                .build());
    List<String> catalog = new ArrayList<>();
    catalog.add(formatArn(glue("catalog", null)));
    for (String table : SEGMENT_QUERY_TABLES) {
      String db = table.substring(0, table.indexOf('.'));
      String name = table.substring(db.length() + 1);
      String dbArn = formatArn(glue("database", db));
      if (!catalog.contains(dbArn)) {
        catalog.add(dbArn);
      }
      catalog.add(formatArn(glue("table", db + "/" + name)));
    }
    fn.role()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .sid("TheCatalogOfTheTablesItQueries")
                .actions(
                    List.of(
                        "glue:GetDatabase",
                        "glue:GetTable",
                        "glue:GetPartition",
                        "glue:GetPartitions"))
                .resources(catalog)
                .build());
    fn.role()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .sid("LakeFormationVendsTheTablesCredentials")
                .actions(List.of("lakeformation:GetDataAccess"))
                .resources(List.of("*"))
                .build());
    data.athenaResults().grantReadWrite(fn.role(), "segments/*");
    for (String db : List.of(LakeTables.CURATED, LakeTables.CLEAN)) {
      lakeFormationGrant(
          "SegmentsDescribe" + StatefulStack.camel(db),
          fn,
          CfnPrincipalPermissions.ResourceProperty.builder()
              .database(
                  CfnPrincipalPermissions.DatabaseResourceProperty.builder()
                      .catalogId(Aws.ACCOUNT_ID)
                      .name(db)
                      .build())
              .build(),
          List.of("DESCRIBE"));
    }
    for (String table : SEGMENT_QUERY_TABLES) {
      String db = table.substring(0, table.indexOf('.'));
      String name = table.substring(db.length() + 1);
      lakeFormationGrant(
          "SegmentsSelect" + StatefulStack.camel(db) + StatefulStack.camel(name),
          fn,
          CfnPrincipalPermissions.ResourceProperty.builder()
              .tableWithColumns(
                  CfnPrincipalPermissions.TableWithColumnsResourceProperty.builder()
                      .catalogId(Aws.ACCOUNT_ID)
                      .databaseName(db)
                      .name(name)
                      .columnWildcard(
                          CfnPrincipalPermissions.ColumnWildcardProperty.builder()
                              .excludedColumnNames(List.of())
                              .build())
                      .build())
              .build(),
          List.of("SELECT"));
    }
  }

  private static software.amazon.awscdk.ArnComponents glue(String resource, String name) {
    software.amazon.awscdk.ArnComponents.Builder b =
        software.amazon.awscdk.ArnComponents.builder().service("glue").resource(resource);
    return name == null ? b.build() : b.resourceName(name).build();
  }

  private void lakeFormationGrant(
      String id,
      PipelineFunction fn,
      CfnPrincipalPermissions.ResourceProperty resource,
      List<String> permissions) {
    CfnPrincipalPermissions.Builder.create(this, id)
        .principal(
            CfnPrincipalPermissions.DataLakePrincipalProperty.builder()
                .dataLakePrincipalIdentifier(fn.role().getRoleArn())
                .build())
        .resource(resource)
        .permissions(permissions)
        .permissionsWithGrantOption(List.of())
        .build();
  }

  public CfnWorkGroup segmentsWorkGroup() {
    return segmentsWorkGroup;
  }

  /** A dead-letter queue: SQS-managed encryption, TLS only, 14 days, alarmed by Monitoring. */
  private Queue deadLetterQueue(DeployConfig config, String name) {
    Queue q =
        Queue.Builder.create(this, StatefulStack.camel(name) + "Dlq")
            .queueName(config.name(name + "-dlq"))
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    deadLetterQueues.put(name, q);
    return q;
  }

  /**
   * The data stack's erasure role (ADR 0012), imported so that the erase function's grants are
   * policies of this stack (the data stack must not depend on this one).
   */
  private IRole erasureRole(StatefulStack data) {
    return Role.fromRoleArn(
        this,
        "ErasureRole",
        data.rawErasureRole().getRoleArn(),
        FromRoleArnOptions.builder().mutable(true).build());
  }

  /**
   * How an erasure starts (ADR 0021, events/erasure-requested): an {@code Erasure Requested} event
   * of source {@code cdp.privacy} on the account's default bus (IAM decides who may put it), or
   * {@code POST /v1/privacy/erasures} on the HTTP API with IAM (SigV4) authorization, whose body is
   * the same event, given to StartExecution. Write keys never reach this route.
   */
  private void erasureRequests(DeployConfig config, StateMachine erase) {
    Queue dlq = deadLetterQueue(config, "erasure-requested");
    Rule.Builder.create(this, "ErasureRequested")
        .ruleName(config.name("erasure-requested"))
        .description("An erasure was requested (events/erasure-requested): run the erase machine")
        .eventPattern(
            EventPattern.builder()
                .source(List.of("cdp.privacy"))
                .detailType(List.of("Erasure Requested"))
                .build())
        .targets(
            List.of(
                new SfnStateMachine(
                    erase,
                    SfnStateMachineProps.builder()
                        .deadLetterQueue(dlq)
                        .retryAttempts(8)
                        .maxEventAge(Duration.hours(24))
                        .build())))
        .build();
    erasureRoutes.addAll(
        api.addRoutes(
            AddRoutesOptions.builder()
                .path("/v1/privacy/erasures")
                .methods(List.of(HttpMethod.POST))
                .integration(
                    HttpStepFunctionsIntegration.Builder.create("Erase")
                        .stateMachine(erase)
                        .subtype(HttpIntegrationSubtype.STEPFUNCTIONS_START_EXECUTION)
                        .build())
                .authorizer(new HttpIamAuthorizer())
                .build()));
  }

  /** {@code POST /v1/privacy/erasures}: IAM-authorized, starts the erase state machine. */
  public List<HttpRoute> erasureRoutes() {
    return erasureRoutes;
  }

  public Map<String, PipelineFunction> functions() {
    return functions;
  }

  public Map<String, StateMachine> stateMachines() {
    return stateMachines;
  }

  /**
   * Routes of browsers (analytics.js short paths and CORS preflight): no API Gateway authorizer,
   * ingest-api checks the write key in the body.
   */
  public List<HttpRoute> browserRoutes() {
    return browserRoutes;
  }

  /** The profile API's routes (no API Gateway authorizer: the function checks read keys). */
  public List<HttpRoute> profileRoutes() {
    return profileRoutes;
  }

  public Map<String, Queue> deadLetterQueues() {
    return deadLetterQueues;
  }

  public HttpApi api() {
    return api;
  }

  public EventBus activationBus() {
    return activationBus;
  }
}
