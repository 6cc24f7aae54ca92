package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.accounting.AccountingLedger;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.clean.DroppedDuplicates;
import io.meridian.cdp.clean.ObjectStoreDedupIndex;
import io.meridian.cdp.clean.RawToClean;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.Reason;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.LakeLayout.RawObject;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.parquet.Column;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.TableSchema;
import io.meridian.cdp.raw.RawZoneWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawToCleanTest {
  private static final Instant NOW = Instant.parse("2026-11-24T11:00:00Z");
  private static final Instant RECEIVED_AT = Instant.parse("2026-11-24T10:00:07Z");
  private static final SegmentCallValidator VALIDATOR = new SegmentCallValidator();

  @TempDir Path temp;

  private LocalFileObjectStore lake;
  private RawZoneWriter rawWriter;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    lake = new LocalFileObjectStore(temp.resolve("lake"));
    rawWriter = new RawZoneWriter(lake, clock);
  }

  private RawToClean rawToClean() {
    return new RawToClean(
        lake, new ObjectStoreDedupIndex(lake), t -> "US", VALIDATOR, temp.resolve("work"), clock);
  }

  private static Envelope envelope(String messageId, String batch, String payload) {
    return new Envelope("acme", "web", messageId, null, RECEIVED_AT, "req-1", batch, payload);
  }

  private static Envelope track(String messageId) {
    return envelope(
        messageId,
        null,
        "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Order Completed\",\"messageId\":\""
            + messageId
            + "\",\"properties\":{\"revenue\":42.5}}");
  }

  /** Writes one raw object through the raw zone writer and returns its key. */
  private String writeRaw(String batchId, List<Envelope> envelopes) throws IOException {
    List<StageCounts> written = rawWriter.write(envelopes, batchId);
    assertThat(written).hasSize(1);
    return written.get(0).unit();
  }

  private static RawObject parsed(String rawKey) {
    return LakeLayout.parseRawKey(rawKey).orElseThrow();
  }

  private Path cleanFile(String rawKey) {
    RawObject raw = parsed(rawKey);
    return lake.path(LakeLayout.cleanEventsKey(raw.tenant(), raw.dt(), raw.partId()));
  }

  private Path quarantineFile(String rawKey) {
    RawObject raw = parsed(rawKey);
    return lake.path(LakeLayout.quarantineKey(raw.tenant(), raw.dt(), raw.partId()));
  }

  private static List<Map<String, Object>> rows(TableSchema schema, Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object[] values : ParquetFiles.readAll(schema, file)) {
      Map<String, Object> row = new LinkedHashMap<>();
      List<Column> columns = schema.columns();
      for (int i = 0; i < columns.size(); i++) {
        row.put(columns.get(i).name(), values[i]);
      }
      out.add(row);
    }
    return out;
  }

  private static JsonNode json(Object text) throws IOException {
    return Json.MAPPER.readTree((String) text);
  }

  private static void assertBalanced(StageCounts c) {
    assertThat(c.input()).isEqualTo(c.output() + c.quarantinedTotal() + c.duplicates());
  }

  @Test
  void normalizesEmailsPhonesAndTimestampsAndMergesTheBatchContext() throws IOException {
    String batch =
        "{\"context\":{\"library\":{\"name\":\"analytics.js\"},\"ip\":\"9.9.9.9\"},"
            + "\"sentAt\":\"2026-11-24T10:00:05Z\"}";
    String payload =
        "{\"type\":\"identify\",\"userId\":\"u-1\",\"messageId\":\"m-1\","
            + "\"originalTimestamp\":\"2026-11-24T12:00:00+02:00\","
            + "\"traits\":{\"email\":\"  Alice@Example.COM \",\"phone\":\"(415) 555-2671\"},"
            + "\"context\":{\"ip\":\"1.2.3.4\",\"traits\":{\"email\":\" Bob@Example.COM\"}}}";
    String rawKey = writeRaw("b1", List.of(envelope("m-1", batch, payload)));

    StageCounts counts = rawToClean().convert(rawKey);

    assertThat(counts.output()).isEqualTo(1);
    Map<String, Object> row = rows(CleanTables.EVENTS, cleanFile(rawKey)).get(0);
    assertThat(row).containsEntry("message_id", "m-1").containsEntry("type", "identify");
    JsonNode traits = json(row.get("traits"));
    assertThat(traits.get("email").asText()).isEqualTo("alice@example.com");
    assertThat(traits.get("phone").asText()).isEqualTo("+14155552671");
    JsonNode context = json(row.get("context"));
    assertThat(context.at("/traits/email").asText()).isEqualTo("bob@example.com");
    assertThat(context.get("ip").asText()).as("the call's own value wins").isEqualTo("1.2.3.4");
    assertThat(context.at("/library/name").asText())
        .as("batch-level context merged in")
        .isEqualTo("analytics.js");
    // The device clock ran 5 s behind when it sent: 10:00:00Z local time at 10:00:05Z sentAt.
    assertThat(row)
        .containsEntry("original_timestamp", Instant.parse("2026-11-24T10:00:00Z"))
        .containsEntry("sent_at", Instant.parse("2026-11-24T10:00:05Z"))
        .containsEntry("received_at", RECEIVED_AT)
        .containsEntry("timestamp", Instant.parse("2026-11-24T10:00:02Z"));
  }

  @Test
  void readsPhonesWithoutCountryCodeInTheTenantsRegion() throws IOException {
    String payload =
        "{\"type\":\"identify\",\"userId\":\"u-1\",\"traits\":{\"phone\":\"030 1234567\"}}";
    String rawKey = writeRaw("b1", List.of(envelope("m-1", null, payload)));
    RawToClean german =
        new RawToClean(
            lake,
            new ObjectStoreDedupIndex(lake),
            t -> "DE",
            VALIDATOR,
            temp.resolve("work"),
            clock);

    german.convert(rawKey);

    Map<String, Object> row = rows(CleanTables.EVENTS, cleanFile(rawKey)).get(0);
    assertThat(json(row.get("traits")).get("phone").asText()).isEqualTo("+49301234567");
  }

  @Test
  void convertsTimestampsWithAnOffsetToUtcAndKeepsThemWithoutSentAt() throws IOException {
    String payload =
        "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Clicked\","
            + "\"timestamp\":\"2026-11-23T22:30:00-05:00\"}";
    String rawKey = writeRaw("b1", List.of(envelope("m-1", null, payload)));

    rawToClean().convert(rawKey);

    Map<String, Object> row = rows(CleanTables.EVENTS, cleanFile(rawKey)).get(0);
    assertThat(row)
        .containsEntry("timestamp", Instant.parse("2026-11-24T03:30:00Z"))
        .containsEntry("sent_at", null);
  }

  @Test
  void quarantinesInvalidRecordsWithTheirReasonAndOriginalPayload() throws IOException {
    String noEvent = "{\"type\":\"track\",\"userId\":\"u-1\"}";
    String noIdentity = "{\"type\":\"identify\",\"traits\":{\"plan\":\"pro\"}}";
    String badTime =
        "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"X\",\"timestamp\":\"soon\"}";
    String notJson = "{\"type\":\"track\",";
    String rawKey =
        writeRaw(
            "b1",
            List.of(
                track("ok-1"),
                envelope("bad-1", null, noEvent),
                envelope("bad-2", null, noIdentity),
                envelope("bad-3", null, badTime),
                envelope("bad-4", null, notJson)));

    StageCounts counts = rawToClean().convert(rawKey);

    assertThat(counts.input()).isEqualTo(5);
    assertThat(counts.output()).isEqualTo(1);
    assertThat(counts.quarantined())
        .containsOnly(
            Map.entry(Reason.MISSING_FIELD, 1L),
            Map.entry(Reason.MISSING_IDENTITY, 1L),
            Map.entry(Reason.INVALID_TIMESTAMP, 1L),
            Map.entry(Reason.UNREADABLE_RECORD, 1L));
    assertBalanced(counts);
    Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
    for (Map<String, Object> r : rows(CleanTables.QUARANTINE, quarantineFile(rawKey))) {
      byId.put((String) r.get("message_id"), r);
    }
    assertThat(byId).containsOnlyKeys("bad-1", "bad-2", "bad-3", "bad-4");
    assertThat(byId.get("bad-1"))
        .containsEntry("reason", Reason.MISSING_FIELD)
        .containsEntry("field", "event")
        .containsEntry("payload", noEvent)
        .containsEntry("raw_object", rawKey)
        .containsEntry("source", "web")
        .containsEntry("received_at", RECEIVED_AT);
    assertThat(byId.get("bad-2"))
        .containsEntry("reason", Reason.MISSING_IDENTITY)
        .containsEntry("payload", noIdentity);
    assertThat(byId.get("bad-3"))
        .containsEntry("reason", Reason.INVALID_TIMESTAMP)
        .containsEntry("field", "timestamp")
        .containsEntry("payload", badTime);
    assertThat(byId.get("bad-4"))
        .containsEntry("reason", Reason.UNREADABLE_RECORD)
        .containsEntry("payload", notJson);
    assertThat(byId.values()).allSatisfy(r -> assertThat((String) r.get("detail")).isNotBlank());
  }

  @Test
  void quarantinesAnUnreadableLineOfARawObjectInsteadOfLosingIt() throws IOException {
    Instant hour = Instant.parse("2026-11-24T10:00:00Z");
    String rawKey = LakeLayout.rawKey("acme", "web", hour, "handmade");
    String garbage = "\u0000garbage, not an envelope";
    lake.put(
        rawKey,
        gzip(
            EnvelopeCodec.encode(track("ok-1")),
            garbage,
            "{\"v\":99,\"tenant\":\"acme\"}",
            EnvelopeCodec.encode(track("ok-2"))));

    StageCounts counts = rawToClean().convert(rawKey);

    assertThat(counts.input()).isEqualTo(4);
    assertThat(counts.output()).isEqualTo(2);
    assertThat(counts.quarantined()).containsOnly(Map.entry(Reason.UNREADABLE_RECORD, 2L));
    assertBalanced(counts);
    List<Map<String, Object>> quarantined = rows(CleanTables.QUARANTINE, quarantineFile(rawKey));
    assertThat(quarantined)
        .extracting(r -> r.get("payload"))
        .containsExactly(garbage, "{\"v\":99,\"tenant\":\"acme\"}");
    assertThat(quarantined)
        .allSatisfy(
            r ->
                assertThat(r)
                    .containsEntry("reason", Reason.UNREADABLE_RECORD)
                    .containsEntry("source", "web")
                    .containsEntry("message_id", null)
                    .containsEntry("received_at", hour)
                    .containsEntry("raw_object", rawKey));
    assertThat(rows(CleanTables.EVENTS, cleanFile(rawKey)))
        .extracting(r -> r.get("message_id"))
        .containsExactly("ok-1", "ok-2");
  }

  private static byte[] gzip(String... lines) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      for (String line : lines) {
        gz.write(line.getBytes(StandardCharsets.UTF_8));
        gz.write('\n');
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void countsAMessageIdAlreadyStoredFromAnotherRawObjectAsDuplicate() throws IOException {
    String first = writeRaw("b1", List.of(track("m-1"), track("m-2")));
    String second = writeRaw("b2", List.of(track("m-2"), track("m-3")));
    RawToClean stage = rawToClean();

    StageCounts a = stage.convert(first);
    StageCounts b = stage.convert(second);

    assertThat(a.output()).isEqualTo(2);
    assertThat(a.duplicates()).isZero();
    assertThat(b.input()).isEqualTo(2);
    assertThat(b.output()).isEqualTo(1);
    assertThat(b.duplicates()).isEqualTo(1);
    assertBalanced(b);
    assertThat(rows(CleanTables.EVENTS, cleanFile(second)))
        .extracting(r -> r.get("message_id"))
        .containsExactly("m-3");
    // the dropped copy is recorded against its raw object, for erasure to find its line
    assertThat(DroppedDuplicates.rawObjectsHolding(lake, "acme", Set.of("m-2")))
        .containsExactly(second);
    assertThat(DroppedDuplicates.rawObjectsHolding(lake, "acme", Set.of("m-1", "m-3"))).isEmpty();
    assertThat(lake.list(LakeLayout.DUPLICATES_STATE)).hasSize(1);
  }

  @Test
  void remembersClaimsAcrossInstancesOfTheStage() throws IOException {
    String first = writeRaw("b1", List.of(track("m-1")));
    String second = writeRaw("b2", List.of(track("m-1")));
    rawToClean().convert(first);

    StageCounts b = rawToClean().convert(second);

    assertThat(b.duplicates()).isEqualTo(1);
    assertThat(b.output()).isZero();
    assertThat(Files.exists(cleanFile(second))).as("no empty clean file").isFalse();
  }

  @Test
  void storesTheClaimsOfAllChunksOfARawObjectInOneObject() throws IOException {
    List<Envelope> many = new ArrayList<>();
    for (int i = 0; i < 9_000; i++) { // three chunks of claims
      many.add(track("m-" + i));
    }
    String rawKey = writeRaw("b1", many);
    RawObject raw = parsed(rawKey);

    assertThat(rawToClean().convert(rawKey).output()).isEqualTo(9_000);

    assertThat(lake.list(LakeLayout.dedupDayPrefix("acme", raw.dt())))
        .containsExactly(LakeLayout.dedupUnitKey("acme", raw.dt(), raw.partId()));
    StageCounts again = rawToClean().convert(writeRaw("b2", List.of(track("m-8999"))));
    assertThat(again.duplicates()).isEqualTo(1);
  }

  @Test
  void aConversionThatFailsBeforeItsOutputIsStoredKeepsEveryEventWhenRunAgain() throws IOException {
    String rawKey = writeRaw("b1", List.of(track("m-1"), track("m-2")));
    ObjectStore failing =
        new ObjectStore() {
          @Override
          public void put(String key, byte[] content) throws IOException {
            lake.put(key, content);
          }

          @Override
          public void putFile(String key, Path file) throws IOException {
            throw new IOException("disk full");
          }

          @Override
          public Optional<byte[]> get(String key) throws IOException {
            return lake.get(key);
          }

          @Override
          public List<String> list(String prefix) throws IOException {
            return lake.list(prefix);
          }

          @Override
          public boolean exists(String key) throws IOException {
            return lake.exists(key);
          }

          @Override
          public void delete(String key) throws IOException {
            lake.delete(key);
          }
        };
    ObjectStoreDedupIndex index = new ObjectStoreDedupIndex(lake);
    RawToClean broken =
        new RawToClean(failing, index, t -> "US", VALIDATOR, temp.resolve("work"), clock);
    assertThatThrownBy(() -> broken.convert(rawKey)).hasMessageContaining("disk full");

    for (RawToClean stage :
        List.of(
            new RawToClean(lake, index, t -> "US", VALIDATOR, temp.resolve("work"), clock),
            rawToClean())) {
      StageCounts counts = stage.convert(rawKey);
      assertThat(counts.output()).isEqualTo(2);
      assertThat(counts.duplicates()).isZero();
    }
    assertThat(rows(CleanTables.EVENTS, cleanFile(rawKey)))
        .extracting(r -> r.get("message_id"))
        .containsExactly("m-1", "m-2");
  }

  @Test
  void storesNoQuarantineFileAndLeavesNoWorkFileWhenNothingIsRejected() throws IOException {
    String rawKey = writeRaw("b1", List.of(track("m-1"), track("m-2")));

    StageCounts counts = rawToClean().convert(rawKey);

    assertThat(counts.output()).isEqualTo(2);
    assertThat(counts.quarantined()).isEmpty();
    assertThat(quarantineFile(rawKey)).doesNotExist();
    assertThat(cleanFile(rawKey)).exists();
    try (var left = Files.list(temp.resolve("work"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void countsARepeatedMessageIdWithinOneRawObjectAsDuplicate() throws IOException {
    String rawKey = writeRaw("b1", List.of(track("m-1"), track("m-1"), track("m-2")));

    StageCounts counts = rawToClean().convert(rawKey);

    assertThat(counts.output()).isEqualTo(2);
    assertThat(counts.duplicates()).isEqualTo(1);
  }

  @Test
  void convertingTheSameRawObjectAgainCountsItsEventsAsOutputNotDuplicates() throws IOException {
    String rawKey = writeRaw("b1", List.of(track("m-1"), track("m-2"), track("m-3")));
    RawToClean stage = rawToClean();

    StageCounts first = stage.convert(rawKey);
    StageCounts again = stage.convert(rawKey);
    StageCounts afterRestart = rawToClean().convert(rawKey);

    for (StageCounts c : List.of(first, again, afterRestart)) {
      assertThat(c.input()).isEqualTo(3);
      assertThat(c.output()).isEqualTo(3);
      assertThat(c.duplicates()).isZero();
      assertBalanced(c);
    }
    List<Map<String, Object>> rows = rows(CleanTables.EVENTS, cleanFile(rawKey));
    assertThat(rows).extracting(r -> r.get("message_id")).containsExactly("m-1", "m-2", "m-3");
    try (var files = Files.walk(lake.path("clean/events/tenant=acme"))) {
      assertThat(files.filter(Files::isRegularFile)).hasSize(1);
    }
    assertThat(lake.list(LakeLayout.DUPLICATES_STATE))
        .as("its own ids are no duplicates")
        .isEmpty();
  }

  @Test
  void recordsBalancedAccountingThatMarksTheObjectDone() throws IOException {
    String rawKey =
        writeRaw(
            "b1",
            List.of(
                track("m-1"),
                track("m-1"),
                envelope("bad", null, "{\"type\":\"track\",\"userId\":\"u\"}")));
    RawToClean stage = rawToClean();
    assertThat(stage.pending()).containsExactly(rawKey);

    StageCounts counts = stage.convert(rawKey);

    assertThat(stage.pending()).isEmpty();
    assertThat(stage.isDone(rawKey)).isTrue();
    RawObject raw = parsed(rawKey);
    StageCounts stored =
        new AccountingLedger(lake)
            .read(AccountingLedger.key(RawToClean.STAGE, "acme", raw.dt(), raw.partId()))
            .orElseThrow();
    assertThat(stored).isEqualTo(counts);
    assertThat(stored.unit()).isEqualTo(rawKey);
    assertThat(stored.finishedAt()).isEqualTo(NOW);
    assertThat(stored.input()).isEqualTo(3);
    assertThat(stored.output() + stored.quarantinedTotal() + stored.duplicates()).isEqualTo(3);
    assertThat(stored.output()).isEqualTo(1);
    assertThat(stored.duplicates()).isEqualTo(1);
    assertThat(stored.quarantined()).containsOnly(Map.entry(Reason.MISSING_FIELD, 1L));
  }
}
