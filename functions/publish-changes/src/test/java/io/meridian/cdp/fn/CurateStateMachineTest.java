package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.TenantBusyException;
import io.meridian.cdp.identity.TenantLease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
 * iterations run resolve-identities, build-profiles, the segment steps (plan, a Map over the plan's
 * segments, changes) and publish-changes, each task on the Lambda function of its handler module,
 * retried on transient errors, a failure caught per tenant.
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

  /** The Map over the plan's segments, inside a tenant's iteration. */
  private static JsonNode segmentsMap() {
    return iteration().path("States").path("SegmentMembers");
  }

  @Test
  void everyStartAtAndNextNamesAStateOfItsScopeAndEveryStateIsReachedAndEnds() {
    assertThat(scopes()).hasSize(3);
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
  void eachTenantRunsTheCurateStepsThenTheSegmentsThenPublishChanges() {
    JsonNode states = iteration().path("States");
    List<String> steps = new ArrayList<>();
    String name = iteration().path("StartAt").asText();
    while (!name.isEmpty()) {
      steps.add(name + ":" + states.path(name).path("Type").asText());
      name = states.path(name).path("Next").asText();
    }
    assertThat(steps)
        .containsExactly(
            "ResolveIdentities:Task",
            "BuildProfiles:Task",
            "PlanSegments:Task",
            "SegmentMembers:Map",
            "SegmentChanges:Task",
            "PublishChanges:Task",
            "TenantCurated:Pass");
    // Each task gets exactly the handler's input, {"tenant": "..."}, and the execution id: it owns
    // the tenant's lease (ADR 0031) and is the correlation id of every task's log lines.
    for (String task : List.of("ResolveIdentities", "BuildProfiles")) {
      assertThat(Json.MAPPER.convertValue(states.path(task).path("Parameters"), Map.class))
          .isEqualTo(Map.of("tenant.$", "$.tenant", "execution.$", "$$.Execution.Id"));
    }
    assertThat(
            Json.MAPPER.convertValue(states.path("PublishChanges").path("Parameters"), Map.class))
        .isEqualTo(Map.of("tenant.$", "$.tenant", "execution.$", "$$.Execution.Id"));
    assertThat(Json.MAPPER.convertValue(states.path("PlanSegments").path("Parameters"), Map.class))
        .isEqualTo(
            Map.of("tenant.$", "$.tenant", "step", "plan", "execution.$", "$$.Execution.Id"));
    assertThat(states.path("PlanSegments").path("ResultPath").asText()).isEqualTo("$.plan");
    assertThat(
            Json.MAPPER.convertValue(states.path("SegmentChanges").path("Parameters"), Map.class))
        .isEqualTo(
            Map.of(
                "tenant.$",
                "$.tenant",
                "step",
                "changes",
                "plan.$",
                "$.plan",
                "execution.$",
                "$$.Execution.Id"));
    // The Map runs the plan's segments, one members step each, with the plan, and keeps no result.
    JsonNode map = segmentsMap();
    assertThat(map.path("ItemsPath").asText()).isEqualTo("$.plan.segments");
    assertThat(Json.MAPPER.convertValue(map.path("ItemSelector"), Map.class))
        .isEqualTo(
            Map.of(
                "tenant.$", "$.tenant",
                "step", "members",
                "segment.$", "$$.Map.Item.Value",
                "plan.$", "$.plan",
                "execution.$", "$$.Execution.Id"));
    assertThat(map.path("MaxConcurrency").asInt()).isBetween(1, 10);
    assertThat(map.has("ResultPath") && map.get("ResultPath").isNull()).isTrue();
    JsonNode inner = map.path("ItemProcessor");
    assertThat(inner.path("ProcessorConfig").path("Mode").asText()).isEqualTo("INLINE");
    JsonNode members = inner.path("States").path(inner.path("StartAt").asText());
    assertThat(members.path("Type").asText()).isEqualTo("Task");
    assertThat(members.path("End").asBoolean()).isTrue();
    assertThat(Json.MAPPER.convertValue(members.path("Parameters"), Map.class))
        .isEqualTo(
            Map.of(
                "tenant.$",
                "$.tenant",
                "step.$",
                "$.step",
                "segment.$",
                "$.segment",
                "plan.$",
                "$.plan",
                "execution.$",
                "$.execution"));
    // The plan task's output holds the list the Map iterates.
    assertThat(
            ComputeSegmentsHandler.planOutput(
                new io.meridian.cdp.segment.EngineSegmentRun.Plan(
                    "acme", 1, 0, 1, 1, java.time.Instant.EPOCH, "r", List.of("vip"))))
        .containsEntry("segments", List.of("vip"));
    Map<String, Object> tenantCurated =
        Json.MAPPER.convertValue(states.path("TenantCurated").path("Parameters"), Map.class);
    assertThat(tenantCurated)
        .containsEntry("segments.$", "$.segments")
        .containsEntry("activation.$", "$.activation");
  }

  /** Every Task state of every scope, by name. */
  private static Map<String, JsonNode> tasks() {
    Map<String, JsonNode> out = new java.util.TreeMap<>();
    for (JsonNode scope : scopes()) {
      scope
          .path("States")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().path("Type").asText().equals("Task")) {
                  out.put(e.getKey(), e.getValue());
                }
              });
    }
    return out;
  }

  @Test
  void eachTaskRunsTheFunctionOfItsHandlerModule() throws Exception {
    Map<String, JsonNode> tasks = tasks();
    assertThat(tasks.keySet())
        .containsExactlyInAnyOrder(
            "ResolveIdentities",
            "BuildProfiles",
            "PlanSegments",
            "SegmentMembersOf",
            "SegmentChanges",
            "PublishChanges",
            "ReleaseLease");
    for (Map.Entry<String, JsonNode> task : tasks.entrySet()) {
      Matcher m = FUNCTION_ARN.matcher(task.getValue().path("Resource").asText());
      assertThat(m.matches())
          .as("Resource of %s is a ${...FunctionArn} placeholder", task.getKey())
          .isTrue();
      String function = m.group(1);
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
        .containsExactly(
            "BuildProfilesFunctionArn",
            "ComputeSegmentsFunctionArn",
            "PublishChangesFunctionArn",
            "ResolveIdentitiesFunctionArn");
  }

  @Test
  void tasksRetryTransientErrorsWithBackoffAndAFailureIsRecordedForItsTenantOnly() {
    JsonNode states = iteration().path("States");
    for (Map.Entry<String, JsonNode> task : tasks().entrySet()) {
      JsonNode state = task.getValue();
      JsonNode retry = state.path("Retry").path(0);
      List<String> errors = new ArrayList<>();
      retry.path("ErrorEquals").forEach(e -> errors.add(e.asText()));
      assertThat(errors)
          .as(task.getKey())
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

      // A task of the tenant's iteration catches; the members task inside the segments Map does
      // not (a segment whose members were not written must fail the run, or they would exit): the
      // Map state catches for it.
      JsonNode catcher = states.has(task.getKey()) ? state : segmentsMap();
      if (!states.has(task.getKey())) {
        assertThat(state.has("Catch")).as(task.getKey()).isFalse();
      }
      JsonNode c = catcher.path("Catch").path(0);
      assertThat(c.path("ErrorEquals").get(0).asText()).isEqualTo("States.ALL");
      // Every failure first releases the tenant's lease if this execution holds it (ADR 0031),
      // keeping the error; whether or not that works, the tenant ends as failed.
      String next = c.path("Next").asText();
      if (!task.getKey().equals("ReleaseLease")) {
        assertThat(next).as(task.getKey()).isEqualTo("ReleaseLease");
        assertThat(c.path("ResultPath").asText()).isEqualTo("$.error");
        next = states.path(next).path("Next").asText();
      } else {
        assertThat(c.path("ResultPath").asText()).isNotEqualTo("$.error");
      }
      JsonNode failed = states.path(next);
      // The iteration ends normally, so the Map (and the other tenants) go on.
      assertThat(failed.path("Type").asText()).isEqualTo("Pass");
      assertThat(failed.path("End").asBoolean()).isTrue();
      assertThat(failed.path("Parameters").path("status").asText()).isEqualTo("failed");
      assertThat(failed.path("Parameters").path("tenant.$").asText()).isEqualTo("$.tenant");
    }
    assertThat(text).doesNotContain("\"Type\": \"Fail\"");
  }

  @Test
  void aFailedTenantReleasesItsLeaseKeepingTheError() {
    JsonNode release = iteration().path("States").path("ReleaseLease");

    assertThat(release.path("Resource").asText()).isEqualTo("${ComputeSegmentsFunctionArn}");
    assertThat(Json.MAPPER.convertValue(release.path("Parameters"), Map.class))
        .isEqualTo(
            Map.of("tenant.$", "$.tenant", "step", "release", "execution.$", "$$.Execution.Id"));
    assertThat(release.has("ResultPath") && release.get("ResultPath").isNull())
        .as("the release's answer is dropped, so $.error stays the failed step's")
        .isTrue();
    assertThat(release.path("Next").asText()).isEqualTo("TenantFailed");
    assertThat(release.path("Catch").path(0).path("Next").asText()).isEqualTo("TenantFailed");
  }

  @Test
  void theStepsThatTakeTheTenantLeaseOutwaitAHolder() {
    for (String task : List.of("ResolveIdentities", "BuildProfiles", "PlanSegments")) {
      JsonNode busy = null;
      for (JsonNode r : iteration().path("States").path(task).path("Retry")) {
        if (r.path("ErrorEquals").toString().contains(TenantBusyException.class.getName())) {
          busy = r;
        }
      }
      assertThat(busy).as(task).isNotNull();
      // the waits add up to well over the lease's time to live and the longest holder's run
      double total = 0;
      double interval = busy.path("IntervalSeconds").asDouble();
      for (int i = 0; i < busy.path("MaxAttempts").asInt(); i++) {
        total += Math.min(interval, busy.path("MaxDelaySeconds").asDouble());
        interval *= busy.path("BackoffRate").asDouble();
      }
      assertThat(total).as(task).isGreaterThan(4.0 * TenantLease.TTL.toSeconds());
    }
  }
}
