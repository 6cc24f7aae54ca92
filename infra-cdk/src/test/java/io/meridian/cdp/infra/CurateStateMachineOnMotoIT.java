package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code statemachines/curate.asl.json} executed by moto server's Step Functions ASL engine, with
 * its placeholders substituted as the CDK app does (by function ARNs), on {@link
 * MotoStepFunctions}: each invocation returns the next result the test queued, or echoes its input
 * when none is queued. So the test supplies the task results and sees the input each task received.
 * moto's simple Lambda never fails, so the Catch path ({@code ReleaseLease}, {@code TenantFailed})
 * is not exercised here: {@code CurateStateMachineTest} checks its structure and {@code
 * ComputeSegmentsHandlerIT} the release.
 */
class CurateStateMachineOnMotoIT {
  private static MotoStepFunctions moto;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoStepFunctions.start("statemachines/curate.asl.json", "cdp-it-");
  }

  @AfterAll
  static void stopMoto() throws InterruptedException {
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void eachTenantRunsTheCurateStepsTheSegmentsMapAndPublishChangesAndTheResultsLandInTheOutput()
      throws Exception {
    // In the order the one tenant's tasks are invoked: the Map's two members tasks in between.
    moto.queueResults(
        Map.of("tenant", "acme", "snapshot", 7, "merges", 2),
        Map.of("tenant", "acme", "snapshot", 7, "profiles", 40),
        Map.of(
            "tenant",
            "acme",
            "snapshot",
            3,
            "previous",
            2,
            "profiles",
            7,
            "identity",
            7,
            "at",
            "2026-11-24T06:00:00Z",
            "runId",
            "000003-20261124T060000Z",
            "segments",
            List.of("vip", "dormant")),
        Map.of("segment", "vip"),
        Map.of("segment", "dormant"),
        Map.of("tenant", "acme", "snapshot", 3, "entered", 5, "exited", 1, "noop", false),
        Map.of("tenant", "acme", "published", 3, "events", 6, "noop", false));

    JsonNode output = moto.run("curate-one", Map.of("tenants", List.of("acme")));

    assertThat(output.get("tenants").toString()).isEqualTo("[\"acme\"]");
    JsonNode result = output.get("results").get(0);
    assertThat(result.get("tenant").asText()).isEqualTo("acme");
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("curated");
    assertThat(result.get("identity").get("merges").asInt()).isEqualTo(2);
    assertThat(result.get("profiles").get("profiles").asInt()).isEqualTo(40);
    assertThat(result.get("segments").get("entered").asInt()).isEqualTo(5);
    assertThat(result.get("segments").get("exited").asInt()).isEqualTo(1);
    assertThat(result.get("activation").get("events").asInt()).isEqualTo(6);
  }

  @Test
  void everyTenantIsCuratedThroughAllItsTasks() throws Exception {
    // moto's Lambda would echo each task's input, but the plan must hold the segments the Map
    // iterates, and three tenants' tasks interleave: every task gets the same result here, a plan
    // without segments. What each task is given is checked by CurateStateMachineTest.
    List<String> tenants = List.of("acme", "globex", "initech");
    Object[] results = new Object[tenants.size() * 5];
    java.util.Arrays.fill(results, Map.of("segments", List.of(), "ok", true));
    moto.queueResults(results);

    JsonNode output = moto.run("curate-three", Map.of("tenants", tenants));

    assertThat(output.get("results")).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode result = output.get("results").get(i);
      assertThat(result.get("tenant").asText()).isEqualTo(tenants.get(i));
      assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("curated");
      for (String step : List.of("identity", "profiles", "segments", "activation")) {
        assertThat(result.get(step).get("ok").asBoolean()).as(step).isTrue();
      }
    }
  }
}
