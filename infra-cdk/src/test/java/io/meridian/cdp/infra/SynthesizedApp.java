package io.meridian.cdp.infra;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * One synthesis of the app for all test classes (synthesis costs seconds: jsii starts Node), with a
 * test configuration: two tenants, an alarm e-mail and two activation destinations (an API
 * destination with a pattern and a consent purpose, a webhook through the activate function). The
 * function jars must have been built (the reactor packages the function modules first); a missing
 * jar fails the synthesis, naming the jar.
 */
final class SynthesizedApp {
  static final Path REPO_ROOT =
      Path.of(System.getProperty("cdp.repoRoot", "..")).toAbsolutePath().normalize();

  static final Map<String, Object> CONTEXT =
      Map.of(
          "cdp:env",
          "test",
          "cdp:tenants",
          List.of("acme", "globex"),
          "cdp:alarmEmail",
          "ops@example.com",
          "cdp:destinations",
          List.of(
              Map.of(
                  "name", "acme-crm",
                  "tenant", "acme",
                  "detailTypes", List.of("Segment Membership Changed"),
                  "pattern", Map.of("detail", Map.of("segment", Map.of("id", List.of("vip")))),
                  "consentPurpose", "advertising",
                  "endpoint", "https://crm.example.com/hooks/cdp",
                  "apiKeyHeader", "X-Api-Key",
                  "apiKeySecretArn",
                      "arn:aws:secretsmanager:us-east-1:123456789012:secret:cdp/acme-crm-AbCdEf"),
              Map.of(
                  "name", "globex-hook",
                  "tenant", "globex",
                  "kind", "webhook",
                  "detailTypes", List.of("Segment Membership Changed"),
                  "consentPurpose", "email",
                  "endpoint", "https://hooks.example.com/globex",
                  "payload", Map.of("email", "$.detail.traits.email", "list_id", 42),
                  "signingSecretArn",
                      "arn:aws:secretsmanager:us-east-1:123456789012:secret:cdp/globex-hook-Qw12Er",
                  "timeoutMillis", 3000)));

  private static App app;
  private static CdpApp.Stacks stacks;
  private static Template data;
  private static Template governance;
  private static Template pipeline;

  private SynthesizedApp() {}

  static synchronized CdpApp.Stacks stacks() {
    if (stacks == null) {
      App a = App.Builder.create().context(CONTEXT).build();
      DeployConfig config = DeployConfig.fromContext(a.getNode()::tryGetContext);
      stacks = CdpApp.build(a, config, REPO_ROOT);
      app = a;
    }
    return stacks;
  }

  static synchronized App app() {
    stacks();
    return app;
  }

  static synchronized Template data() {
    if (data == null) {
      data = Template.fromStack(stacks().data());
    }
    return data;
  }

  static synchronized Template governance() {
    if (governance == null) {
      governance = Template.fromStack(stacks().governance());
    }
    return governance;
  }

  static synchronized Template pipeline() {
    if (pipeline == null) {
      pipeline = Template.fromStack(stacks().pipeline());
    }
    return pipeline;
  }
}
