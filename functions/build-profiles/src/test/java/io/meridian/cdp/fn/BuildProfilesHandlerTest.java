package io.meridian.cdp.fn;

import static io.meridian.cdp.identity.CleanFixtures.randomDays;
import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedTables;
import io.meridian.cdp.identity.TenantBusyException;
import io.meridian.cdp.identity.TenantLease;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.parquet.ParquetFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build-profiles task handler over an in-memory lake, after the resolve-identities handler, in
 * the order of {@code statemachines/curate.asl.json}.
 */
class BuildProfilesHandlerTest {
  private static final String POINTER = "_state/curated/tenant=acme/profiles.json";

  @TempDir Path temp;

  private final InMemoryObjectStore lake = new InMemoryObjectStore();
  private final List<List<Call>> days = randomDays(9, 3, 15);
  private ResolveIdentitiesHandler resolve;
  private BuildProfilesHandler build;

  @BeforeEach
  void setUp() {
    resolve = new ResolveIdentitiesHandler(lake, Fixtures::config, temp.resolve("work"));
    build = new BuildProfilesHandler(lake, Fixtures::config, temp.resolve("work"));
  }

  /** One iteration of the curate state machine's Map state, for the fixture's tenant. */
  private Map<String, Object> curateAcme() {
    Map<String, Object> input = Fixtures.json("stepfunctions/curate-tenant.json");
    resolve.handleRequest(input, null);
    return build.handleRequest(input, null);
  }

  private void twoDaysOfAcme() throws Exception {
    writeClean(lake, temp, "acme", "2026-11-01", "web-a", days.get(0));
    writeClean(lake, temp, "acme", "2026-11-02", "web-b", days.get(1));
  }

  /** The rows of curated.profiles in force for acme. */
  private List<Object[]> profiles() throws Exception {
    CuratedStore.Pointer p =
        Json.MAPPER.readValue(lake.get(POINTER).orElseThrow(), CuratedStore.Pointer.class);
    Path file = Files.createTempFile(temp, "profiles-", ".parquet");
    Files.write(file, lake.get(p.tables().get("profiles")).orElseThrow());
    return ParquetFiles.readAll(CuratedTables.PROFILES, file);
  }

  private static int column(String name) {
    return CuratedTables.PROFILES.columns().stream().map(c -> c.name()).toList().indexOf(name);
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
  void writesTheProfilesOfTheIdentityGraphToTheCuratedSnapshot() throws Exception {
    twoDaysOfAcme();

    Map<String, Object> out = curateAcme();

    assertThat(out)
        .containsEntry("tenant", "acme")
        .containsEntry("snapshot", 1)
        .containsEntry("noop", false)
        .containsEntry("rebuilt", false)
        .containsEntry("filesRead", 2);
    assertThat(lake.list("curated/profiles/tenant=acme/"))
        .containsExactly("curated/profiles/tenant=acme/snapshot=000001/part-0.parquet");
    List<Object[]> rows = profiles();
    assertThat(rows).hasSize(((Long) out.get("profiles")).intValue()).isNotEmpty();
    assertThat(rows.stream().map(r -> r[column("profile_id")]).distinct()).hasSize(rows.size());
    assertThat(rows.stream().mapToLong(r -> (Long) r[column("event_count")]).sum())
        .isEqualTo(out.get("events"))
        .isPositive();
    assertThat(out.keySet())
        .containsExactly(
            "tenant", "snapshot", "noop", "rebuilt", "filesRead", "events", "profiles");
    Map<?, ?> json = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(out), Map.class);
    assertThat(json.keySet()).isEqualTo(out.keySet());
  }

  @Test
  void aSecondRunWithNothingNewIsANoop() throws Exception {
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
  void aNewCleanFileAddsItsEventsInTheNextSnapshot() throws Exception {
    twoDaysOfAcme();
    Map<String, Object> first = curateAcme();
    writeClean(lake, temp, "acme", "2026-11-03", "web-c", days.get(2));

    Map<String, Object> out = curateAcme();

    assertThat(out)
        .containsEntry("snapshot", 2)
        .containsEntry("rebuilt", false)
        .containsEntry("filesRead", 1);
    assertThat(profiles().stream().mapToLong(r -> (Long) r[column("event_count")]).sum())
        .isEqualTo((Long) first.get("events") + (Long) out.get("events"));
  }

  @Test
  void beforeResolveIdentitiesHasRunThereIsNothingToBuild() throws Exception {
    twoDaysOfAcme();
    Map<String, String> before = contents();

    Map<String, Object> out =
        build.handleRequest(Fixtures.json("stepfunctions/curate-tenant.json"), null);

    assertThat(out).containsEntry("snapshot", 0).containsEntry("noop", true);
    assertThat(contents()).isEqualTo(before);
  }

  @Test
  void aTenantMissingFromCdpYamlFailsTheTask() {
    assertThatThrownBy(
            () ->
                build.handleRequest(
                    Fixtures.json("stepfunctions/curate-unknown-tenant.json"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenant 'globex' is not declared in cdp.yaml");
    assertThatThrownBy(() -> build.handleRequest(Map.of("tenant", "Acme"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant id 'Acme' is invalid");
    assertThatThrownBy(() -> build.handleRequest(Map.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the task input must be");
  }

  @Test
  void whileAnErasureHoldsTheTenantTheTaskIsBusyAndChangesNothing() throws Exception {
    twoDaysOfAcme();
    curateAcme();
    writeClean(lake, temp, "acme", "2026-11-03", "web-c", days.get(2));
    Map<String, Object> input =
        new java.util.HashMap<>(Fixtures.json("stepfunctions/curate-tenant.json"));
    input.put("execution", "arn:aws:states:eu-west-1:1:execution:cdp-dev-curate:run-2");
    resolve.handleRequest(input, null);
    Map<String, String> before = contents();
    TenantLease lease = TenantLease.over(lake, java.time.Clock.systemUTC()).orElseThrow();
    lease.acquire("acme", "erasure:er-0123");

    assertThatThrownBy(() -> build.handleRequest(input, null))
        .isInstanceOf(TenantBusyException.class)
        .hasMessageContaining("being written by erasure:er-0123");
    assertThat(contents()).isEqualTo(before);

    lease.release("acme", "erasure:er-0123");
    assertThat(build.handleRequest(input, null)).containsEntry("snapshot", 2);
    assertThat(lease.current("acme").orElseThrow().owner()).isEmpty();
  }

  @Test
  void aRetryOfTheSameExecutionTakesOverItsOwnLease() throws Exception {
    twoDaysOfAcme();
    Map<String, Object> input =
        new java.util.HashMap<>(Fixtures.json("stepfunctions/curate-tenant.json"));
    input.put("execution", "arn:aws:states:eu-west-1:1:execution:cdp-dev-curate:run-1");
    TenantLease lease = TenantLease.over(lake, java.time.Clock.systemUTC()).orElseThrow();
    // an attempt of this execution that timed out without freeing the lease
    lease.acquire("acme", "curate:arn:aws:states:eu-west-1:1:execution:cdp-dev-curate:run-1");

    resolve.handleRequest(input, null);

    assertThat(build.handleRequest(input, null)).containsEntry("snapshot", 1);
  }
}
