package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;

/** Every Task of every {@code statemachines/*.asl.json} invokes a function the app defines. */
class StateMachineFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyTaskStateOfEveryAslFileInvokesAFunctionTheAppDefines() throws Exception {
    List<StateMachineFiles.Definition> definitions =
        StateMachineFiles.in(SynthesizedApp.REPO_ROOT.resolve("statemachines"));
    assertThat(definitions).extracting(StateMachineFiles.Definition::name).contains("curate");
    Set<String> placeholders =
        Functions.ALL.stream().map(FunctionSpec::aslPlaceholder).collect(Collectors.toSet());
    for (StateMachineFiles.Definition d : definitions) {
      List<String> resources = new ArrayList<>();
      tasks(JSON.readTree(d.file().toFile()), resources);
      assertThat(resources).as(d.file() + " has Task states").isNotEmpty();
      for (String resource : resources) {
        assertThat(resource).as(d.file() + " Task Resource").matches("\\$\\{[A-Za-z0-9]+}");
        String placeholder = resource.substring(2, resource.length() - 1);
        assertThat(placeholders).as(d.file() + " " + resource).contains(placeholder);
      }
      // ...and the synthesized state machine substitutes each with that function's alias.
      Map<String, Object> substitutions =
          resources.stream()
              .map(r -> r.substring(2, r.length() - 1))
              .distinct()
              .collect(
                  Collectors.toMap(
                      p -> p,
                      p ->
                          Match.objectLike(
                              Map.of(
                                  "Ref",
                                  Match.stringLikeRegexp(
                                      p.replace("FunctionArn", "") + "Live.*")))));
      SynthesizedApp.pipeline()
          .hasResourceProperties(
              "AWS::StepFunctions::StateMachine",
              Map.of(
                  "StateMachineName",
                  "cdp-test-" + d.name(),
                  "DefinitionSubstitutions",
                  substitutions));
    }
  }

  @Test
  void theCurateTasksAreResolveIdentitiesBuildProfilesTheSegmentsThenPublishChanges() {
    StateMachineFiles.Definition curate =
        StateMachineFiles.read(SynthesizedApp.REPO_ROOT.resolve("statemachines/curate.asl.json"));
    assertThat(curate.placeholders())
        .containsExactly(
            "ResolveIdentitiesFunctionArn",
            "BuildProfilesFunctionArn",
            "ComputeSegmentsFunctionArn",
            "PublishChangesFunctionArn");
    assertThat(curate.function("ResolveIdentitiesFunctionArn"))
        .contains(Functions.RESOLVE_IDENTITIES);
    assertThat(curate.function("ComputeSegmentsFunctionArn")).contains(Functions.COMPUTE_SEGMENTS);
    assertThat(curate.function("PublishChangesFunctionArn")).contains(Functions.PUBLISH_CHANGES);
  }

  @Test
  void theEraseTaskIsTheEraseFunctionWithRetryAndCatchAndAnInProgressLoop() throws Exception {
    StateMachineFiles.Definition erase =
        StateMachineFiles.read(SynthesizedApp.REPO_ROOT.resolve("statemachines/erase.asl.json"));
    assertThat(erase.placeholders()).containsExactly("EraseFunctionArn");
    assertThat(erase.function("EraseFunctionArn")).contains(Functions.ERASE);
    JsonNode states = JSON.readTree(erase.file().toFile()).get("States");
    JsonNode task = states.get("Erase");
    assertThat(task.get("Retry")).isNotEmpty();
    assertThat(task.get("Catch").get(0).get("ErrorEquals").toString()).contains("States.ALL");
    assertThat(states.get(task.get("Catch").get(0).get("Next").asText()).get("Type").asText())
        .isEqualTo("Fail");
    JsonNode loop = states.get(task.get("Next").asText()).get("Choices").get(0);
    assertThat(loop.get("StringEquals").asText()).isEqualTo("in_progress");
    assertThat(loop.get("Next").asText()).isEqualTo("Erase");
    // archived raw objects: wait for their restored copies, then call the task again
    JsonNode restore = states.get(task.get("Next").asText()).get("Choices").get(1);
    assertThat(restore.get("StringEquals").asText()).isEqualTo("waiting_for_restore");
    JsonNode wait = states.get(restore.get("Next").asText());
    assertThat(wait.get("Type").asText()).isEqualTo("Wait");
    assertThat(wait.get("Seconds").asInt()).isBetween(600, 4 * 3600);
    assertThat(wait.get("Next").asText()).isEqualTo("Erase");
    // calls accepted before the suppression still on their way: wait as long as the task says
    JsonNode pipeline = states.get(task.get("Next").asText()).get("Choices").get(2);
    assertThat(pipeline.get("StringEquals").asText()).isEqualTo("waiting_for_pipeline");
    JsonNode settle = states.get(pipeline.get("Next").asText());
    assertThat(settle.get("Type").asText()).isEqualTo("Wait");
    assertThat(settle.get("SecondsPath").asText()).isEqualTo("$.erasure.waitSeconds");
    assertThat(settle.get("Next").asText()).isEqualTo("Erase");
  }

  @Test
  void everyTaskOfEveryFileRetriesAndIsCaught() throws Exception {
    for (StateMachineFiles.Definition d :
        StateMachineFiles.in(SynthesizedApp.REPO_ROOT.resolve("statemachines"))) {
      List<JsonNode> tasks = new ArrayList<>();
      taskStates(JSON.readTree(d.file().toFile()), false, tasks);
      assertThat(tasks).as(d.file().toString()).isNotEmpty();
      for (JsonNode t : tasks) {
        assertThat(t.path("Retry")).as(d.file() + " " + t.path("Resource")).isNotEmpty();
      }
    }
  }

  /**
   * Collects the Task states of {@code node}; fails on a Task that no Catch handles, its own or
   * that of a Map or Parallel state around it (the segments Map catches for its members tasks: a
   * segment whose members were not written fails the tenant's run, ADR 0017).
   */
  private static void taskStates(JsonNode node, boolean caughtAround, List<JsonNode> into) {
    if (node.isObject()) {
      boolean caught = caughtAround || !node.path("Catch").isEmpty();
      if ("Task".equals(node.path("Type").asText())) {
        assertThat(caught).as("a Catch for " + node.path("Resource")).isTrue();
        into.add(node);
      }
      boolean container =
          "Map".equals(node.path("Type").asText()) || "Parallel".equals(node.path("Type").asText());
      boolean inner = container ? caught : caughtAround;
      node.fields().forEachRemaining(e -> taskStates(e.getValue(), inner, into));
    } else if (node.isArray()) {
      node.forEach(n -> taskStates(n, caughtAround, into));
    }
  }

  @Test
  void aPlaceholderNamingNoFunctionFindsNone(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("other.asl.json");
    Files.writeString(
        file,
        "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"${NoSuchFunctionArn}\",\"End\":true}}}");
    StateMachineFiles.Definition d = StateMachineFiles.in(dir).get(0);
    assertThat(d.name()).isEqualTo("other");
    assertThat(d.placeholders()).containsExactly("NoSuchFunctionArn");
    assertThat(d.function("NoSuchFunctionArn")).isEmpty();
  }

  private static void tasks(JsonNode node, List<String> resources) {
    if (node.isObject()) {
      if ("Task".equals(node.path("Type").asText()) && node.has("Resource")) {
        resources.add(node.get("Resource").asText());
      }
      node.fields().forEachRemaining(e -> tasks(e.getValue(), resources));
    } else if (node.isArray()) {
      node.forEach(n -> tasks(n, resources));
    }
  }
}
