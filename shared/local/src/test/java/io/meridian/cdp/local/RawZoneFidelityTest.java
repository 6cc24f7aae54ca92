package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.IngestRequest;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.TestTenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw zone keeps each call exactly as the caller wrote it — whitespace, key order, escapes,
 * number spellings, non-ASCII text — and DuckDB's raw.events gives those exact characters back.
 */
class RawZoneFidelityTest {
  @TempDir Path dir;

  @Test
  void rawZoneKeepsEveryCallCharacterForCharacter() throws Exception {
    String key = WriteKeys.generate();
    Tenants tenants = TestTenants.single("acme", "web", key);
    String first =
        "{\n    \"type\" : \"track\",\"event\":\"Caf\\u00e9 Visited\", \"userId\":\"u-1\",\n"
            + "    \"messageId\":\"fid-1\", \"properties\": {\"price\": 1.0E2, \"ratio\": 0.10,"
            + " \"note\": \"Zürich \\\"quoted\\\" \\n line 🚀\", \"z\": 1, \"a\": 2}\n  }";
    String second =
        "{\"type\":\"identify\",\"anonymousId\":\"a-9\",\"traits\":{\"email\":\"  X@Y.COM \"}}";
    String body =
        "{ \"batch\" : [ "
            + first
            + " ,\n\t"
            + second
            + " ], \"sentAt\": \"2026-11-24T10:00:00Z\" }";
    LocalFileObjectStore lake = new LocalFileObjectStore(dir.resolve("lake"));
    SegmentCallValidator validator = new SegmentCallValidator();
    try (Spool spool = new Spool(dir.resolve("spool"))) {
      IngestService ingest = new IngestService(() -> tenants, spool, new RateLimiter(), validator);
      var response =
          ingest.handle(
              new IngestRequest(
                  "POST",
                  "/v1/batch",
                  "application/json",
                  null,
                  TestTenants.basicAuth(key),
                  body.getBytes(StandardCharsets.UTF_8),
                  Instant.parse("2026-11-24T10:00:01Z"),
                  "req-fidelity"));
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      RunReport report =
          new LocalPipeline(
                  spool, lake, () -> tenants, validator, dir.resolve("work"), Clock.systemUTC())
              .runOnce();
      assertThat(report.balanced()).isTrue();
    }
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(lake.root())) {
      QueryResult raw = sql.query("SELECT payload, batch FROM raw.events ORDER BY type DESC");
      assertThat(raw.rows()).hasSize(2);
      assertThat(raw.rows().get(0).get(0)).isEqualTo(first);
      assertThat(raw.rows().get(1).get(0)).isEqualTo(second);
      assertThat((String) raw.rows().get(0).get(1)).contains("2026-11-24T10:00:00Z");
      // and the clean zone holds the normalized reading of the same calls
      QueryResult clean =
          sql.query(
              "SELECT event, properties->>'note', traits->>'email' FROM clean.events ORDER BY type"
                  + " DESC");
      assertThat(clean.rows().get(0))
          .containsExactly("Café Visited", "Zürich \"quoted\" \n line 🚀", null);
      assertThat(clean.rows().get(1).get(2)).isEqualTo("x@y.com");
    }
  }
}
