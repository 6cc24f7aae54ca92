package io.meridian.cdp.fn;

import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.meridian.cdp.aws.AthenaSqlEngine;
import io.meridian.cdp.aws.CurateTask;
import io.meridian.cdp.aws.MotoServer;
import io.meridian.cdp.aws.S3ObjectStore;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.identity.TenantBusyException;
import io.meridian.cdp.identity.TenantLease;
import io.meridian.cdp.segment.SegmentStatements;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ConfigFile;
import io.trino.sql.parser.SqlParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;

/**
 * compute-segments against moto server: the lake on S3, the queries on moto's Athena. moto runs no
 * Athena SQL — it records each statement and answers a SELECT with results the test queues — so
 * this proves the handler's steps, the statements and parameters sent (the inner queries parsed by
 * Trino's parser, the same text as {@code SegmentStatements}' golden files), where the UNLOADs
 * write, and the pointer switch. The same algorithm is executed for real on DuckDB by {@code
 * EngineSegmentRunTest} (cdp-local).
 */
class ComputeSegmentsHandlerIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static final Instant NOW = Instant.parse("2026-11-24T06:00:00Z");
  private static final String SEGMENTS =
      """
        segments:
        - id: pro
          where: {trait: plan, eq: pro}
        - id: buyers
          where: {performed: Order Completed}
      """;

  @TempDir Path temp;

  private String bucket;
  private S3ObjectStore lake;
  private CuratedStore store;
  private CdpConfig config;
  private AthenaClient athena;
  private String workGroup;

  @BeforeEach
  void lakeWithProfiles() throws Exception {
    bucket = "lake-" + BUCKETS.incrementAndGet();
    MOTO.s3().createBucket(b -> b.bucket(bucket));
    lake = new S3ObjectStore(MOTO.s3(), bucket);
    store = new CuratedStore(lake, temp.resolve("seed"));
    writeClean(
        lake,
        temp,
        "acme",
        "2026-11-01",
        "a",
        List.of(
            new Call("m1", "identify", null, "u-1", null, "{\"plan\":\"pro\"}", null, 100),
            new Call("m2", "track", "Order Completed", "u-2", null, null, "{}", 200)));
    config = Fixtures.config();
    new ResolveIdentities(store)
        .run("acme", config.tenant("acme").orElseThrow().identityRules(), "US");
    new BuildProfiles(store).run("acme", config.tenant("acme").orElseThrow().identityRules());
    Path yaml = temp.resolve("cdp.yaml");
    Files.writeString(
        yaml, Fixtures.text("cdp.yaml").replace("  sources:\n", SEGMENTS + "  sources:\n"));
    config = ConfigFile.load(yaml);
    athena = MOTO.athena();
    workGroup = "segments-" + bucket;
    athena.createWorkGroup(w -> w.name(workGroup));
  }

  private ComputeSegmentsHandler handler(Instant now) {
    return new ComputeSegmentsHandler(
        new CurateTask(lake, () -> config, temp.resolve("work")),
        new AthenaSqlEngine(athena, workGroup, Duration.ofSeconds(30), bucket),
        new SegmentStatements(SegmentStatements.athena()),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  /** What Step Functions hands the next task: the output as JSON, read back. */
  private static Map<String, Object> roundTrip(Map<String, Object> output) throws Exception {
    return Json.MAPPER.readValue(
        Json.MAPPER.writeValueAsString(output), new TypeReference<Map<String, Object>>() {});
  }

  private static Map<String, Object> input(String step, Object... more) {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("tenant", "acme");
    in.put("step", step);
    for (int i = 0; i < more.length; i += 2) {
      in.put((String) more[i], more[i + 1]);
    }
    return in;
  }

  private void queueCount(long entered, long exited) throws Exception {
    String json =
        """
        {"results": [{
          "rows": [
            {"Data": [{"VarCharValue": "entered"}, {"VarCharValue": "exited"}]},
            {"Data": [{"VarCharValue": "%d"}, {"VarCharValue": "%d"}]}
          ],
          "column_info": [
            {"Name": "entered", "Label": "entered", "Type": "bigint", "Nullable": "UNKNOWN"},
            {"Name": "exited", "Label": "exited", "Type": "bigint", "Nullable": "UNKNOWN"}
          ]
        }]}
        """
            .formatted(entered, exited);
    MOTO.queueAthenaResults(json);
  }

  private List<QueryExecution> sent() {
    List<QueryExecution> out = new ArrayList<>();
    for (String id : athena.listQueryExecutions(l -> l.workGroup(workGroup)).queryExecutionIds()) {
      out.add(athena.getQueryExecution(q -> q.queryExecutionId(id)).queryExecution());
    }
    return out;
  }

  /** The SELECT inside an UNLOAD statement, and where it writes. */
  private static String[] unload(String statement) {
    assertThat(statement).startsWith("UNLOAD (\n");
    int to = statement.lastIndexOf("\n) TO 's3://");
    String select = statement.substring("UNLOAD (\n".length(), to);
    String tail = statement.substring(to + "\n) TO '".length());
    assertThat(tail).endsWith("' WITH (format = 'PARQUET', compression = 'ZSTD')");
    return new String[] {select, tail.substring(0, tail.indexOf('\''))};
  }

  @Test
  void planMembersPerSegmentThenChangesAndThePointerSwitch() throws Exception {
    // a failed earlier attempt left files in the snapshot this run writes
    lake.put(
        "curated/segment_membership/tenant=acme/snapshot=000001/segment-pro/stale", new byte[] {1});

    Map<String, Object> plan = roundTrip(handler(NOW).handleRequest(input("plan"), null));

    assertThat(plan)
        .containsEntry("tenant", "acme")
        .containsEntry("snapshot", 1)
        .containsEntry("previous", 0)
        .containsEntry("profiles", 1)
        .containsEntry("identity", 1)
        .containsEntry("at", "2026-11-24T06:00:00Z")
        .containsEntry("runId", "000001-20261124T060000Z")
        .containsEntry("segments", List.of("pro", "buyers"));
    assertThat(lake.list("curated/segment_membership/")).isEmpty();

    for (Object segment : (List<?>) plan.get("segments")) {
      Map<String, Object> out =
          handler(NOW).handleRequest(input("members", "segment", segment, "plan", plan), null);
      assertThat(out).containsEntry("segment", segment);
    }
    queueCount(2, 0);
    Map<String, Object> changes = handler(NOW).handleRequest(input("changes", "plan", plan), null);

    assertThat(changes)
        .containsEntry("snapshot", 1)
        .containsEntry("runId", "000001-20261124T060000Z")
        .containsEntry("entered", 2L)
        .containsEntry("exited", 0L)
        .containsEntry("noop", false);
    CuratedStore.Pointer pointer = store.pointer("acme", "segments").orElseThrow();
    assertThat(pointer.snapshot()).isEqualTo(1);
    assertThat(pointer.tables())
        .containsExactly(
            Map.entry(
                "segment_membership", "curated/segment_membership/tenant=acme/snapshot=000001/"));

    List<String> locations = new ArrayList<>();
    int selects = 0;
    for (QueryExecution q : sent()) {
      assertThat(q.status().stateAsString()).isEqualTo("SUCCEEDED");
      String sql = q.query();
      String select = sql.startsWith("UNLOAD") ? unload(sql)[0] : sql;
      new SqlParser().createStatement(select);
      assertThat(select.chars().filter(c -> c == '?').count())
          .isEqualTo(q.executionParameters().size());
      if (sql.startsWith("UNLOAD")) {
        locations.add(unload(sql)[1]);
      } else {
        selects++;
        assertThat(select).startsWith("SELECT count(*) FILTER");
      }
      assertThat(q.executionParameters()).contains("TIMESTAMP '2026-11-24 06:00:00.000000 UTC'");
      assertThat(sql).contains("snapshot = 1)").doesNotContain("snapshot = 0");
    }
    assertThat(selects).isEqualTo(1);
    assertThat(locations)
        .containsExactlyInAnyOrder(
            "s3://"
                + bucket
                + "/curated/segment_membership/tenant=acme/snapshot=000001/segment-pro/",
            "s3://"
                + bucket
                + "/curated/segment_membership/tenant=acme/snapshot=000001/segment-buyers/",
            "s3://" + bucket + "/curated/segment_changes/tenant=acme/snapshot=000001/");
  }

  @Test
  void aRunThatChangesNothingKeepsThePointer() throws Exception {
    Map<String, Object> first = roundTrip(handler(NOW).handleRequest(input("plan"), null));
    queueCount(1, 0);
    handler(NOW).handleRequest(input("changes", "plan", first), null);

    Instant later = NOW.plusSeconds(3600);
    Map<String, Object> plan = roundTrip(handler(later).handleRequest(input("plan"), null));
    assertThat(plan).containsEntry("snapshot", 2).containsEntry("previous", 1);
    queueCount(0, 0);
    Map<String, Object> out = handler(later).handleRequest(input("changes", "plan", plan), null);

    assertThat(out).containsEntry("noop", true).containsEntry("snapshot", 1);
    assertThat(store.pointer("acme", "segments").orElseThrow().snapshot()).isEqualTo(1);
    // the first run's plan is stale now: it cannot switch the pointer back
    assertThatThrownBy(() -> handler(NOW).handleRequest(input("changes", "plan", first), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no longer holds the tenant's lease");
  }

  @Test
  void badInputFailsTheTaskWithoutTouchingTheLake() throws Exception {
    Map<String, Object> plan = roundTrip(handler(NOW).handleRequest(input("plan"), null));
    List<String> before = lake.list("");

    assertThatThrownBy(() -> handler(NOW).handleRequest(input("compute"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step must be plan, members, changes or release");
    assertThatThrownBy(() -> handler(NOW).handleRequest(input("members", "plan", plan), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"segment\"");
    assertThatThrownBy(() -> handler(NOW).handleRequest(input("changes"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"plan\"");
    Map<String, Object> otherTenants = new LinkedHashMap<>(plan);
    otherTenants.put("tenant", "globex");
    assertThatThrownBy(
            () -> handler(NOW).handleRequest(input("changes", "plan", otherTenants), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not tenant acme's");
    assertThatThrownBy(
            () ->
                handler(NOW).handleRequest(input("members", "segment", "vip", "plan", plan), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not one of the run's segments");
    assertThat(lake.list("")).isEqualTo(before);
    assertThat(sent()).isEmpty();
  }

  @Test
  void theRunHoldsTheTenantFromItsPlanToItsChanges() throws Exception {
    TenantLease lease = TenantLease.over(lake, Clock.fixed(NOW, ZoneOffset.UTC)).orElseThrow();
    Map<String, Object> plan =
        roundTrip(handler(NOW).handleRequest(input("plan", "execution", "arn:exec-1"), null));
    assertThat(plan).containsEntry("lease", "curate:arn:exec-1");
    assertThatThrownBy(() -> lease.acquire("acme", "erasure:er-1"))
        .isInstanceOf(TenantBusyException.class);
    // a retried plan of the same execution is the same owner; another execution's waits
    roundTrip(handler(NOW).handleRequest(input("plan", "execution", "arn:exec-1"), null));
    assertThatThrownBy(
            () -> handler(NOW).handleRequest(input("plan", "execution", "arn:exec-2"), null))
        .isInstanceOf(TenantBusyException.class)
        .hasMessageContaining("being written by curate:arn:exec-1");
    Map<String, Object> noLease = new LinkedHashMap<>(plan);
    noLease.remove("lease");
    assertThatThrownBy(() -> handler(NOW).handleRequest(input("changes", "plan", noLease), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"lease\"");

    queueCount(1, 0);
    handler(NOW).handleRequest(input("changes", "plan", plan), null);

    assertThat(lease.current("acme").orElseThrow().owner()).isEmpty();
    lease.acquire("acme", "erasure:er-1");
  }

  @Test
  void theFailurePathReleasesTheLeaseOfItsOwnExecutionOnly() throws Exception {
    TenantLease lease = TenantLease.over(lake, Clock.fixed(NOW, ZoneOffset.UTC)).orElseThrow();
    handler(NOW).handleRequest(input("plan", "execution", "arn:exec-1"), null);
    // (a members or changes step failed here; the Catch path runs the release)

    assertThat(handler(NOW).handleRequest(input("release", "execution", "arn:exec-2"), null))
        .as("another execution's release leaves the lease alone")
        .isEqualTo(Map.of("tenant", "acme", "released", false));
    assertThat(lease.current("acme").orElseThrow().owner()).isEqualTo("curate:arn:exec-1");

    assertThat(handler(NOW).handleRequest(input("release", "execution", "arn:exec-1"), null))
        .isEqualTo(Map.of("tenant", "acme", "released", true));
    assertThat(lease.current("acme").orElseThrow().owner()).isEmpty();
    // the next run need not wait for the lease to expire
    handler(NOW).handleRequest(input("plan", "execution", "arn:exec-2"), null);
    // a release run again (a retried invocation) changes nothing
    assertThat(handler(NOW).handleRequest(input("release", "execution", "arn:exec-1"), null))
        .isEqualTo(Map.of("tenant", "acme", "released", false));
    assertThat(lease.current("acme").orElseThrow().owner()).isEqualTo("curate:arn:exec-2");
  }
}
