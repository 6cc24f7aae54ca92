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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code statemachines/erase.asl.json} executed by moto server's Step Functions ASL engine, with
 * its placeholder substituted as the CDK app does. moto's Docker-less Lambda runs no code: each
 * invocation returns the next result the test queued (or echoes its input), so the test plays the
 * erase function: {@code in_progress} answers loop back to the task, a final answer ends the
 * execution with that answer as its output. moto's simple Lambda never fails, so the Catch path
 * ({@code ErasureFailed}) is checked by {@code StateMachineFilesTest} and asl-validator only. Same
 * plain-HTTP moto helpers as {@link CurateStateMachineOnMotoIT}.
 */
class EraseStateMachineOnMotoIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static Process moto;
  private static URI endpoint;
  private static Map<String, String> functionArns;
  private static String roleArn;

  @BeforeAll
  static void startMoto() throws Exception {
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
    moto = pb.start();
    endpoint = URI.create("http://127.0.0.1:" + port);
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
                        "Action=CreateRole&Version=2010-05-08&RoleName=cdp-curate&AssumeRolePolicyDocument="
                            + URLEncoder.encode("{}", StandardCharsets.UTF_8))));
    Matcher arn = Pattern.compile("<Arn>([^<]+)</Arn>").matcher(roleXml);
    assertThat(arn.find()).as(roleXml).isTrue();
    roleArn = arn.group(1);

    functionArns = new LinkedHashMap<>();
    StateMachineFiles.Definition erase = erase();
    for (String placeholder : erase.placeholders()) {
      FunctionSpec spec = erase.function(placeholder).orElseThrow();
      Map<String, Object> create =
          Map.of(
              "FunctionName",
              "cdp-it-sfn-" + spec.module(),
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

  @AfterAll
  static void stopMoto() throws InterruptedException {
    if (moto != null) {
      moto.destroy();
      if (!moto.waitFor(10, TimeUnit.SECONDS)) {
        moto.destroyForcibly();
      }
    }
  }

  private static final Map<String, Object> REQUEST =
      Map.of(
          "version", "0",
          "source", "cdp.privacy",
          "detail-type", "Erasure Requested",
          "detail",
              Map.of(
                  "tenant", "acme",
                  "identifierType", "email",
                  "identifier", "alice@example.com",
                  "reason", "GDPR-1"));

  @Test
  void anInProgressAnswerCallsTheTaskAgainUntilTheJobEndsAndTheOutputIsTheLastAnswerOnly()
      throws Exception {
    queueResults(
        Map.of("tenant", "acme", "requestId", "er-1", "status", "in_progress", "nextStep", "clean"),
        Map.of("tenant", "acme", "requestId", "er-1", "status", "in_progress", "nextStep", "raw"),
        Map.of(
            "tenant",
            "acme",
            "requestId",
            "er-1",
            "status",
            "erased",
            "reportKey",
            "_privacy/reports/tenant=acme/er-1.json"));

    JsonNode output = run("erase-loop", REQUEST);

    assertThat(output.get("status").asText()).isEqualTo("erased");
    assertThat(output.get("reportKey").asText())
        .isEqualTo("_privacy/reports/tenant=acme/er-1.json");
    // the identifier is in the input only, never in the output
    assertThat(output.toString()).doesNotContain("alice");
  }

  @Test
  void theTaskIsGivenTheRequestEventWithoutEnvelopeExtrasAndNotFoundEndsTheExecution()
      throws Exception {
    // Nothing queued: moto's Lambda echoes the task input, which becomes the result (no
    // status in_progress), so the execution ends with exactly what the task was given.
    JsonNode output = run("erase-echo", REQUEST);

    assertThat(output.get("source").asText()).isEqualTo("cdp.privacy");
    assertThat(output.get("detail-type").asText()).isEqualTo("Erasure Requested");
    assertThat(output.get("detail").get("identifierType").asText()).isEqualTo("email");
    assertThat(output.has("version")).isFalse();
    // the execution is the correlation id of the function's log lines
    assertThat(output.get("execution").asText()).contains(":execution:erase-echo");

    queueResults(Map.of("tenant", "acme", "requestId", "er-2", "status", "not_found"));
    assertThat(run("erase-not-found", REQUEST).get("status").asText()).isEqualTo("not_found");
  }

  private static JsonNode run(String name, Map<String, Object> input) throws Exception {
    String definition = Files.readString(erase().file());
    for (Map.Entry<String, String> f : functionArns.entrySet()) {
      definition = definition.replace("${" + f.getKey() + "}", f.getValue());
    }
    assertThat(definition).doesNotContain("${");
    String machine =
        sfn(
                "CreateStateMachine",
                Map.of("name", name, "definition", definition, "roleArn", roleArn))
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

  private static StateMachineFiles.Definition erase() {
    return StateMachineFiles.read(SynthesizedApp.REPO_ROOT.resolve("statemachines/erase.asl.json"));
  }

  private static void queueResults(Object... results) throws Exception {
    List<String> texts = new java.util.ArrayList<>();
    for (Object r : results) {
      texts.add(JSON.writeValueAsString(r));
    }
    post("/moto-api/static/lambda-simple/response", Map.of("results", texts));
  }

  private static JsonNode sfn(String action, Map<String, Object> body) throws Exception {
    return JSON.readTree(
        call(
            "states",
            HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "AWSStepFunctions." + action)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))));
  }

  /** A request to {@code service}; moto routes by the credential scope and checks no signature. */
  private static String call(String service, HttpRequest.Builder request) throws Exception {
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

  private static void post(String path, Object body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(endpoint.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 299);
  }

  private static boolean answers() throws InterruptedException {
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
