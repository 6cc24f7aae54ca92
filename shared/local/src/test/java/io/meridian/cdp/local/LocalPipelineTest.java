package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.accounting.AccountingLedger;
import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.clean.RawToClean;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.IngestRequest;
import io.meridian.cdp.ingest.IngestResponse;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.ingest.RateLimiter;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.LakeLayout.RawObject;
import io.meridian.cdp.tenant.Tenants;
import io.meridian.cdp.tenant.TestTenants;
import io.meridian.cdp.tenant.WriteKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPipelineTest {
  private static final String KEY = WriteKeys.generate();
  private static final Tenants TENANTS = TestTenants.single("acme", "web", KEY);
  private static final Instant NOW = Instant.parse("2026-11-24T10:30:00Z");

  @TempDir Path temp;

  private LocalFileObjectStore lake;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    lake = new LocalFileObjectStore(temp.resolve("lake"));
  }

  private LocalPipeline pipeline(Spool spool) {
    return new LocalPipeline(
        spool, lake, () -> TENANTS, new SegmentCallValidator(), temp.resolve("work"), clock);
  }

  /** Posts one batch through the ingestion use case and returns how many events it stored. */
  private static int ingestBatch(IngestService ingest, String batchJson) {
    IngestResponse r =
        ingest.handle(
            new IngestRequest(
                "POST",
                "/v1/batch",
                "application/json",
                null,
                TestTenants.basicAuth(KEY),
                batchJson.getBytes(StandardCharsets.UTF_8),
                NOW,
                "req-" + batchJson.hashCode()));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.stored();
  }

  private static String track(String messageId) {
    return "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Clicked\",\"messageId\":\""
        + messageId
        + "\"}";
  }

  /** Stores 6 events in three requests: 4 distinct valid ones (m-2 twice), 1 invalid. */
  private static int ingestSample(IngestService ingest) {
    return ingestBatch(
            ingest,
            "{\"batch\":["
                + track("m-1")
                + ","
                + track("m-2")
                + ","
                + "{\"type\":\"track\",\"userId\":\"u-1\",\"messageId\":\"bad\"}"
                + "]}")
        + ingestBatch(ingest, "{\"batch\":[" + track("m-2") + "," + track("m-3") + "]}")
        + ingestBatch(ingest, "{\"batch\":[" + track("m-4") + "]}");
  }

  private static IngestService ingest(Spool spool) {
    return new IngestService(() -> TENANTS, spool, new RateLimiter(), new SegmentCallValidator());
  }

  /** Every regular file under the data directory with its modification time. */
  private Map<Path, FileTime> files() throws IOException {
    Map<Path, FileTime> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(temp)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(temp.relativize(p), Files.getLastModifiedTime(p));
      }
    }
    return out;
  }

  private long countIn(String sql) throws Exception {
    try (DuckDbSqlEngine engine = new DuckDbSqlEngine(lake.root())) {
      return (Long) engine.query(sql).scalar();
    }
  }

  @Test
  void runsIngestedEventsThroughEveryStageWithBalancedAccounting() throws Exception {
    try (Spool spool = new Spool(temp.resolve("spool"))) {
      int stored = ingestSample(ingest(spool));

      RunReport report = pipeline(spool).runOnce();

      assertThat(report.balanced()).isTrue();
      RunReport.Line line = report.lines().get(0);
      assertThat(report.lines()).hasSize(1);
      assertThat(line.tenant()).isEqualTo("acme");
      assertThat(line.source()).isEqualTo("web");
      assertThat(line.received()).isEqualTo(stored).isEqualTo(6);
      assertThat(line.raw()).isEqualTo(line.received());
      assertThat(line.rawConverted()).isEqualTo(6);
      assertThat(line.clean()).isEqualTo(4);
      assertThat(line.quarantined()).containsOnly(Map.entry("missing_field", 1L));
      assertThat(line.duplicates()).isEqualTo(1);
    }
    assertThat(countIn("SELECT count(*) FROM clean.events")).isEqualTo(4);
    assertThat(countIn("SELECT count(DISTINCT message_id) FROM clean.events")).isEqualTo(4);
    assertThat(countIn("SELECT count(*) FROM raw.events")).isEqualTo(6);
  }

  @Test
  void invalidSegmentDefinitionsAreReportedAndLeaveTheMembershipAsItWas() throws Exception {
    try (Spool spool = new Spool(temp.resolve("spool"))) {
      ingestSample(ingest(spool));
      RunReport report =
          pipeline(spool)
              .withActivation(
                  tenant -> {
                    throw new IllegalArgumentException(
                        "segment 'vip' at where.computed: unknown computed trait 'ltv'");
                  },
                  config -> events -> new PublishReport(events.size(), events.size(), List.of()))
              .runOnce();

      assertThat(report.activation())
          .singleElement()
          .satisfies(a -> assertThat(a.problem()).contains("unknown computed trait 'ltv'"));
      assertThat(report.toTable())
          .contains("NOT COMPUTED: invalid segment definitions, membership kept as it was");
    }
    assertThat(lake.list("_state/curated/tenant=acme/segments.json")).isEmpty();
  }

  @Test
  void aSecondRunFindsNothingToDoAndTouchesNoFile() throws Exception {
    try (Spool spool = new Spool(temp.resolve("spool"))) {
      ingestSample(ingest(spool));
      LocalPipeline pipeline = pipeline(spool);
      pipeline.runOnce();
      Map<Path, FileTime> before = files();

      RunReport again = pipeline.runOnce();

      assertThat(again.lines()).isEmpty();
      assertThat(again.toTable()).contains("(nothing to do)");
      assertThat(files()).isEqualTo(before);
    }
  }

  @Test
  void aFreshPipelineReconvertsAnObjectWhoseCommitWasLostWithoutDuplicatingEvents()
      throws Exception {
    String rawKey;
    try (Spool spool = new Spool(temp.resolve("spool"))) {
      // One run per request: one raw object each.
      IngestService ingest = ingest(spool);
      LocalPipeline pipeline = pipeline(spool);
      ingestBatch(
          ingest,
          "{\"batch\":["
              + track("m-1")
              + ","
              + track("m-2")
              + ",{\"type\":\"track\",\"userId\":\"u-1\",\"messageId\":\"bad\"}]}");
      pipeline.runOnce();
      ingestBatch(ingest, "{\"batch\":[" + track("m-2") + "," + track("m-3") + "]}");
      pipeline.runOnce();
      ingestBatch(ingest, "{\"batch\":[" + track("m-4") + "]}");
      pipeline.runOnce();
      List<String> rawKeys =
          lake.list(LakeLayout.RAW).stream()
              .filter(k -> LakeLayout.parseRawKey(k).isPresent())
              .toList();
      assertThat(rawKeys).hasSize(3);
      rawKey = rawKeys.get(1);
    }
    // The process died after writing the clean file and the dedup claims of one raw object, but
    // before its accounting record, which marks the object done.
    RawObject raw = LakeLayout.parseRawKey(rawKey).orElseThrow();
    String marker = AccountingLedger.key(RawToClean.STAGE, raw.tenant(), raw.dt(), raw.partId());
    assertThat(lake.exists(marker)).isTrue();
    lake.delete(marker);

    RunReport report;
    try (Spool reopened = new Spool(temp.resolve("spool"))) {
      report = pipeline(reopened).runOnce();
    }

    assertThat(report.balanced()).isTrue();
    assertThat(report.lines()).singleElement();
    RunReport.Line line = report.lines().get(0);
    assertThat(line.received()).isZero();
    assertThat(line.rawConverted()).isEqualTo(2);
    assertThat(line.clean()).as("its own events, not duplicates of itself").isEqualTo(1);
    assertThat(line.duplicates()).as("m-2 was first stored by the first object").isEqualTo(1);
    assertThat(lake.exists(marker)).isTrue();
    assertThat(countIn("SELECT count(*) FROM clean.events")).isEqualTo(4);
    assertThat(countIn("SELECT count(DISTINCT message_id) FROM clean.events")).isEqualTo(4);
  }

  @Test
  void aFreshPipelineConvertsRawObjectsThatWereWrittenBeforeACrash() throws Exception {
    try (Spool spool = new Spool(temp.resolve("spool"))) {
      ingestSample(ingest(spool));
      // Stream-to-raw only, as if the process died before raw-to-clean ran.
      var rawWriter = new io.meridian.cdp.raw.RawZoneWriter(lake, clock);
      spool.drain((chunk, chunkId) -> rawWriter.write(chunk, chunkId));
    }
    assertThat(lake.list(LakeLayout.CLEAN_EVENTS)).isEmpty();

    RunReport report;
    try (Spool reopened = new Spool(temp.resolve("spool"))) {
      report = pipeline(reopened).runOnce();
    }

    assertThat(report.balanced()).isTrue();
    assertThat(report.lines()).singleElement().extracting(RunReport.Line::clean).isEqualTo(4L);
    assertThat(countIn("SELECT count(*) FROM clean.events")).isEqualTo(4);
    assertThat(countIn("SELECT count(DISTINCT message_id) FROM clean.events")).isEqualTo(4);
  }
}
