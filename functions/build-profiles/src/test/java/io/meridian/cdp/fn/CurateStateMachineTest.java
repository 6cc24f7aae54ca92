package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The structure of {@code statemachines/curate.asl.json}: a Map over the input's tenants whose
 * iterations run the resolve-identities then the build-profiles task, each on the Lambda function
 * of its handler module, retried on transient errors and caught per tenant.
 */
class CurateStateMachineTest {
  private static final Path ROOT = Path.of("../..");
  private static final Path ASL = ROOT.resolve("statemachines/curate.asl.json");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
  private static final Pattern FUNCTION_ARN = Pattern.compile("\\$\\{([A-Za-z]+)FunctionArn}");

  private static String text;
  private static JsonNode asl;

  @BeforeAll
  static void load() throws Exception {
    text = Files.readString(ASL);
    asl = Json.MAPPER.readTree(text);
  }

  private static JsonNode iteration() {
    return asl.path("States").path(asl.path("StartAt").asText()).path("ItemProcessor");
  }

  /** Every {@code States} object of the definition, the top level and the Map's iteration. */
  private static List<JsonNode> scopes() {
    List<JsonNode> out = new ArrayList<>();
    collect(asl, out);
    return out;
  }

  private static void collect(JsonNode machine, List<JsonNode> out) {
    out.add(machine);
    for (JsonNode state : machine.path("States")) {
      if (state.has("ItemProcessor")) {
        collect(state.get("ItemProcessor"), out);
      }
    }
  }

  private static List<String> transitions(JsonNode state) {
    List<String> out = new ArrayList<>();
    if (state.has("Next")) {
      out.add(state.get("Next").asText());
    }
    for (JsonNode c : state.path("Catch")) {
      out.add(c.path("Next").asText());
    }
    return out;
  }

  @Test
  void everyStartAtAndNextNamesAStateOfItsScopeAndEveryStateIsReachedAndEnds() {
    assertThat(scopes()).hasSize(2);
    for (JsonNode scope : scopes()) {
      JsonNode states = scope.path("States");
      Set<String> names = new TreeSet<>();
      states.fieldNames().forEachRemaining(names::add);
      assertThat(names).contains(scope.path("StartAt").asText());
      Set<String> reached = new HashSet<>();
      List<String> todo = new ArrayList<>(List.of(scope.path("StartAt").asText()));
      while (!todo.isEmpty()) {
        String name = todo.remove(todo.size() - 1);
        if (reached.add(name)) {
          JsonNode state = states.path(name);
          List<String> next = transitions(state);
          assertThat(names).as("transitions of %s", name).containsAll(next);
          assertThat(state.has("Next") || state.path("End").asBoolean())
              .as("%s has Next or End", name)
              .isTrue();
          todo.addAll(next);
        }
      }
      assertThat(reached).as("states reached from StartAt").isEqualTo(names);
    }
  }

  @Test
  void aMapOverTheInputsTenantsWithBoundedConcurrency() {
    JsonNode map = asl.path("States").path(asl.path("StartAt").asText());
    assertThat(map.path("Type").asText()).isEqualTo("Map");
    assertThat(map.path("ItemsPath").asText()).isEqualTo("$.tenants");
    assertThat(map.path("ItemSelector").path("tenant.$").asText()).isEqualTo("$$.Map.Item.Value");
    assertThat(map.path("MaxConcurrency").asInt()).isBetween(1, 40);
    assertThat(iteration().path("ProcessorConfig").path("Mode").asText()).isEqualTo("INLINE");
    // The execution input the fixtures use has the shape the Map reads.
    assertThat(Fixtures.json("stepfunctions/curate-execution.json").get("tenants"))
        .isEqualTo(List.of("acme"));
  }

  @Test
  void eachTenantRunsResolveIdentitiesThenBuildProfiles() {
    JsonNode states = iteration().path("States");
    List<String> tasks = new ArrayList<>();
    String name = iteration().path("StartAt").asText();
    while (!name.isEmpty()) {
      JsonNode state = states.path(name);
      if (state.path("Type").asText().equals("Task")) {
        tasks.add(name);
      }
      name = state.path("Next").asText();
    }
    assertThat(tasks).containsExactly("ResolveIdentities", "BuildProfiles");
    for (String task : tasks) {
      // Each task gets exactly the handler's input, {"tenant": "..."}.
      assertThat(Json.MAPPER.convertValue(states.path(task).path("Parameters"), Map.class))
          .isEqualTo(Map.of("tenant.$", "$.tenant"));
    }
  }

  @Test
  void eachTaskRunsTheFunctionOfItsHandlerModule() throws Exception {
    JsonNode states = iteration().path("States");
    for (Iterator<String> it = states.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!states.path(name).path("Type").asText().equals("Task")) {
        continue;
      }
      Matcher m = FUNCTION_ARN.matcher(states.path(name).path("Resource").asText());
      assertThat(m.matches())
          .as("Resource of %s is a ${...FunctionArn} placeholder", name)
          .isTrue();
      String function = m.group(1);
      assertThat(function).isEqualTo(name);
      String module = function.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
      String pom = Files.readString(ROOT.resolve("functions/" + module + "/pom.xml"));
      assertThat(pom).contains("<artifactId>fn-" + module + "</artifactId>");
      assertThat(pom).contains("io.meridian.cdp.fn." + function + "Handler");
      assertThat(Class.forName("io.meridian.cdp.fn." + function + "Handler").getInterfaces())
          .extracting(Class::getName)
          .contains("com.amazonaws.services.lambda.runtime.RequestHandler");
    }
    Set<String> placeholders = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      placeholders.add(m.group(1));
    }
    // The substitutions the CDK app must provide (statemachines/README.md).
    assertThat(placeholders)
        .containsExactly("BuildProfilesFunctionArn", "ResolveIdentitiesFunctionArn");
  }

  @Test
  void tasksRetryTransientErrorsWithBackoffAndAFailureIsRecordedForItsTenantOnly() {
    JsonNode states = iteration().path("States");
    for (String task : List.of("ResolveIdentities", "BuildProfiles")) {
      JsonNode state = states.path(task);
      JsonNode retry = state.path("Retry").path(0);
      List<String> errors = new ArrayList<>();
      retry.path("ErrorEquals").forEach(e -> errors.add(e.asText()));
      assertThat(errors)
          .contains("Lambda.ServiceException", "Lambda.TooManyRequestsException", "States.Timeout");
      assertThat(retry.path("MaxAttempts").asInt()).isGreaterThan(1);
      assertThat(retry.path("BackoffRate").asDouble()).isGreaterThan(1.0);
      assertThat(state.path("TimeoutSeconds").asInt()).isBetween(1, 900);
      // Bad input (unknown tenant) is not retried: only named errors are.
      state
          .path("Retry")
          .forEach(
              r ->
                  r.path("ErrorEquals")
                      .forEach(e -> assertThat(e.asText()).isNotEqualTo("States.ALL")));

      JsonNode c = state.path("Catch").path(0);
      assertThat(c.path("ErrorEquals").get(0).asText()).isEqualTo("States.ALL");
      JsonNode failed = states.path(c.path("Next").asText());
      // The iteration ends normally, so the Map (and the other tenants) go on.
      assertThat(failed.path("Type").asText()).isEqualTo("Pass");
      assertThat(failed.path("End").asBoolean()).isTrue();
      assertThat(failed.path("Parameters").path("status").asText()).isEqualTo("failed");
      assertThat(failed.path("Parameters").path("tenant.$").asText()).isEqualTo("$.tenant");
    }
    assertThat(text).doesNotContain("\"Type\": \"Fail\"");
  }
}
