package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import io.meridian.cdp.accounting.AccountingLedger;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.parquet.ParquetFiles;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three handlers chained as AWS chains them: API Gateway → ingest-api → Kinesis (a recording
 * sink) → stream-to-raw → S3 ObjectCreated → raw-to-clean → clean Parquet.
 */
class PipelineEndToEndTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T10:05:00Z"), ZoneOffset.UTC);
  private static final String BUCKET = "cdp-lake-123456789012-us-east-1";

  @TempDir Path temp;

  @Test
  void callsSentToTheApiEndUpAsCleanParquetRows() throws Exception {
    RecordingSink kinesis = RecordingSink.working();
    IngestApiHandler ingest = new IngestApiHandler(Fixtures.config(), kinesis);
    for (String fixture : List.of("track.json", "batch.json")) {
      APIGatewayV2HTTPEvent request =
          Fixtures.event("api-gateway/" + fixture, APIGatewayV2HTTPEvent.class);
      assertThat(ingest.handleRequest(request, null).getStatusCode()).as(fixture).isEqualTo(200);
    }
    assertThat(kinesis.envelopes).hasSize(5);

    InMemoryObjectStore lake = new InMemoryObjectStore();
    StreamToRawHandler streamToRaw = new StreamToRawHandler(lake, CLOCK);
    assertThat(
            streamToRaw.handleRequest(kinesisEvent(kinesis.envelopes), null).getBatchItemFailures())
        .isEmpty();
    List<String> rawKeys =
        lake.list(LakeLayout.RAW).stream()
            .filter(k -> LakeLayout.parseRawKey(k).isPresent())
            .toList();
    assertThat(rawKeys).hasSize(1);

    RawToCleanHandler rawToClean =
        new RawToCleanHandler(bucket -> lake, Fixtures.config(), temp.resolve("work"), CLOCK);
    for (String key : rawKeys) {
      rawToClean.handleRequest(objectCreated(key), null);
    }

    List<String> cleanKeys = lake.list(LakeLayout.CLEAN_EVENTS);
    assertThat(cleanKeys).hasSize(1);
    Path parquet = temp.resolve("clean.parquet");
    Files.write(parquet, lake.get(cleanKeys.get(0)).orElseThrow());
    List<Object[]> rows = ParquetFiles.readAll(CleanTables.EVENTS, parquet);
    assertThat(rows)
        .extracting(r -> r[1])
        .containsExactly(
            "node-next-1795514398000-7f3c",
            "ajs-next-1795514400900-a1",
            "ajs-next-1795514401000-a2",
            "ajs-next-1795514401100-a3");
    StageCounts clean = new AccountingLedger(lake).all("clean").get(0);
    assertThat(clean.input()).isEqualTo(5);
    assertThat(clean.output()).isEqualTo(4);
    assertThat(clean.quarantinedTotal()).isEqualTo(1);
  }

  /** What Lambda hands stream-to-raw: the records Kinesis stored, from one shard, in order. */
  private static KinesisEvent kinesisEvent(List<Envelope> envelopes) {
    BigInteger sequence =
        new BigInteger("49656888040426347519423587362519436282119016226734407682");
    List<KinesisEventRecord> records = new ArrayList<>();
    for (Envelope e : envelopes) {
      KinesisEvent.Record data = new KinesisEvent.Record();
      data.setKinesisSchemaVersion("1.0");
      data.withSequenceNumber(sequence.toString())
          .withPartitionKey(e.tenant() + "/" + e.messageId())
          .withData(ByteBuffer.wrap(EnvelopeCodec.encodeBytes(e)))
          .withApproximateArrivalTimestamp(Date.from(e.receivedAt().plusMillis(150)));
      KinesisEventRecord record = new KinesisEventRecord();
      record.setKinesis(data);
      record.setEventID("shardId-000000000000:" + sequence);
      record.setEventSource("aws:kinesis");
      record.setEventName("aws:kinesis:record");
      record.setEventSourceARN("arn:aws:kinesis:us-east-1:123456789012:stream/cdp-events");
      records.add(record);
      sequence = sequence.add(BigInteger.TWO);
    }
    KinesisEvent event = new KinesisEvent();
    event.setRecords(records);
    return event;
  }

  /** The S3 notification for {@code key}, URL-encoded as S3 sends it. */
  private static S3Event objectCreated(String key) {
    String fixture = Fixtures.text("s3/raw-object-created.json");
    String fixtureKey =
        Fixtures.event("s3/raw-object-created.json", S3Event.class)
            .getRecords()
            .get(0)
            .getS3()
            .getObject()
            .getKey();
    String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    S3Event event = Fixtures.eventFromJson(fixture.replace(fixtureKey, encoded), S3Event.class);
    assertThat(event.getRecords().get(0).getS3().getBucket().getName()).isEqualTo(BUCKET);
    return event;
  }
}
