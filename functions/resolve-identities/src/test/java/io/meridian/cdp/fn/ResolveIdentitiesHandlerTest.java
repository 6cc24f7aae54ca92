package io.meridian.cdp.fn;

import static io.meridian.cdp.identity.CleanFixtures.randomDays;
import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedTables;
import io.meridian.cdp.identity.TenantLease;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.parquet.ParquetFiles;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolve-identities task handler over an in-memory lake holding clean-zone Parquet. */
class ResolveIdentitiesHandlerTest {
  private static final String POINTER = "_state/curated/tenant=acme/identity.json";

  @TempDir Path temp;

  private final InMemoryObjectStore lake = new InMemoryObjectStore();
  private final List<List<Call>> days = randomDays(5, 3, 12);
  private ResolveIdentitiesHandler handler;

  @BeforeEach
  void setUp() {
    handler = new ResolveIdentitiesHandler(lake, Fixtures::config, temp.resolve("work"));
  }

  private Map<String, Object> curateAcme() {
    return handler.handleRequest(Fixtures.json("stepfunctions/curate-tenant.json"), null);
  }

  private void twoDaysOfAcme() throws Exception {
    writeClean(lake, temp, "acme", "2026-11-01", "web-a", days.get(0));
    writeClean(lake, temp, "acme", "2026-11-02", "web-b", days.get(1));
  }

  private List<Object[]> identityGraph() throws Exception {
    CuratedStore.Pointer p =
        Json.MAPPER.readValue(lake.get(POINTER).orElseThrow(), CuratedStore.Pointer.class);
    Path file = Files.createTempFile(temp, "graph-", ".parquet");
    Files.write(file, lake.get(p.tables().get("identity_graph")).orElseThrow());
    return ParquetFiles.readAll(CuratedTables.IDENTITY_GRAPH, file);
  }

  /**
   * Every object of the lake but the tenant's lease (which each run takes and frees), as key →
   * Base64 of its bytes.
   */
  private Map<String, String> contents() {
    Map<String, String> out = new TreeMap<>();
    for (String key : lake.list("")) {
      if (!key.equals(TenantLease.key("acme"))) {
        out.put(key, Base64.getEncoder().encodeToString(lake.get(key).orElseThrow()));
      }
    }
    return out;
  }

  @Test
  void logsJsonWithTheExecutionAndTenantAndPublishesItsCountsAsMetrics() throws Exception {
    twoDaysOfAcme();
    Map<String, Object> input = new HashMap<>(Fixtures.json("stepfunctions/curate-tenant.json"));
    String execution = "arn:aws:states:eu-west-1:111122223333:execution:cdp-dev-curate:run-1";
    input.put("execution", execution);

    Map<String, Object> out;
    List<JsonNode> logs;
    JsonNode metrics;
    try (LogCapture log = new LogCapture()) {
      out = handler.handleRequest(input, LogCapture.context("req-1"));
      logs = log.logs();
      metrics = log.metricsOf("identity").orElseThrow();
    }

    assertThat(logs).isNotEmpty();
    for (JsonNode line : logs) {
      assertThat(line.path("level").asText()).isNotEmpty();
      assertThat(line.path("timestamp").asText()).isNotEmpty();
      assertThat(line.path("tenant").asText()).as(line.toString()).isEqualTo("acme");
      assertThat(line.path("correlation_id").asText()).isEqualTo(execution);
      assertThat(line.path("function_request_id").asText()).isEqualTo("req-1");
    }
    assertThat(metrics.path("Tenant").asText()).isEqualTo("acme");
    assertThat(metrics.path("correlation_id").asText()).isEqualTo(execution);
    assertThat(LogCapture.metricNames(metrics))
        .containsExactly("IdentityEvents", "Identifiers", "Profiles", "Merges", "MergesBlocked");
    assertThat(metrics.path("IdentityEvents").asLong()).isEqualTo(120L);
    assertThat(metrics.path("Profiles").asLong()).isEqualTo((Long) out.get("profiles"));
    assertThat(metrics.path("Merges").asLong()).isEqualTo((Long) out.get("merges"));
  }

  @Test
  void linksTheTenantsCleanFilesIntoANewIdentitySnapshot() throws Exception {
    twoDaysOfAcme();

    Map<String, Object> out = curateAcme();

    assertThat(out)
        .containsEntry("tenant", "acme")
        .containsEntry("snapshot", 1)
        .containsEntry("noop", false)
        .containsEntry("rebuilt", false)
        .containsEntry("filesRead", 2)
        .containsEntry("events", 120L);
    assertThat((Long) out.get("profiles")).isPositive();
    assertThat(lake.list("curated/identity_graph/tenant=acme/"))
        .containsExactly("curated/identity_graph/tenant=acme/snapshot=000001/part-0.parquet");
    assertThat(lake.list("curated/event_identifiers/tenant=acme/")).hasSize(2);
    assertThat(identityGraph()).hasSize(((Long) out.get("identifiers")).intValue());
  }

  @Test
  void theOutputIsTheWholeResultAsJson() throws Exception {
    twoDaysOfAcme();

    Map<String, Object> out = curateAcme();

    assertThat(out.keySet())
        .containsExactly(
            "tenant",
            "snapshot",
            "noop",
            "rebuilt",
            "filesRead",
            "events",
            "eventsWithoutIdentifier",
            "eventsOnSharedIdentifier",
            "refused",
            "identifiers",
            "profiles",
            "merges",
            "blockedMerges");
    // Step Functions receives what the Lambda runtime serializes: it must round-trip as JSON.
    Map<?, ?> json = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(out), Map.class);
    assertThat(json.keySet()).isEqualTo(out.keySet());
  }

  @Test
  void aSecondInvocationWithNothingNewIsANoop() throws Exception {
    twoDaysOfAcme();
    curateAcme();
    Map<String, String> before = contents();

    Map<String, Object> again = curateAcme();

    assertThat(again)
        .containsEntry("snapshot", 1)
        .containsEntry("noop", true)
        .containsEntry("filesRead", 0);
    assertThat(contents()).isEqualTo(before);
  }

  @Test
  void aNewCleanFileMakesTheNextSnapshot() throws Exception {
    twoDaysOfAcme();
    curateAcme();
    writeClean(lake, temp, "acme", "2026-11-03", "web-c", days.get(2));

    Map<String, Object> out = curateAcme();

    assertThat(out)
        .containsEntry("snapshot", 2)
        .containsEntry("rebuilt", false)
        .containsEntry("filesRead", 1);
    assertThat(lake.list("curated/identity_graph/tenant=acme/"))
        .containsExactly(
            "curated/identity_graph/tenant=acme/snapshot=000001/part-0.parquet",
            "curated/identity_graph/tenant=acme/snapshot=000002/part-0.parquet");
  }

  @Test
  void appliesTheTenantsOwnIdentityRulesFromCdpYaml() throws Exception {
    // test-events/cdp.yaml blocks guest@acme.example for acme, on top of the defaults.
    writeClean(
        lake,
        temp,
        "acme",
        "2026-11-01",
        "web-a",
        List.of(
            new Call(
                "m1",
                "identify",
                null,
                "u-1",
                "a-1",
                "{\"email\":\"Guest@Acme.example\"}",
                null,
                1_790_000_000L),
            new Call(
                "m2",
                "identify",
                null,
                "u-2",
                "a-2",
                "{\"email\":\"ann@acme.example\"}",
                null,
                1_790_000_010L)));

    Map<String, Object> out = curateAcme();

    assertThat(out).containsEntry("refused", Map.of("email/blocked", 1L));
    assertThat(identityGraph())
        .extracting(r -> r[0] + "=" + r[1])
        .contains("email=ann@acme.example")
        .doesNotContain("email=guest@acme.example");
  }

  @Test
  void aTenantWithoutCleanFilesIsANoopThatWritesNothing() {
    Map<String, Object> out = curateAcme();

    assertThat(out).containsEntry("snapshot", 0).containsEntry("noop", true);
    // nothing but the tenant's lease, taken and freed
    assertThat(lake.list("")).containsExactly(TenantLease.key("acme"));
    assertThat(new String(lake.get(TenantLease.key("acme")).orElseThrow(), UTF_8))
        .contains("\"owner\":\"\"");
  }

  @Test
  void aTenantMissingFromCdpYamlFailsTheTaskWithoutTouchingTheLake() throws Exception {
    twoDaysOfAcme();
    List<String> keys = lake.list("");

    assertThatThrownBy(
            () ->
                handler.handleRequest(
                    Fixtures.json("stepfunctions/curate-unknown-tenant.json"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenant 'globex' is not declared in cdp.yaml");
    assertThat(lake.list("")).isEqualTo(keys);
  }

  @Test
  void anInputWithoutAValidTenantIdFailsTheTask() {
    assertThatThrownBy(() -> handler.handleRequest(Map.of("tenant", "../acme"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant id '../acme' is invalid");
    assertThatThrownBy(() -> handler.handleRequest(Map.of("tenants", List.of("acme")), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the task input must be {\"tenant\": \"<tenant id>\"}");
    assertThatThrownBy(() -> handler.handleRequest(Map.of("tenant", 7), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> handler.handleRequest(null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLakeFailureFailsTheTaskNamingTheTenant() throws Exception {
    twoDaysOfAcme();
    lake.put("clean/events/tenant=acme/dt=2026-11-03/broken.parquet", new byte[] {1, 2, 3});

    assertThatThrownBy(this::curateAcme)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("resolve-identities for tenant acme failed");
    assertThat(lake.exists(POINTER)).isFalse();
  }
}
