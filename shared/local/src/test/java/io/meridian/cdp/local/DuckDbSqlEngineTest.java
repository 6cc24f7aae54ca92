package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.sql.SqlException;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.Tenants;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DuckDbSqlEngineTest {
  private static final Instant RECEIVED_AT = Instant.parse("2026-11-24T10:00:07Z");

  /** The columns of every view, as documented in the views of {@link DuckDbSqlEngine}. */
  private static final Map<String, Map<String, String>> COLUMNS =
      Map.of(
          "raw.events",
          columns(
              "tenant VARCHAR",
              "source VARCHAR",
              "message_id VARCHAR",
              "type VARCHAR",
              "received_at TIMESTAMP WITH TIME ZONE",
              "request_id VARCHAR",
              "batch VARCHAR",
              "payload VARCHAR",
              "dt DATE"),
          "clean.events",
          columns(
              "tenant VARCHAR",
              "source VARCHAR",
              "message_id VARCHAR",
              "type VARCHAR",
              "event VARCHAR",
              "name VARCHAR",
              "user_id VARCHAR",
              "anonymous_id VARCHAR",
              "group_id VARCHAR",
              "previous_id VARCHAR",
              "timestamp TIMESTAMP WITH TIME ZONE",
              "original_timestamp TIMESTAMP WITH TIME ZONE",
              "sent_at TIMESTAMP WITH TIME ZONE",
              "received_at TIMESTAMP WITH TIME ZONE",
              "properties JSON",
              "traits JSON",
              "context JSON",
              "integrations JSON",
              "dt DATE"),
          "quarantine.records",
          columns(
              "tenant VARCHAR",
              "source VARCHAR",
              "message_id VARCHAR",
              "received_at TIMESTAMP WITH TIME ZONE",
              "reason VARCHAR",
              "field VARCHAR",
              "detail VARCHAR",
              "payload VARCHAR",
              "raw_object VARCHAR",
              "dt DATE"),
          "ops.accounting",
          columns(
              "stage VARCHAR",
              "tenant VARCHAR",
              "source VARCHAR",
              "unit VARCHAR",
              "input BIGINT",
              "output BIGINT",
              "quarantined JSON",
              "quarantined_total BIGINT",
              "duplicates BIGINT",
              "finished_at TIMESTAMP WITH TIME ZONE",
              "dt DATE",
              "pii JSON"));

  @TempDir Path temp;

  private static Map<String, String> columns(String... nameAndType) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String c : nameAndType) {
      int space = c.indexOf(' ');
      out.put(c.substring(0, space), c.substring(space + 1));
    }
    return out;
  }

  private static Map<String, String> describe(DuckDbSqlEngine engine, String view)
      throws SqlException {
    QueryResult r = engine.query("DESCRIBE " + view);
    int name = r.columns().indexOf("column_name");
    int type = r.columns().indexOf("column_type");
    Map<String, String> out = new LinkedHashMap<>();
    for (List<Object> row : r.rows()) {
      out.put((String) row.get(name), (String) row.get(type));
    }
    return out;
  }

  private static Envelope envelope(String messageId, String payload) {
    return new Envelope("acme", "web", messageId, null, RECEIVED_AT, "req-1", null, payload);
  }

  /** Runs the pipeline once over a lake holding two valid events and one invalid one. */
  private Path lakeAfterAPipelineRun() throws IOException {
    Path lakeRoot = temp.resolve("lake");
    LocalFileObjectStore lake = new LocalFileObjectStore(lakeRoot);
    try (Spool spool = new Spool(temp.resolve("spool"))) {
      spool.append(
          List.of(
              envelope(
                  "m-1",
                  "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Order Completed\","
                      + "\"properties\":{\"revenue\":42.5},\"timestamp\":\"2026-11-24T09:00:00Z\"}"),
              envelope(
                  "m-2",
                  "{\"type\":\"identify\",\"userId\":\"u-1\",\"traits\":{\"email\":\"A@B.CO\"}}"),
              envelope("m-3", "{\"type\":\"track\",\"userId\":\"u-1\"}")));
      RunReport report =
          new LocalPipeline(
                  spool,
                  lake,
                  () -> new Tenants(CdpConfig.empty()),
                  new SegmentCallValidator(),
                  temp.resolve("work"),
                  Clock.fixed(Instant.parse("2026-11-24T11:00:00Z"), ZoneOffset.UTC))
              .runOnce();
      assertThat(report.balanced()).isTrue();
    }
    return lakeRoot;
  }

  @Test
  void aTenantsEngineReadsThatTenantAloneAndNoOtherFileOfTheLake() throws Exception {
    Path lakeRoot = temp.resolve("lake");
    try (Spool spool = new Spool(temp.resolve("spool"))) {
      String identify = "{\"type\":\"identify\",\"userId\":\"u-1\",\"traits\":{\"email\":\"%s\"}}";
      spool.append(
          List.of(
              new Envelope(
                  "acme",
                  "web",
                  "m-1",
                  null,
                  RECEIVED_AT,
                  "r-1",
                  null,
                  identify.formatted("a@acme.co")),
              new Envelope(
                  "globex",
                  "app",
                  "m-2",
                  null,
                  RECEIVED_AT,
                  "r-2",
                  null,
                  identify.formatted("g@globex.co")),
              new Envelope("globex", "app", "m-3", null, RECEIVED_AT, "r-3", null, "{}")));
      new LocalPipeline(
              spool,
              new LocalFileObjectStore(lakeRoot),
              () -> new Tenants(CdpConfig.empty()),
              new SegmentCallValidator(),
              temp.resolve("work"),
              Clock.fixed(Instant.parse("2026-11-24T11:00:00Z"), ZoneOffset.UTC))
          .runOnce();
    }
    try (DuckDbSqlEngine all = new DuckDbSqlEngine(lakeRoot)) {
      assertThat(all.query("SELECT count(DISTINCT tenant) FROM clean.events").scalar())
          .isEqualTo(2L);
      assertThat(all.query("SELECT tenant FROM quarantine.records").scalar()).isEqualTo("globex");
    }

    try (DuckDbSqlEngine acme = DuckDbSqlEngine.forTenant(lakeRoot, "acme")) {
      for (String view :
          List.of(
              "raw.events",
              "clean.events",
              "ops.accounting",
              "curated.identity_graph",
              "curated.profiles",
              "curated.event_identifiers")) {
        assertThat(acme.query("SELECT DISTINCT tenant FROM " + view).rows())
            .as(view)
            .containsExactly(List.of("acme"));
      }
      assertThat(acme.query("SELECT traits->>'email' FROM clean.events").scalar())
          .isEqualTo("a@acme.co");
      assertThat(acme.query("SELECT count(*) FROM quarantine.records").scalar()).isEqualTo(0L);
      // Reading another tenant's files directly, or re-opening access, is refused.
      String globexFiles = lakeRoot.resolve("clean/events/tenant=globex") + "/**/*.parquet";
      assertThatThrownBy(() -> acme.query("SELECT * FROM read_parquet('" + globexFiles + "')"))
          .isInstanceOf(SqlException.class)
          .hasMessageContaining("Permission Error");
      String sneaky =
          lakeRoot.resolve("clean/events/tenant=acme") + "/../tenant=globex/**/*.parquet";
      assertThatThrownBy(() -> acme.query("SELECT * FROM read_parquet('" + sneaky + "')"))
          .isInstanceOf(SqlException.class);
      assertThatThrownBy(() -> acme.query("SET enable_external_access = true"))
          .isInstanceOf(SqlException.class)
          .hasMessageContaining("locked");
      assertThatThrownBy(() -> acme.query("SELECT * FROM read_text('/etc/hostname')"))
          .isInstanceOf(SqlException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raw.events", "clean.events", "quarantine.records", "ops.accounting"})
  void everyViewOfAnEmptyLakeHasItsColumnsAndNoRows(String view) throws Exception {
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(temp.resolve("empty-lake"))) {
      assertThat(describe(engine, view)).containsExactlyEntriesOf(COLUMNS.get(view));
      assertThat(engine.query("SELECT count(*) FROM " + view).scalar()).isEqualTo(0L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raw.events", "clean.events", "quarantine.records", "ops.accounting"})
  void everyViewOverALakeWithFilesHasTheSameColumnsAsWhenEmpty(String view) throws Exception {
    Path lake = lakeAfterAPipelineRun();
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(lake)) {
      assertThat(describe(engine, view)).containsExactlyEntriesOf(COLUMNS.get(view));
      assertThat((Long) engine.query("SELECT count(*) FROM " + view).scalar()).isPositive();
    }
  }

  @Test
  void cleanEventsTakeTenantAndDtFromThePartitionAndExposeJson() throws Exception {
    Path lake = lakeAfterAPipelineRun();
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(lake)) {
      QueryResult r =
          engine.query(
              "SELECT tenant, dt, timestamp, typeof(timestamp), properties->>'revenue',"
                  + " traits->>'email' FROM clean.events ORDER BY message_id");

      assertThat(r.rows()).hasSize(2);
      assertThat(r.rows().get(0))
          .containsExactly(
              "acme",
              LocalDate.parse("2026-11-24"),
              Instant.parse("2026-11-24T09:00:00Z"),
              "TIMESTAMP WITH TIME ZONE",
              "42.5",
              null);
      assertThat(r.rows().get(1).get(5)).isEqualTo("a@b.co");
      assertThat(r.types().get(2)).isEqualTo("TIMESTAMP WITH TIME ZONE");
      assertThat(
              engine
                  .query(
                      "SELECT sum(CAST(properties->>'revenue' AS DOUBLE)) FROM clean.events"
                          + " WHERE event = 'Order Completed'")
                  .scalar())
          .isEqualTo(42.5);
    }
  }

  @Test
  void quarantineRecordsAndAccountingAnswer() throws Exception {
    Path lake = lakeAfterAPipelineRun();
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(lake)) {
      QueryResult quarantine =
          engine.query("SELECT tenant, dt, message_id, reason, field FROM quarantine.records");
      assertThat(quarantine.rows())
          .containsExactly(
              List.of("acme", LocalDate.parse("2026-11-24"), "m-3", "missing_field", "event"));

      QueryResult accounting =
          engine.query(
              "SELECT stage, tenant, input, output, quarantined_total, duplicates,"
                  + " quarantined->>'missing_field', dt FROM ops.accounting ORDER BY stage");
      assertThat(accounting.rows())
          .containsExactly(
              List.of("clean", "acme", 3L, 2L, 1L, 0L, "1", LocalDate.parse("2026-11-24")),
              java.util.Arrays.asList(
                  "raw", "acme", 3L, 3L, 0L, 0L, null, LocalDate.parse("2026-11-24")));
    }
  }

  @Test
  void rawEventsExposeEveryReceivedEnvelope() throws Exception {
    Path lake = lakeAfterAPipelineRun();
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(lake)) {
      QueryResult r =
          engine.query("SELECT message_id, received_at, dt FROM raw.events ORDER BY message_id");
      assertThat(r.rows()).extracting(row -> row.get(0)).containsExactly("m-1", "m-2", "m-3");
      assertThat(r.rows().get(0).subList(1, 3))
          .containsExactly(RECEIVED_AT, LocalDate.parse("2026-11-24"));
    }
  }

  @Test
  void filesWrittenBeforeAColumnExistedReadItAsNull() throws Exception {
    // identity_graph gained `shared`; a snapshot written without it must still be readable.
    Path lake = temp.resolve("lake");
    String key = "curated/identity_graph/tenant=acme/snapshot=000001/part-0.parquet";
    java.nio.file.Files.createDirectories(lake.resolve(key).getParent());
    io.meridian.cdp.parquet.TableSchema before =
        new io.meridian.cdp.parquet.TableSchema(
            "identity_graph",
            io.meridian.cdp.identity.CuratedTables.IDENTITY_GRAPH.columns().subList(0, 5));
    try (var w = io.meridian.cdp.parquet.ParquetFiles.create(before, lake.resolve(key))) {
      w.write(new Object[] {"user_id", "u-1", "p_1", RECEIVED_AT, RECEIVED_AT});
    }
    java.nio.file.Files.createDirectories(lake.resolve("_state/curated/tenant=acme"));
    java.nio.file.Files.writeString(
        lake.resolve("_state/curated/tenant=acme/identity.json"),
        "{\"snapshot\":1,\"tables\":{\"identity_graph\":\"" + key + "\"}}");
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(lake)) {
      QueryResult r = engine.query("SELECT tenant, identifier, shared FROM curated.identity_graph");
      assertThat(r.rows()).hasSize(1);
      assertThat(r.rows().get(0)).containsExactly("acme", "u-1", null);
    }
  }

  @Test
  void aFailingStatementRaisesSqlExceptionWithDuckDbsMessage() throws Exception {
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(temp.resolve("lake"))) {
      assertThatThrownBy(() -> engine.query("SELECT * FROM clean.no_such_table"))
          .isInstanceOf(SqlException.class)
          .hasMessageContaining("Catalog Error")
          .hasMessageContaining("no_such_table")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      assertThatThrownBy(() -> engine.query("SELEC 1"))
          .isInstanceOf(SqlException.class)
          .hasMessageContaining("Parser Error");
    }
  }

  @Test
  void bindsPositionalParametersOfEverySupportedType() throws Exception {
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(temp.resolve("lake"))) {
      Instant at = Instant.parse("2026-11-20T12:00:00.123456Z");
      QueryResult r =
          engine.query(
              "SELECT ? AS s, ? + 1 AS l, ? * 2 AS d, NOT ? AS b, ? + INTERVAL 1 HOUR AS t,"
                  + " ? + 1 AS day, ? IS NULL AS n, ? AS i, ? AS dec, ? AS odt",
              java.util.Arrays.asList(
                  "it's -- \"quoted\"; ?",
                  41L,
                  1.25,
                  false,
                  at,
                  LocalDate.parse("2026-11-20"),
                  null,
                  7,
                  new java.math.BigDecimal("12.50"),
                  at.atOffset(ZoneOffset.ofHours(2))));
      assertThat(r.rows().get(0).subList(0, 8))
          .containsExactly(
              "it's -- \"quoted\"; ?",
              42L,
              2.5,
              true,
              at.plusSeconds(3600),
              LocalDate.parse("2026-11-21"),
              true,
              7L);
      assertThat(r.types().get(4)).isEqualTo("TIMESTAMP WITH TIME ZONE");
      assertThat(r.rows().get(0).get(9)).isEqualTo(at);
      assertThat(((Number) r.rows().get(0).get(8)).doubleValue()).isEqualTo(12.5);
    }
  }

  @Test
  void refusesAParameterOfAnUnsupportedTypeNamingIt() throws Exception {
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(temp.resolve("lake"))) {
      assertThatThrownBy(() -> engine.query("SELECT ?", List.of(new Object())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("parameter 1 has unsupported type java.lang.Object");
      assertThatThrownBy(() -> engine.query("SELECT ?, ?", List.of("only one")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the statement has 2 parameters but 1 values were given");
    }
  }
}
