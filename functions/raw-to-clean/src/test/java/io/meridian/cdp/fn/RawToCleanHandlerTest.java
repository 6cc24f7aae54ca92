package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.meridian.cdp.accounting.AccountingLedger;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.clean.ObjectStoreDedupIndex;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.TableSchema;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawToCleanHandlerTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T10:00:06Z"), ZoneOffset.UTC);
  private static final String BUCKET = "cdp-lake-123456789012-us-east-1";
  private static final String BATCH =
      "kinesis-000000000000-49656888040426347519423587362519436282119016226734407682-n4";
  private static final String RAW_KEY =
      "raw/tenant=acme/source=web/dt=2026-11-24/hour=10/" + BATCH + ".jsonl.gz";
  private static final String CLEAN_KEY =
      "clean/events/tenant=acme/dt=2026-11-24/web-h10-" + BATCH + ".parquet";
  private static final String QUARANTINE_KEY =
      "quarantine/records/tenant=acme/dt=2026-11-24/web-h10-" + BATCH + ".parquet";

  @TempDir Path temp;

  private final InMemoryObjectStore lake = new InMemoryObjectStore();
  private final Map<String, Integer> lakeRequests = new ConcurrentHashMap<>();
  private final List<StageCounts> published = new ArrayList<>();
  private RawToCleanHandler handler;

  @BeforeEach
  void setUp() {
    handler =
        new RawToCleanHandler(
            bucket -> {
              lakeRequests.merge(bucket, 1, Integer::sum);
              return lake;
            },
            ObjectStoreDedupIndex::new,
            published::add,
            Fixtures.config(),
            temp.resolve("work"),
            CLOCK);
  }

  @Test
  void publishesTheCountsOfEachConvertedObjectAsMetricsOnce() {
    streamToRaw();

    handler.handleRequest(rawObjectCreated(), null);
    handler.handleRequest(rawObjectCreated(), null); // delivered twice: skipped, nothing published

    assertThat(published).hasSize(1);
    StageCounts c = published.get(0);
    assertThat(c.tenant()).isEqualTo("acme");
    assertThat(c.input()).isEqualTo(4);
    assertThat(c.output()).isEqualTo(3);
    assertThat(c.quarantinedTotal()).isEqualTo(1);
  }

  /** Writes the raw object the S3 fixture names, as stream-to-raw does from the Kinesis fixture. */
  private void streamToRaw() {
    new StreamToRawHandler(lake, CLOCK)
        .handleRequest(Fixtures.event("kinesis/envelopes.json", KinesisEvent.class), null);
  }

  private static S3Event rawObjectCreated() {
    return Fixtures.event("s3/raw-object-created.json", S3Event.class);
  }

  /** The S3 fixture, naming {@code encodedKey} instead of its own object. */
  private static S3Event objectCreated(String encodedKey) {
    String json =
        Fixtures.text("s3/raw-object-created.json")
            .replace(
                "raw/tenant%3Dacme/source%3Dweb/dt%3D2026-11-24/hour%3D10/" + BATCH + ".jsonl.gz",
                encodedKey);
    return Fixtures.eventFromJson(json, S3Event.class);
  }

  private List<Object[]> rows(TableSchema table, String key) throws Exception {
    Path file = Files.createTempFile(temp, "read-", ".parquet");
    Files.write(file, lake.get(key).orElseThrow());
    return ParquetFiles.readAll(table, file);
  }

  private static List<Object> column(TableSchema table, List<Object[]> rows, String name) {
    int i = table.columns().stream().map(c -> c.name()).toList().indexOf(name);
    List<Object> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(r[i]);
    }
    return out;
  }

  @Test
  void decodesTheUrlEncodedKeyOfTheEvent() {
    assertThat(RawToCleanHandler.objectKey(rawObjectCreated().getRecords().get(0)))
        .isEqualTo(RAW_KEY);
    assertThat(
            RawToCleanHandler.objectKey(objectCreated("raw/a+b%2Bc/d%3De.gz").getRecords().get(0)))
        .isEqualTo("raw/a b+c/d=e.gz");
  }

  @Test
  void convertsTheRawObjectOfTheEventToCleanParquetAndQuarantine() throws Exception {
    streamToRaw();

    handler.handleRequest(rawObjectCreated(), null);

    assertThat(lakeRequests).containsOnlyKeys(BUCKET);
    List<Object[]> clean = rows(CleanTables.EVENTS, CLEAN_KEY);
    assertThat(column(CleanTables.EVENTS, clean, "message_id"))
        .containsExactly(
            "ajs-next-1795514400900-a1", "ajs-next-1795514401000-a2", "ajs-next-1795514401100-a3");
    assertThat(column(CleanTables.EVENTS, clean, "type"))
        .containsExactly("identify", "page", "track");
    List<Object[]> quarantined = rows(CleanTables.QUARANTINE, QUARANTINE_KEY);
    assertThat(column(CleanTables.QUARANTINE, quarantined, "message_id"))
        .containsExactly("ajs-next-1795514401200-a4");
    assertThat(column(CleanTables.QUARANTINE, quarantined, "reason"))
        .containsExactly("missing_field");
  }

  @Test
  void accountsForEveryRecordOfTheRawObject() throws Exception {
    streamToRaw();

    handler.handleRequest(rawObjectCreated(), null);

    List<StageCounts> counts = new AccountingLedger(lake).all("clean");
    assertThat(counts).hasSize(1);
    StageCounts c = counts.get(0);
    assertThat(c.unit()).isEqualTo(RAW_KEY);
    assertThat(c.input()).isEqualTo(4);
    assertThat(c.output()).isEqualTo(3);
    assertThat(c.quarantined()).containsExactly(Map.entry("missing_field", 1L));
    assertThat(c.duplicates()).isZero();
  }

  @Test
  void aRedeliveredEventLeavesTheSameSingleCleanFile() throws Exception {
    streamToRaw();
    handler.handleRequest(rawObjectCreated(), null);
    byte[] first = lake.get(CLEAN_KEY).orElseThrow();
    List<String> keys = lake.list("");

    handler.handleRequest(rawObjectCreated(), null);

    assertThat(lake.list("")).isEqualTo(keys);
    assertThat(lake.list("clean/")).containsExactly(CLEAN_KEY);
    assertThat(lake.get(CLEAN_KEY)).hasValue(first);
  }

  @Test
  void reconvertingAfterACrashBeforeAccountingCountsNoRecordAsItsOwnDuplicate() throws Exception {
    streamToRaw();
    handler.handleRequest(rawObjectCreated(), null);
    lake.list("_ops/accounting/stage=clean/").forEach(lake::delete);

    handler.handleRequest(rawObjectCreated(), null);

    assertThat(lake.list("clean/")).containsExactly(CLEAN_KEY);
    assertThat(rows(CleanTables.EVENTS, CLEAN_KEY)).hasSize(3);
    StageCounts again = new AccountingLedger(lake).all("clean").get(0);
    assertThat(again.output()).isEqualTo(3);
    assertThat(again.duplicates()).isZero();
  }

  @Test
  void skipsObjectsOutsideTheRawZoneWithoutTouchingTheLake() {
    streamToRaw();
    List<String> keys = lake.list("");

    handler.handleRequest(
        objectCreated("_unroutable/raw/dt%3D2026-11-24/" + BATCH + ".jsonl.gz"), null);
    handler.handleRequest(objectCreated("clean/events/tenant%3Dacme/x.parquet"), null);

    assertThat(lake.list("")).isEqualTo(keys);
    assertThat(lakeRequests).isEmpty();
  }

  @Test
  void failsSoLambdaRetriesWhenTheRawObjectIsMissing() {
    assertThatThrownBy(() -> handler.handleRequest(rawObjectCreated(), null))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("converting s3://" + BUCKET + "/" + RAW_KEY + " failed");
    assertThat(lake.list("clean/")).isEmpty();
  }
}
