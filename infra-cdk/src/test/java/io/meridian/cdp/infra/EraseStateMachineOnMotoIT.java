package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code statemachines/erase.asl.json} executed by moto server's Step Functions ASL engine, with
 * its placeholder substituted as the CDK app does. moto's Docker-less Lambda runs no code: each
 * invocation returns the next result the test queued (or echoes its input), so the test plays the
 * erase function: {@code in_progress} answers loop back to the task, a final answer ends the
 * execution with that answer as its output. moto's simple Lambda never fails, so the Catch path
 * ({@code ErasureFailed}) is checked by {@code StateMachineFilesTest} and asl-validator only. Runs
 * on {@link MotoStepFunctions}, as {@link CurateStateMachineOnMotoIT} does.
 */
class EraseStateMachineOnMotoIT {
  private static MotoStepFunctions moto;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoStepFunctions.start("statemachines/erase.asl.json", "cdp-it-sfn-");
  }

  @AfterAll
  static void stopMoto() throws InterruptedException {
    if (moto != null) {
      moto.close();
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
    moto.queueResults(
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

    JsonNode output = moto.run("erase-loop", REQUEST);

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
    JsonNode output = moto.run("erase-echo", REQUEST);

    assertThat(output.get("source").asText()).isEqualTo("cdp.privacy");
    assertThat(output.get("detail-type").asText()).isEqualTo("Erasure Requested");
    assertThat(output.get("detail").get("identifierType").asText()).isEqualTo("email");
    assertThat(output.has("version")).isFalse();
    // the execution is the correlation id of the function's log lines
    assertThat(output.get("execution").asText()).contains(":execution:erase-echo");

    moto.queueResults(Map.of("tenant", "acme", "requestId", "er-2", "status", "not_found"));
    assertThat(moto.run("erase-not-found", REQUEST).get("status").asText()).isEqualTo("not_found");
  }
}
