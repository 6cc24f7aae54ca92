package io.meridian.cdp.aws;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * JUnit 5 extension that runs the AWS API emulator for the AWS adapter tests: started once per JVM,
 * stopped when the test run ends. Register it with {@code @RegisterExtension static final
 * MotoServer MOTO = new MotoServer();}.
 *
 * <p>By default the emulator is moto server on a free loopback port. Its Python is {@code
 * $CDP_TEST_PYTHON}, else the repository's {@code .venv/bin/python}; {@code ./test} creates that
 * virtual environment from {@code requirements-test.txt}. Without either the tests fail and say so:
 * the AWS adapters are never silently left untested.
 *
 * <p>With {@code CDP_AWS_EMULATOR=localstack} the same tests run against LocalStack in a container
 * instead (Testcontainers, image {@link LocalStack#IMAGE}, {@code LOCALSTACK_AUTH_TOKEN} passed on
 * when set). That needs Docker: without it, and in modules whose test classpath lacks
 * Testcontainers (only {@code shared/aws} carries it), the test classes are skipped with the
 * reason. Tests that use moto's own API (queued Athena results, its Step Functions engine) call
 * {@link #requireMoto}.
 */
public final class MotoServer implements BeforeAllCallback, ExecutionCondition {
  private static final Namespace NAMESPACE = Namespace.create(MotoServer.class);
  private static final Region REGION = Region.US_EAST_1;
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  static {
    // moto speaks Kinesis' JSON protocol, not CBOR.
    System.setProperty("aws.cborEnabled", "false");
  }

  /** The emulators the tests can run against, chosen by {@code CDP_AWS_EMULATOR}. */
  public enum Kind {
    MOTO,
    LOCALSTACK;

    /** {@code moto} (also when unset or blank) or {@code localstack}, ignoring case. */
    public static Kind parse(String value) {
      if (value == null || value.isBlank()) {
        return MOTO;
      }
      return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "moto" -> MOTO;
        case "localstack" -> LOCALSTACK;
        default ->
            throw new IllegalStateException(
                "CDP_AWS_EMULATOR is '" + value + "': use moto (the default) or localstack");
      };
    }
  }

  /** A running emulator; closed by JUnit when the root context closes, at the end of the run. */
  interface Backend extends AutoCloseable {
    @Override
    void close();

    URI endpoint();

    Kind kind();
  }

  private Backend running;

  /** Disables the test class, with the reason, when LocalStack is asked for but cannot run. */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (Kind.parse(System.getenv("CDP_AWS_EMULATOR")) == Kind.LOCALSTACK) {
      Optional<String> missing =
          testcontainersPresent()
              ? LocalStack.unavailable()
              : Optional.of(
                  "Testcontainers is not on this module's test classpath (LocalStack runs cover"
                      + " the adapter tests of shared/aws); skipped");
      if (missing.isPresent()) {
        return ConditionEvaluationResult.disabled(
            "CDP_AWS_EMULATOR=localstack, but " + missing.get());
      }
    }
    return ConditionEvaluationResult.enabled("emulator available");
  }

  /**
   * Whether Testcontainers is on the test classpath (checked without loading {@link LocalStack}).
   */
  static boolean testcontainersPresent() {
    try {
      Class.forName(
          "org.testcontainers.DockerClientFactory", false, MotoServer.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Kind kind = Kind.parse(System.getenv("CDP_AWS_EMULATOR"));
    running =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                Backend.class,
                k -> kind == Kind.MOTO ? Running.start() : LocalStack.start(),
                Backend.class);
  }

  public URI endpoint() {
    if (running == null) {
      throw new IllegalStateException("the AWS emulator is not running: register the extension");
    }
    return running.endpoint();
  }

  /**
   * Queues the results moto's Athena returns for the next queries ({@code
   * /moto-api/static/athena/query-results}: moto runs no SQL); skips the test on another emulator.
   */
  public void queueAthenaResults(String resultsJson) {
    requireMoto("queues Athena results through /moto-api; LocalStack's Athena is not free");
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          endpoint().resolve("/moto-api/static/athena/query-results"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(resultsJson))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IllegalStateException(
            "moto refused the Athena results: HTTP " + r.statusCode() + " " + r.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Skips the calling test unless the emulator is moto: for tests that drive moto's own API ({@code
   * /moto-api/...}), which LocalStack does not have.
   */
  public void requireMoto(String why) {
    Assumptions.assumeTrue(
        running != null && running.kind() == Kind.MOTO,
        () -> "needs moto server (" + why + "); the emulator is " + running.kind());
  }

  public S3Client s3() {
    return S3Client.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .forcePathStyle(true)
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  public KinesisClient kinesis() {
    return KinesisClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  public software.amazon.awssdk.services.athena.AthenaClient athena() {
    return software.amazon.awssdk.services.athena.AthenaClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  public software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge() {
    return software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  public software.amazon.awssdk.services.secretsmanager.SecretsManagerClient secretsManager() {
    return software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  public software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb() {
    return software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  /**
   * Creates DynamoDB table {@code name} with the key schema of the tables the CDK app deploys
   * (string {@code pk} and {@code sk}, pay per request).
   */
  public void createPkSkTable(String name) {
    dynamoDb()
        .createTable(
            b ->
                b.tableName(name)
                    .billingMode(
                        software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType("S"),
                        a -> a.attributeName("sk").attributeType("S"))
                    .keySchema(
                        k -> k.attributeName("pk").keyType("HASH"),
                        k -> k.attributeName("sk").keyType("RANGE")));
  }

  public software.amazon.awssdk.services.sqs.SqsClient sqs() {
    return software.amazon.awssdk.services.sqs.SqsClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  public software.amazon.awssdk.services.glue.GlueClient glue() {
    return software.amazon.awssdk.services.glue.GlueClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  public software.amazon.awssdk.services.kms.KmsClient kms() {
    return software.amazon.awssdk.services.kms.KmsClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  /**
   * {@code python -m moto.server} with one change: requests are handled one at a time, not a thread
   * each. AWS makes a conditional write (a DynamoDB {@code ConditionExpression}, an S3 {@code
   * If-None-Match}) atomic; moto checks the condition and writes in two steps, so two requests at
   * once on two threads can both pass the check — a race real AWS does not have, which made the
   * tests of concurrent claims (DynamoDbDedupIndexIT) fail now and then. Handled one at a time,
   * every moto request is atomic (and each uses its own connection: HTTP/1.0).
   */
  static final String SERIAL_MOTO_SERVER =
      String.join(
          "\n",
          "import sys",
          "import moto.server as server",
          "from werkzeug.serving import run_simple",
          "def serial(*args, **kwargs):",
          "    kwargs['threaded'] = False",
          "    return run_simple(*args, **kwargs)",
          "server.run_simple = serial",
          "server.main(sys.argv[1:])");

  /** The moto server process. */
  record Running(Process process, URI endpoint) implements Backend {
    @Override
    public Kind kind() {
      return Kind.MOTO;
    }

    static Running start() {
      Path python = python();
      int port = freePort();
      Path log = Path.of("target", "moto-server.log").toAbsolutePath();
      Process process;
      try {
        Files.createDirectories(log.getParent());
        process =
            new ProcessBuilder(
                    List.of(
                        python.toString(),
                        "-c",
                        SERIAL_MOTO_SERVER,
                        "-p",
                        Integer.toString(port),
                        "-H",
                        "127.0.0.1"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start moto server with " + python, e);
      }
      Running running = new Running(process, URI.create("http://127.0.0.1:" + port));
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      await("moto server on port " + port)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "moto server exited with code "
                          + process.exitValue()
                          + "; its output is in "
                          + log
                          + ":\n"
                          + Files.readString(log));
                }
                return answers(http, running.endpoint());
              });
      return running;
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }

    private static boolean answers(HttpClient http, URI endpoint) throws InterruptedException {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    }

    private static Path python() {
      Optional<Path> configured =
          Optional.ofNullable(System.getenv("CDP_TEST_PYTHON"))
              .filter(s -> !s.isBlank())
              .map(Path::of);
      if (configured.isPresent()) {
        if (!Files.isExecutable(configured.get())) {
          throw new IllegalStateException(
              "CDP_TEST_PYTHON is " + configured.get() + ", which is not an executable file");
        }
        return configured.get();
      }
      Optional<Path> venv = repositoryRoot().map(r -> r.resolve(".venv/bin/python"));
      if (venv.isPresent() && Files.isExecutable(venv.get())) {
        return venv.get();
      }
      throw new IllegalStateException(
          "The AWS adapter tests need moto server, which runs in Python. Run ./test at the"
              + " repository root (it creates .venv with requirements-test.txt and runs the build),"
              + " or set CDP_TEST_PYTHON to a Python that has moto[server] installed.");
    }

    /** The nearest directory at or above the working directory with requirements-test.txt. */
    private static Optional<Path> repositoryRoot() {
      for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
        if (Files.exists(dir.resolve("requirements-test.txt"))) {
          return Optional.of(dir);
        }
      }
      return Optional.empty();
    }

    private static int freePort() {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
