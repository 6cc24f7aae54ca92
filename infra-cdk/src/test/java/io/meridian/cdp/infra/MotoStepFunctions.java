package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A moto server whose Step Functions ASL engine runs one of {@code statemachines/*.asl.json}, for
 * the state machine ITs. It starts moto on a free loopback port, turns on state machine execution
 * and Docker-less Lambda, and creates one function per {@code ${<Id>FunctionArn}} placeholder of
 * the definition. moto's simple Lambda runs no code: each invocation returns the next result queued
 * with {@link #queueResults}, or echoes its input when none is queued; it never fails, so Catch
 * paths cannot be exercised here.
 *
 * <p>Talks to moto over plain HTTP (AWS JSON, REST and query protocols; moto routes by the
 * credential scope and checks no signature) to keep the AWS SDK out of infra-cdk. Needs moto:
 * {@code $CDP_TEST_PYTHON} or the repository's {@code .venv} ({@code ./test} creates it). moto runs
 * threaded here, which is fine for the ASL engine (shared/aws's MotoServer runs it serially for
 * atomic conditional writes).
 */
final class MotoStepFunctions implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process moto;
  private final URI endpoint;
  private final StateMachineFiles.Definition definition;
  private final Map<String, String> functionArns = new LinkedHashMap<>();
  private String roleArn;

  private MotoStepFunctions(Process moto, URI endpoint, StateMachineFiles.Definition definition) {
    this.moto = moto;
    this.endpoint = endpoint;
    this.definition = definition;
  }

  /**
   * Starts moto (its log in {@code target/moto-sfn.log}) with a role and one function, named {@code
   * functionPrefix + module}, per placeholder of the definition in {@code aslFile} (relative to the
   * repository root).
   */
  static MotoStepFunctions start(String aslFile, String functionPrefix) throws Exception {
    StateMachineFiles.Definition definition =
        StateMachineFiles.read(SynthesizedApp.REPO_ROOT.resolve(aslFile));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = Path.of("target/moto-sfn.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(
                python().toString(),
                "-m",
                "moto.server",
                "-p",
                Integer.toString(port),
                "-H",
                "127.0.0.1")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // The ASL engine calls Lambda back through the server on this port.
    pb.environment().put("MOTO_PORT", Integer.toString(port));
    MotoStepFunctions server =
        new MotoStepFunctions(pb.start(), URI.create("http://127.0.0.1:" + port), definition);
    try {
      server.awaitAnswers(log);
      server.setUp(functionPrefix);
      return server;
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
  }

  private void awaitAnswers(Path log) {
    await("moto server")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!moto.isAlive()) {
                throw new IllegalStateException("moto server exited: " + Files.readString(log));
              }
              return answers();
            });
  }

  private void setUp(String functionPrefix) throws Exception {
    post(
        "/moto-api/config",
        Map.of(
            "stepfunctions", Map.of("execute_state_machine", true),
            "lambda", Map.of("use_docker", false)));
    String roleXml =
        call(
            "iam",
            HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "Action=CreateRole&Version=2010-05-08&RoleName=cdp-state-machine"
                            + "&AssumeRolePolicyDocument="
                            + URLEncoder.encode("{}", StandardCharsets.UTF_8))));
    Matcher arn = Pattern.compile("<Arn>([^<]+)</Arn>").matcher(roleXml);
    assertThat(arn.find()).as(roleXml).isTrue();
    roleArn = arn.group(1);
    for (String placeholder : definition.placeholders()) {
      FunctionSpec spec = definition.function(placeholder).orElseThrow();
      Map<String, Object> create =
          Map.of(
              "FunctionName",
              functionPrefix + spec.module(),
              "Runtime",
              "java21",
              "Role",
              roleArn,
              "Handler",
              spec.handler() + "::handleRequest",
              "Code",
              Map.of("ZipFile", emptyZip()));
      JsonNode fn =
          JSON.readTree(
              call(
                  "lambda",
                  HttpRequest.newBuilder(endpoint.resolve("/2015-03-31/functions"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(create)))));
      functionArns.put(placeholder, fn.get("FunctionArn").asText());
    }
  }

  /** The results the next Lambda invocations return, in order (each as JSON). */
  void queueResults(Object... results) throws Exception {
    List<String> texts = new ArrayList<>();
    for (Object r : results) {
      texts.add(JSON.writeValueAsString(r));
    }
    post("/moto-api/static/lambda-simple/response", Map.of("results", texts));
  }

  /**
   * Creates the state machine {@code name} from the definition, with its placeholders substituted
   * as the CDK app does (by function ARNs), runs it with {@code input}, and returns the output of
   * the execution, which must succeed within a minute.
   */
  JsonNode run(String name, Map<String, Object> input) throws Exception {
    String text = Files.readString(definition.file());
    for (Map.Entry<String, String> f : functionArns.entrySet()) {
      text = text.replace("${" + f.getKey() + "}", f.getValue());
    }
    assertThat(text).doesNotContain("${");
    String machine =
        sfn("CreateStateMachine", Map.of("name", name, "definition", text, "roleArn", roleArn))
            .get("stateMachineArn")
            .asText();
    String execution =
        sfn(
                "StartExecution",
                Map.of("stateMachineArn", machine, "input", JSON.writeValueAsString(input)))
            .get("executionArn")
            .asText();
    JsonNode[] done = new JsonNode[1];
    await("execution " + name)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              done[0] = sfn("DescribeExecution", Map.of("executionArn", execution));
              return !"RUNNING".equals(done[0].get("status").asText());
            });
    assertThat(done[0].get("status").asText()).as(done[0].toString()).isEqualTo("SUCCEEDED");
    return JSON.readTree(done[0].get("output").asText());
  }

  @Override
  public void close() throws InterruptedException {
    moto.destroy();
    if (!moto.waitFor(10, TimeUnit.SECONDS)) {
      moto.destroyForcibly();
    }
  }

  private JsonNode sfn(String action, Map<String, Object> body) throws Exception {
    return JSON.readTree(
        call(
            "states",
            HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "AWSStepFunctions." + action)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))));
  }

  /** A request to {@code service}; moto routes by the credential scope and checks no signature. */
  private String call(String service, HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            request
                .header(
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=testing/20261124/us-east-1/"
                        + service
                        + "/aws4_request, SignedHeaders=host, Signature=0")
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(service + ": " + r.body()).isBetween(200, 299);
    return r.body();
  }

  private void post(String path, Object body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(endpoint.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 299);
  }

  private boolean answers() throws InterruptedException {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static String emptyZip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("README.txt"));
      zip.write("moto's simple Lambda runs no code".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static Path python() {
    String configured = System.getenv("CDP_TEST_PYTHON");
    Path python =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : SynthesizedApp.REPO_ROOT.resolve(".venv/bin/python");
    if (!Files.isExecutable(python)) {
      throw new IllegalStateException(
          python
              + " is not an executable Python: this test needs moto server. Run ./test at the"
              + " repository root, or set CDP_TEST_PYTHON to a Python with moto[server].");
    }
    return python;
  }
}
