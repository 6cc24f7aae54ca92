package io.meridian.cdp.infra;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One Lambda function of the pipeline, declared once in {@link Functions}: where its jar is, which
 * handler it runs, how big it is, what environment it reads and which parts of the lake it may
 * touch. {@link PipelineFunction} turns it into a function, its role and its log group.
 *
 * @param id CamelCase id; the construct id, and the name state machines use: a Task whose {@code
 *     Resource} is {@code ${<id>FunctionArn}} invokes this function
 * @param module the Maven module under {@code functions/}; its jar is {@code
 *     functions/<module>/target/fn-<module>-lambda.jar}
 * @param handler the handler class (its {@code handleRequest} method is invoked)
 * @param memoryMb memory size, MB
 * @param timeoutSeconds timeout, seconds
 * @param ephemeralStorageMb {@code /tmp} size, MB (512 is the free default)
 * @param snapStart whether SnapStart is on: only where the handler's constructor captures nothing
 *     that changes after deployment (a function that reads {@code cdp.yaml} at cold start would
 *     keep the snapshot's copy forever) and {@code /tmp} stays at 512 MB
 * @param reservedConcurrency reserved concurrency, where a stage must be bounded
 * @param environment the variables the handler reads (docs of its no-arg constructor)
 * @param lakeReads lake key prefixes it reads (and lists)
 * @param lakeWrites lake key prefixes it writes
 * @param lakeDeletes lake key prefixes it deletes in
 * @param writesStream whether it puts records to the Kinesis stream
 */
public record FunctionSpec(
    String id,
    String module,
    String handler,
    int memoryMb,
    int timeoutSeconds,
    int ephemeralStorageMb,
    boolean snapStart,
    Optional<Integer> reservedConcurrency,
    Set<Env> environment,
    List<String> lakeReads,
    List<String> lakeWrites,
    List<String> lakeDeletes,
    boolean writesStream) {

  /** Environment variables a handler may read (io.meridian.cdp.aws.AwsEnvironment). */
  public enum Env {
    LAKE_BUCKET,
    LAKE_KMS_KEY_ID,
    STREAM_NAME,
    CONFIG_BUCKET,
    CONFIG_KEY,
    DEDUP_TABLE,
    TENANT_SECRETS,
    AUDIT_SECRET,
    ATHENA_WORKGROUP,
    ACTIVATION_BUS,
    /**
     * Tenant → the consent purposes its destinations declare (JSON), counted by publish-changes.
     */
    CONSENT_PURPOSES,
    /** The webhook destinations the activate function delivers to (JSON, ADR 0033). */
    WEBHOOK_DESTINATIONS,
    /**
     * How long an accepted call may take to reach the raw zone (ISO-8601 duration: the stream
     * consumer's maximum record age plus its timeout); erasure waits that long after suppressing
     * before it looks for the person's events (ADR 0021).
     */
    ERASURE_SETTLE
  }

  public FunctionSpec {
    Objects.requireNonNull(id, "id");
    if (!id.matches("[A-Z][A-Za-z0-9]+")) {
      throw new IllegalArgumentException("function id '" + id + "' must be CamelCase");
    }
    if (!module.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("function module '" + module + "' is not a module name");
    }
    if (snapStart && ephemeralStorageMb > 512) {
      throw new IllegalArgumentException(
          "function " + id + ": SnapStart does not allow more than 512 MB of /tmp");
    }
    environment = Set.copyOf(environment);
    lakeReads = List.copyOf(lakeReads);
    lakeWrites = List.copyOf(lakeWrites);
    lakeDeletes = List.copyOf(lakeDeletes);
  }

  /** The ASL placeholder a Task uses to invoke this function. */
  public String aslPlaceholder() {
    return id + "FunctionArn";
  }

  /** The deployable jar under the repository root. */
  public Path jar(Path repoRoot) {
    return repoRoot
        .resolve("functions")
        .resolve(module)
        .resolve("target/fn-" + module + "-lambda.jar");
  }

  /** Whether it reads {@code cdp.yaml}. */
  public boolean readsConfig() {
    return environment.contains(Env.CONFIG_BUCKET);
  }
}
