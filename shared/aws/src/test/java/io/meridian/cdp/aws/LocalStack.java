package io.meridian.cdp.aws;

import java.net.URI;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in a container, the alternative emulator of {@link MotoServer} ({@code
 * CDP_AWS_EMULATOR=localstack}). Loaded only when chosen, so modules without Testcontainers on
 * their test classpath are not affected.
 */
final class LocalStack implements MotoServer.Backend {
  /**
   * Pinned. LocalStack's images ask for an auth token since March 2026; this tag, the last before,
   * runs without one (a token in {@code LOCALSTACK_AUTH_TOKEN} is passed on when set).
   */
  static final String IMAGE = "localstack/localstack:4.9.2";

  private final LocalStackContainer container;

  private LocalStack(LocalStackContainer container) {
    this.container = container;
  }

  /**
   * Why LocalStack cannot run here, or empty when it can. Call only after {@link
   * MotoServer#testcontainersPresent()}: this class needs Testcontainers to load.
   */
  static Optional<String> unavailable() {
    return DockerClientFactory.instance().isDockerAvailable()
        ? Optional.empty()
        : Optional.of("no Docker engine is available to run " + IMAGE + "; skipped");
  }

  static LocalStack start() {
    LocalStackContainer container =
        new LocalStackContainer(DockerImageName.parse(IMAGE))
            .withServices(
                Service.S3,
                Service.KINESIS,
                Service.DYNAMODB,
                Service.KMS,
                Service.SECRETSMANAGER,
                Service.SQS,
                LocalStackContainer.EnabledService.named("events"));
    String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
    if (token != null && !token.isBlank()) {
      container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
    }
    container.start();
    return new LocalStack(container);
  }

  @Override
  public URI endpoint() {
    return container.getEndpoint();
  }

  @Override
  public MotoServer.Kind kind() {
    return MotoServer.Kind.LOCALSTACK;
  }

  @Override
  public void close() {
    container.stop();
  }
}
