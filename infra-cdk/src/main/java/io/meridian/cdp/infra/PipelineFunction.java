package io.meridian.cdp.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * A pipeline function with the house defaults: Java 21 on arm64, X-Ray tracing, JSON log format
 * into its own log group with a retention, Powertools environment (service name, metrics
 * namespace), JVM options for a fast cold start, SnapStart where its {@link FunctionSpec} allows,
 * its own role (only its log group to start with; {@link PipelineStack} grants the rest) and an
 * alias {@code live} on the current version that every trigger invokes.
 */
public final class PipelineFunction extends Construct {
  /** JVM options: C1 only, which halves the JIT work of a cold start (docs/BENCHMARKS.md). */
  public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

  /**
   * JVM options of the functions that run long computations, object after object or over a whole
   * tenant: C2 as well, whose extra JIT work a cold start pays back within about a million events
   * (raw-to-clean needs 1.5 times the CPU per event with C1 only; docs/BENCHMARKS.md, raw → clean),
   * and transparent huge pages for the heap, which cut the identity graph's TLB misses (ADR 0038;
   * where the kernel has none to give, the JVM warns once and runs as before).
   */
  public static final String COMPUTE_JAVA_TOOL_OPTIONS =
      "-XX:+TieredCompilation -XX:+UseTransparentHugePages";

  /** The functions that get {@link #COMPUTE_JAVA_TOOL_OPTIONS}. */
  public static final java.util.Set<FunctionSpec> COMPUTE =
      java.util.Set.of(
          Functions.RAW_TO_CLEAN, Functions.RESOLVE_IDENTITIES, Functions.BUILD_PROFILES);

  /** The JVM options of {@code spec}'s function. */
  public static String javaToolOptions(FunctionSpec spec) {
    return COMPUTE.contains(spec) ? COMPUTE_JAVA_TOOL_OPTIONS : JAVA_TOOL_OPTIONS;
  }

  public static final String METRICS_NAMESPACE = "MeridianCDP";

  private final FunctionSpec spec;
  private final Function function;
  private final Alias alias;
  private final IRole role;

  /**
   * @param environment values of the variables {@code spec} declares
   * @throws IllegalStateException when the function's jar has not been built
   */
  public PipelineFunction(
      Construct scope,
      FunctionSpec spec,
      DeployConfig config,
      Path repoRoot,
      Map<FunctionSpec.Env, String> environment) {
    this(scope, spec, config, repoRoot, environment, null);
  }

  /**
   * @param executionRole a role defined elsewhere to run as (the erasure role), or null for a role
   *     of its own
   */
  public PipelineFunction(
      Construct scope,
      FunctionSpec spec,
      DeployConfig config,
      Path repoRoot,
      Map<FunctionSpec.Env, String> environment,
      IRole executionRole) {
    super(scope, spec.id());
    this.spec = spec;
    Path jar = spec.jar(repoRoot).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "the jar of function "
              + spec.id()
              + " is missing: "
              + jar
              + " (build it first: ./mvnw -pl functions/"
              + spec.module()
              + " -am package)");
    }
    String name = config.name(spec.module());
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .logGroupName("/aws/lambda/" + name)
            .retention(retentionDays(config.retention().logRetentionDays()))
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    this.role =
        executionRole != null
            ? executionRole
            : Role.Builder.create(this, "Role")
                .roleName(name)
                .description("Execution role of " + name + " (least privilege, see infra-cdk)")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .build();
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logs.getLogGroupArn(), logs.getLogGroupArn() + ":*"))
            .build());

    Map<String, String> env = new TreeMap<>();
    for (FunctionSpec.Env e : spec.environment()) {
      String value = environment.get(e);
      if (value == null) {
        throw new IllegalArgumentException("no value for " + e + " of function " + spec.id());
      }
      env.put(e.name(), value);
    }
    env.put("POWERTOOLS_SERVICE_NAME", spec.module());
    env.put("POWERTOOLS_METRICS_NAMESPACE", METRICS_NAMESPACE);
    env.put("POWERTOOLS_LOG_LEVEL", "INFO");
    env.put("JAVA_TOOL_OPTIONS", javaToolOptions(spec));

    Function.Builder fn =
        Function.Builder.create(this, "Function")
            .functionName(name)
            .description(spec.handler() + " (" + spec.module() + ")")
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.ARM_64)
            .code(Code.fromAsset(jar.toString()))
            .handler(spec.handler() + "::handleRequest")
            .memorySize(spec.memoryMb())
            .timeout(Duration.seconds(spec.timeoutSeconds()))
            .ephemeralStorageSize(Size.mebibytes(spec.ephemeralStorageMb()))
            .tracing(Tracing.ACTIVE)
            .logGroup(logs)
            .loggingFormat(LoggingFormat.JSON)
            .applicationLogLevelV2(ApplicationLogLevel.INFO)
            .systemLogLevelV2(SystemLogLevel.WARN)
            .role(role)
            .environment(env);
    if (spec.snapStart()) {
      fn.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
    }
    spec.reservedConcurrency().ifPresent(fn::reservedConcurrentExecutions);
    this.function = fn.build();
    this.alias =
        Alias.Builder.create(this, "Live")
            .aliasName("live")
            .version(function.getCurrentVersion())
            .build();
  }

  public FunctionSpec spec() {
    return spec;
  }

  public Function function() {
    return function;
  }

  /** What triggers invoke: the {@code live} alias of the current version. */
  public Alias alias() {
    return alias;
  }

  public IRole role() {
    return role;
  }

  static RetentionDays retentionDays(int days) {
    for (RetentionDays r : RetentionDays.values()) {
      if (days(r) == days) {
        return r;
      }
    }
    throw new IllegalArgumentException("no CloudWatch Logs retention of " + days + " days");
  }

  private static int days(RetentionDays r) {
    return switch (r) {
      case ONE_DAY -> 1;
      case THREE_DAYS -> 3;
      case FIVE_DAYS -> 5;
      case ONE_WEEK -> 7;
      case TWO_WEEKS -> 14;
      case ONE_MONTH -> 30;
      case TWO_MONTHS -> 60;
      case THREE_MONTHS -> 90;
      case FOUR_MONTHS -> 120;
      case FIVE_MONTHS -> 150;
      case SIX_MONTHS -> 180;
      case ONE_YEAR -> 365;
      case THIRTEEN_MONTHS -> 400;
      case EIGHTEEN_MONTHS -> 545;
      case TWO_YEARS -> 731;
      case THREE_YEARS -> 1096;
      case FIVE_YEARS -> 1827;
      case SIX_YEARS -> 2192;
      case SEVEN_YEARS -> 2557;
      case EIGHT_YEARS -> 2922;
      case NINE_YEARS -> 3288;
      case TEN_YEARS -> 3653;
      default -> -1;
    };
  }
}
