package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.sql.QueryResult;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.TestTenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Python SDKs of Segment ({@code segment-analytics-python}) and RudderStack ({@code
 * rudder-sdk-python}, which gzips its batches), unmodified except for their endpoint, deliver every
 * call type to the local server, and every call comes out valid in clean.events. The SDKs come from
 * PyPI, pinned in requirements-test.txt and installed into .venv by ./test.
 */
class SdkCompatibilityTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"segment", "rudderstack", "segment-node", "rudderstack-node"})
  void officialSdkDeliversEveryCallTypeByChangingOnlyTheEndpoint(String sdk) throws Exception {
    String key = WriteKeys.generate();
    Tenants tenants = TestTenants.single("acme", "server", key);
    SegmentCallValidator validator = new SegmentCallValidator();
    LocalFileObjectStore lake = new LocalFileObjectStore(dir.resolve("lake"));
    try (Spool spool = new Spool(dir.resolve("spool"));
        HttpIngestServer server =
            new HttpIngestServer(
                "127.0.0.1",
                0,
                new IngestService(() -> tenants, spool, new RateLimiter(), validator),
                Clock.systemUTC(),
                4)) {
      server.start();
      String endpoint = "http://127.0.0.1:" + server.port();
      ProcessBuilder command;
      if (sdk.endsWith("-node")) {
        command = new ProcessBuilder("node", nodeSdkScript().toString(), sdk, endpoint, key, "r1");
      } else {
        Path script = dir.resolve("send_with_sdk.py");
        try (InputStream in = getClass().getResourceAsStream("/sdk/send_with_sdk.py")) {
          Files.copy(in, script);
        }
        command =
            new ProcessBuilder(
                TestPython.executable(), script.toString(), sdk, endpoint, key, "r1");
      }
      Process p = command.redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output).isZero();

      RunReport report =
          new LocalPipeline(
                  spool, lake, () -> tenants, validator, dir.resolve("work"), Clock.systemUTC())
              .runOnce();
      assertThat(report.balanced()).isTrue();
    }
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(lake.root())) {
      QueryResult types =
          sql.query(
              "SELECT list(DISTINCT type ORDER BY type) FROM clean.events WHERE tenant = 'acme'");
      assertThat(types.scalar().toString())
          .isEqualTo("[alias, group, identify, page, screen, track]");
      assertThat(sql.query("SELECT count(*) FROM quarantine.records").scalar()).isEqualTo(0L);
      QueryResult identify =
          sql.query(
              "SELECT user_id, coalesce(traits->>'email', context->'traits'->>'email'),"
                  + " context->'library'->>'name' FROM clean.events"
                  + " WHERE type = 'identify'");
      assertThat(identify.rows()).hasSize(1);
      assertThat(identify.rows().get(0).get(0)).isEqualTo(sdk + "-user-r1");
      // Segment's SDK sends identify traits in `traits`, RudderStack's in `context.traits`;
      // both are normalized (trimmed, lower-cased).
      assertThat(identify.rows().get(0).get(1)).isEqualTo("someone@example.com");
      assertThat((String) identify.rows().get(0).get(2))
          .containsIgnoringCase(sdk.endsWith("-node") ? "node" : "python");
      QueryResult revenue =
          sql.query(
              "SELECT CAST(properties->>'revenue' AS DOUBLE) FROM clean.events WHERE event ="
                  + " 'Order Completed'");
      assertThat(revenue.scalar()).isEqualTo(42.5);
    }
  }

  /** sdk-tests/send_with_sdk.mjs, with its node_modules installed by ./test. */
  private static Path nodeSdkScript() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path script = d.resolve("sdk-tests/send_with_sdk.mjs");
      if (Files.exists(script)) {
        if (!Files.isDirectory(d.resolve("sdk-tests/node_modules/@segment/analytics-node"))) {
          throw new IllegalStateException(
              "the Node SDKs are not installed: run ./test once (npm ci in sdk-tests/)");
        }
        return script;
      }
    }
    throw new IllegalStateException(
        "sdk-tests/send_with_sdk.mjs not found above " + Path.of("").toAbsolutePath());
  }
}
