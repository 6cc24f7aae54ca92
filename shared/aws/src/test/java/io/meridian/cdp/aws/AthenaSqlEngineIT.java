package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.sql.QueryResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;

/**
 * The Athena engine against moto's Athena, which records queries and returns results the test
 * queues (it runs no SQL — the SQL itself is checked by the Trino parser in the segment tests).
 */
class AthenaSqlEngineIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  @org.junit.jupiter.api.BeforeEach
  void needsMoto() {
    MOTO.requireMoto("queues Athena results through /moto-api; LocalStack's Athena is not free");
  }

  private void queue(String resultsJson) throws Exception {
    MOTO.queueAthenaResults(resultsJson);
  }

  @Test
  void runsAQueryWithLiteralParametersAndTypesTheResult() throws Exception {
    queue(
        """
        {"results": [{
          "rows": [
            {"Data": [{"VarCharValue": "profile_id"}, {"VarCharValue": "revenue"},
                      {"VarCharValue": "last_seen"}, {"VarCharValue": "orders"}]},
            {"Data": [{"VarCharValue": "p_1"}, {"VarCharValue": "42.5"},
                      {"VarCharValue": "2026-11-24 05:00:00.123 UTC"}, {"VarCharValue": "3"}]},
            {"Data": [{"VarCharValue": "p_2"}, {}, {}, {"VarCharValue": "0"}]}
          ],
          "column_info": [
            {"Name": "profile_id", "Label": "profile_id", "Type": "varchar", "Nullable": "UNKNOWN"},
            {"Name": "revenue", "Label": "revenue", "Type": "double", "Nullable": "UNKNOWN"},
            {"Name": "last_seen", "Label": "last_seen", "Type": "timestamp with time zone", "Nullable": "UNKNOWN"},
            {"Name": "orders", "Label": "orders", "Type": "bigint", "Nullable": "UNKNOWN"}
          ]
        }]}
        """);
    AthenaClient athena = MOTO.athena();
    String sql =
        "SELECT profile_id, lifetime_revenue AS revenue, last_seen, order_count AS orders FROM"
            + " cdp_curated.profiles WHERE tenant = ? AND traits_plan = ? AND last_seen > ?";
    try (AthenaSqlEngine engine = new AthenaSqlEngine(athena, "primary", Duration.ofSeconds(30))) {
      QueryResult r =
          engine.query(
              sql, List.of("acme", "it's; DROP TABLE x --", Instant.parse("2026-11-01T00:00:00Z")));
      assertThat(r.columns()).containsExactly("profile_id", "revenue", "last_seen", "orders");
      assertThat(r.rows()).hasSize(2);
      assertThat(r.rows().get(0))
          .containsExactly("p_1", 42.5, Instant.parse("2026-11-24T05:00:00.123Z"), 3L);
      assertThat(r.rows().get(1)).containsExactly("p_2", null, null, 0L);
    }
    QueryExecution recorded =
        MOTO.athena()
            .getQueryExecution(
                q ->
                    q.queryExecutionId(
                        MOTO.athena()
                            .listQueryExecutions(l -> l.workGroup("primary"))
                            .queryExecutionIds()
                            .get(0)))
            .queryExecution();
    assertThat(recorded.query()).isEqualTo(sql);
    assertThat(recorded.executionParameters())
        .containsExactly(
            "'acme'", "'it''s; DROP TABLE x --'", "TIMESTAMP '2026-11-01 00:00:00.000000 UTC'");
  }

  @Test
  void rendersEveryParameterTypeAsALiteralAndRefusesOthers() {
    assertThat(AthenaSqlEngine.literal(null)).isEqualTo("NULL");
    assertThat(AthenaSqlEngine.literal(true)).isEqualTo("TRUE");
    assertThat(AthenaSqlEngine.literal(12L)).isEqualTo("12");
    assertThat(AthenaSqlEngine.literal(1.5)).isEqualTo("1.5");
    assertThat(AthenaSqlEngine.literal(new java.math.BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(AthenaSqlEngine.literal(java.time.LocalDate.parse("2026-01-31")))
        .isEqualTo("DATE '2026-01-31'");
    assertThat(AthenaSqlEngine.literal("\\' OR 1=1 --")).isEqualTo("'\\'' OR 1=1 --'");
    assertThatThrownBy(() -> AthenaSqlEngine.literal(Double.NaN))
        .hasMessageContaining("finite number");
    assertThatThrownBy(() -> AthenaSqlEngine.literal(new Object()))
        .hasMessageContaining("unsupported query parameter type");
  }

  @Test
  void unloadsIntoALakePrefixAndRefusesAnythingElse() {
    assertThat(AthenaSqlEngine.unloadStatement("SELECT 1", "cdp-lake", "curated/x/tenant=a/"))
        .isEqualTo(
            "UNLOAD (\nSELECT 1\n) TO 's3://cdp-lake/curated/x/tenant=a/' WITH (format ="
                + " 'PARQUET', compression = 'ZSTD')");
    for (String bad : List.of("curated/x", "/curated/", "curated/../raw/", "curated/x' --/")) {
      assertThatThrownBy(() -> AthenaSqlEngine.unloadStatement("SELECT 1", "cdp-lake", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    try (AthenaSqlEngine noLake =
        new AthenaSqlEngine(MOTO.athena(), "primary", Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> noLake.unload("SELECT 1", List.of(), "curated/"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("without the lake bucket");
    }
  }
}
