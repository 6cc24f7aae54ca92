package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.accounting.AccountingLedger;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class StreamToRawHandlerTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T10:00:05Z"), ZoneOffset.UTC);
  private static final String FIRST_SEQUENCE =
      "49656888040426347519423587362519436282119016226734407682";
  private static final String RAW_KEY =
      "raw/tenant=acme/source=web/dt=2026-11-24/hour=10/kinesis-000000000000-"
          + FIRST_SEQUENCE
          + "-n4.jsonl.gz";

  private final InMemoryObjectStore lake = new InMemoryObjectStore();
  private final StreamToRawHandler handler = new StreamToRawHandler(lake, CLOCK);

  private static KinesisEvent event(String name) {
    return Fixtures.event("kinesis/" + name, KinesisEvent.class);
  }

  private static List<String> gunzipLines(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static byte[] data(KinesisEventRecord r) {
    ByteBuffer b = r.getKinesis().getData().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void logsWithTheBatchIdAndPublishesTheBatchsCountsAndLagAsMetrics() {
    KinesisEvent event = event("with-unroutable.json");
    Instant oldest =
        event.getRecords().stream()
            .map(r -> r.getKinesis().getApproximateArrivalTimestamp().toInstant())
            .min(Instant::compareTo)
            .orElseThrow();
    String batch =
        "kinesis-000000000000-" + event.getRecords().get(0).getKinesis().getSequenceNumber();

    List<JsonNode> logs;
    List<JsonNode> metrics;
    try (LogCapture log = new LogCapture()) {
      handler.handleRequest(event, LogCapture.context("req-7"));
      logs = log.logs();
      metrics = log.metrics();
    }

    // The warning about the unroutable records, with the batch as correlation id.
    assertThat(logs).isNotEmpty();
    for (JsonNode line : logs) {
      assertThat(line.path("correlation_id").asText()).startsWith(batch);
      assertThat(line.path("function_request_id").asText()).isEqualTo("req-7");
    }
    JsonNode perBatch = metrics.stream().filter(m -> m.has("RecordsIn")).findFirst().orElseThrow();
    assertThat(LogCapture.metricNames(perBatch))
        .containsExactly("RecordsIn", "RecordsUnroutable", "ObjectsWritten", "ArrivalLagMillis");
    assertThat(perBatch.path("RecordsIn").asLong()).isEqualTo(event.getRecords().size());
    assertThat(perBatch.path("RecordsUnroutable").asLong()).isPositive();
    assertThat(perBatch.path("ArrivalLagMillis").asLong())
        .isEqualTo(CLOCK.millis() - oldest.toEpochMilli());
    // Per raw object written: the raw stage's accounting, with its tenant.
    JsonNode perObject = metrics.stream().filter(m -> m.has("EventsIn")).findFirst().orElseThrow();
    assertThat(perObject.path("Stage").asText()).isEqualTo("raw");
    assertThat(perObject.path("Tenant").asText()).isEqualTo("acme");
  }

  @Test
  void writesTheBatchAsOneRawObjectNamedAfterShardAndFirstSequenceNumber() throws Exception {
    KinesisEvent event = event("envelopes.json");

    StreamsEventResponse response = handler.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(lake.list("raw/")).containsExactly(RAW_KEY);
    List<Envelope> stored =
        gunzipLines(lake.get(RAW_KEY).orElseThrow()).stream().map(EnvelopeCodec::decode).toList();
    List<Envelope> sent =
        event.getRecords().stream()
            .map(StreamToRawHandlerTest::data)
            .map(d -> EnvelopeCodec.decode(d, 0, d.length))
            .toList();
    assertThat(stored).containsExactlyElementsOf(sent);
  }

  @Test
  void accountsForEveryEnvelopeWritten() throws Exception {
    handler.handleRequest(event("envelopes.json"), null);

    List<StageCounts> counts = new AccountingLedger(lake).all("raw");
    assertThat(counts).hasSize(1);
    assertThat(counts.get(0).unit()).isEqualTo(RAW_KEY);
    assertThat(counts.get(0).input()).isEqualTo(4);
    assertThat(counts.get(0).output()).isEqualTo(4);
    assertThat(counts.get(0).finishedAt()).isEqualTo(CLOCK.instant());
  }

  @Test
  void aRedeliveredBatchRewritesTheSameObjectWithTheSameBytes() throws Exception {
    handler.handleRequest(event("envelopes.json"), null);
    byte[] first = lake.get(RAW_KEY).orElseThrow();
    List<String> keys = lake.list("");

    StreamsEventResponse again = handler.handleRequest(event("envelopes.json"), null);

    assertThat(again.getBatchItemFailures()).isEmpty();
    assertThat(lake.list("")).isEqualTo(keys);
    assertThat(lake.get(RAW_KEY)).hasValue(first);
  }

  @Test
  void keepsUndecodableRecordsUnderUnroutableAndStillWritesTheOthers() throws Exception {
    KinesisEvent event = event("with-unroutable.json");
    KinesisEventRecord legacy = event.getRecords().get(4);

    StreamsEventResponse response = handler.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    String batch = "kinesis-000000000000-" + FIRST_SEQUENCE + "-n5";
    assertThat(lake.list(LakeLayout.RAW_UNROUTABLE))
        .containsExactly("_unroutable/raw/dt=2026-11-24/" + batch + ".jsonl.gz");
    assertThat(lake.list("raw/"))
        .containsExactly("raw/tenant=acme/source=web/dt=2026-11-24/hour=10/" + batch + ".jsonl.gz");
    assertThat(gunzipLines(lake.get(lake.list("raw/tenant=acme/").get(0)).orElseThrow()))
        .hasSize(4);
    List<String> lines =
        gunzipLines(lake.get("_unroutable/raw/dt=2026-11-24/" + batch + ".jsonl.gz").orElseThrow());
    assertThat(lines).hasSize(1);
    JsonNode line = Json.MAPPER.readTree(lines.get(0));
    assertThat(line.get("shardId").asText()).isEqualTo("shardId-000000000000");
    assertThat(line.get("sequenceNumber").asText())
        .isEqualTo(legacy.getKinesis().getSequenceNumber());
    assertThat(line.get("partitionKey").asText()).isEqualTo("legacy-producer-1");
    assertThat(line.get("reason").asText()).contains("unsupported envelope version");
    assertThat(Base64.getDecoder().decode(line.get("data").asText())).isEqualTo(data(legacy));
  }

  @Test
  void treatsAnEnvelopeWithAnInvalidTenantIdAsUnroutable() throws Exception {
    Envelope bad =
        new Envelope(
            "Acme Corp",
            "web",
            "m-1",
            "track",
            Instant.parse("2026-11-24T10:00:00Z"),
            "r",
            null,
            "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\"}");
    KinesisEvent event = new KinesisEvent();
    event.setRecords(
        List.of(record("shardId-000000000003", "100", EnvelopeCodec.encodeBytes(bad))));

    StreamsEventResponse response = handler.handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(lake.list(LakeLayout.RAW_UNROUTABLE))
        .containsExactly("_unroutable/raw/dt=2026-11-24/kinesis-000000000003-100-n1.jsonl.gz");
    assertThat(lake.list("raw/")).isEmpty();
  }

  @Test
  void reportsEveryRecordFromTheFirstWhenTheLakeCannotBeWritten() {
    KinesisEvent event = event("envelopes.json");
    StreamToRawHandler failing = new StreamToRawHandler(new UnwritableStore(), CLOCK);

    StreamsEventResponse response = failing.handleRequest(event, null);

    assertThat(response.getBatchItemFailures())
        .extracting(BatchItemFailure::getItemIdentifier)
        .containsExactlyElementsOf(
            event.getRecords().stream().map(r -> r.getKinesis().getSequenceNumber()).toList())
        .first()
        .isEqualTo(FIRST_SEQUENCE);
  }

  @Test
  void batchIdsAreKeySafeForAnyShardIdAndSequenceNumber() {
    assertThat(KinesisBatch.id("shardId-000000000000", FIRST_SEQUENCE, 4))
        .isEqualTo("kinesis-000000000000-" + FIRST_SEQUENCE + "-n4");
    String longest = "9".repeat(129);
    for (String id :
        List.of(
            KinesisBatch.id("shardId-" + "7".repeat(120), longest, 10_000),
            KinesisBatch.id("shard/with:odd chars", "1", 1))) {
      assertThat(id).matches("kinesis-[0-9a-f]{48}");
    }
    assertThat(KinesisBatch.id("shardId-000000000001", "5", 3))
        .isNotEqualTo(KinesisBatch.id("shardId-000000000001", "5", 2))
        .isNotEqualTo(KinesisBatch.id("shardId-000000000002", "5", 3));
  }

  @Test
  void answersAnEmptyBatchWithNoFailures() {
    KinesisEvent event = new KinesisEvent();
    event.setRecords(List.of());

    assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
    assertThat(lake.list("")).isEmpty();
  }

  private static KinesisEventRecord record(String shard, String sequence, byte[] data) {
    KinesisEvent.Record kinesis = new KinesisEvent.Record();
    kinesis.setKinesisSchemaVersion("1.0");
    kinesis
        .withSequenceNumber(sequence)
        .withPartitionKey("acme/m-1")
        .withData(ByteBuffer.wrap(data))
        .withApproximateArrivalTimestamp(Date.from(Instant.parse("2026-11-24T10:00:00.200Z")));
    KinesisEventRecord r = new KinesisEventRecord();
    r.setKinesis(kinesis);
    r.setEventID(shard + ":" + sequence);
    r.setEventSource("aws:kinesis");
    r.setEventName("aws:kinesis:record");
    return r;
  }

  /** A lake whose writes fail, as S3 does during an outage. */
  private static final class UnwritableStore implements ObjectStore {
    @Override
    public void put(String key, byte[] content) throws IOException {
      throw new IOException("S3 put of s3://cdp-lake/" + key + " failed: Service Unavailable");
    }

    @Override
    public void putFile(String key, Path file) throws IOException {
      throw new IOException("S3 put of s3://cdp-lake/" + key + " failed: Service Unavailable");
    }

    @Override
    public Optional<byte[]> get(String key) {
      return Optional.empty();
    }

    @Override
    public List<String> list(String prefix) {
      return List.of();
    }

    @Override
    public boolean exists(String key) {
      return false;
    }

    @Override
    public void delete(String key) {}
  }

  @Test
  void unroutableRecordsAreFiledByTheDayTheyArrived() {
    KinesisBatch batch =
        KinesisBatch.of(List.of(record("shardId-000000000000", "7", "garbage".getBytes())));
    assertThat(batch.unroutableKey())
        .isEqualTo(
            "_unroutable/raw/dt="
                + LocalDate.of(2026, 11, 24)
                + "/kinesis-000000000000-7-n1.jsonl.gz");
  }
}
