package io.meridian.cdp.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.meridian.cdp.catalog.TableDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;

/**
 * The CDK app: {@code cdk synth} runs {@link #main}. Three stacks per environment, split by
 * lifecycle (ADR 0011): {@code cdp-<env>-data} ({@link StatefulStack}), {@code
 * cdp-<env>-governance} ({@link GovernanceStack}) and {@code cdp-<env>-pipeline} ({@link
 * PipelineStack}). cdk-nag's AWS Solutions checks run on all of them; every suppression carries its
 * reason ({@link NagSuppressionsForCdp}).
 */
public final class CdpApp {
  /** The stacks of one environment. */
  public record Stacks(StatefulStack data, GovernanceStack governance, PipelineStack pipeline) {}

  private CdpApp() {}

  public static void main(String[] args) {
    App app = new App();
    DeployConfig config = DeployConfig.fromContext(app.getNode()::tryGetContext);
    Object root = app.getNode().tryGetContext("cdp:repoRoot");
    build(app, config, Path.of(root == null ? ".." : root.toString()));
    app.synth();
  }

  /**
   * Adds the stacks of {@code config} to {@code app}, with cdk-nag.
   *
   * @param repoRoot the repository: function jars under {@code functions/}, {@code statemachines/},
   *     {@code docs/TABLES.md}
   */
  public static Stacks build(App app, DeployConfig config, Path repoRoot) {
    // Server access logs delivered by a bucket policy (not ACLs, which object ownership
    // "bucket owner enforced" forbids). Set before any construct exists, as feature flags must be.
    app.getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    // Cross-stack references as CloudFormation exports that protect their producer (the default,
    // made explicit): the data stack cannot drop a bucket the pipeline stack still uses.
    app.getNode().setContext("@aws-cdk/core:defaultCrossStackReferences", "strong");
    Path root = repoRoot.toAbsolutePath().normalize();
    Path tablesMd = root.resolve("docs/TABLES.md");
    if (!Files.isRegularFile(tablesMd)) {
      throw new IllegalStateException(
          "cdp:repoRoot " + root + " is not the repository root (no docs/TABLES.md)");
    }
    StackProps props = StackProps.builder().env(environment()).build();
    StatefulStack data =
        new StatefulStack(
            app,
            config.name("data"),
            describe(props, config, "data: keys, buckets, stream, tables, catalog, audit"),
            config,
            TableDocs.read(tablesMd));
    GovernanceStack governance =
        new GovernanceStack(
            app,
            config.name("governance"),
            describe(props, config, "governance: Lake Formation, Athena"),
            config,
            data);
    PipelineStack pipeline =
        new PipelineStack(
            app,
            config.name("pipeline"),
            describe(
                props, config, "pipeline: functions, API, state machines, activation, monitoring"),
            config,
            data,
            root);
    // compute-segments' Lake Formation grants need the governance stack's data lake settings.
    pipeline.addDependency(governance);
    Tags.of(app).add("app", "meridian-cdp");
    Tags.of(app).add("cdp:env", config.env());
    NagSuppressionsForCdp.apply(data, governance, pipeline);
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return new Stacks(data, governance, pipeline);
  }

  private static StackProps describe(StackProps base, DeployConfig config, String what) {
    return StackProps.builder()
        .env(base.getEnv())
        .description("Meridian CDP " + config.env() + " " + what)
        .terminationProtection(config.retainData())
        .build();
  }

  /** The account and region of the CLI's credentials, when it has any (else env-agnostic). */
  private static Environment environment() {
    String account = System.getenv("CDK_DEFAULT_ACCOUNT");
    String region = System.getenv("CDK_DEFAULT_REGION");
    if (account == null || region == null) {
      return null;
    }
    return Environment.builder().account(account).region(region).build();
  }
}
