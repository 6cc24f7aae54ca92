package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** {@link KinesisEventSink} against moto server's Kinesis. */
class KinesisEventSinkIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private static final AtomicInteger STREAMS = new AtomicInteger();
  private static final Instant RECEIVED_AT = Instant.parse("2026-11-24T10:00:00.123Z");

  private KinesisClient kinesis;
  private String stream;

  @BeforeEach
  void createStream() {
    kinesis = MOTO.kinesis();
    stream = "cdp-events-" + STREAMS.incrementAndGet();
    kinesis.createStream(b -> b.streamName(stream).shardCount(2));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                kinesis
                        .describeStreamSummary(b -> b.streamName(stream))
                        .streamDescriptionSummary()
                        .streamStatus()
                    == StreamStatus.ACTIVE);
  }

  private static Envelope envelope(String tenant, int i, int padding) {
    return new Envelope(
        tenant,
        "web",
        "msg-" + i,
        "track",
        RECEIVED_AT,
        "req-1",
        "{\"context\":{\"library\":{\"name\":\"analytics.js\"}}}",
        "{\"type\":\"track\",\"event\":\"Signed Up\",\"userId\":\"u-"
            + i
            + "\",\"properties\":{\"pad\":\""
            + "p".repeat(padding)
            + "\"}}");
  }

  /** Every record of every shard of the stream, oldest first per shard. */
  private List<Record> readAll() {
    List<Record> out = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String it = iterator;
        GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(it).limit(10_000));
        out.addAll(r.records());
        iterator = r.records().isEmpty() ? null : r.nextShardIterator();
      }
    }
    return out;
  }

  @Test
  void storesEachEnvelopeAsOneRecordKeyedByTenantAndMessageId() throws Exception {
    List<Envelope> sent =
        List.of(envelope("acme", 1, 0), envelope("acme", 2, 0), envelope("globex", 3, 0));
    new KinesisEventSink(kinesis, stream).append(sent);

    List<Record> records = readAll();
    assertThat(records)
        .extracting(Record::partitionKey)
        .containsExactlyInAnyOrder("acme/msg-1", "acme/msg-2", "globex/msg-3");
    assertThat(records)
        .extracting(
            r -> EnvelopeCodec.decode(r.data().asByteArray(), 0, r.data().asByteArray().length))
        .containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void storesMoreThanOneRequestWorthOfRecords() throws Exception {
    List<Envelope> sent = IntStream.range(0, 1_203).mapToObj(i -> envelope("acme", i, 0)).toList();
    new KinesisEventSink(kinesis, stream).append(sent);
    assertThat(readAll()).hasSize(1_203);
  }

  @Test
  void storesMoreThanFiveMegabytesSplitAcrossRequests() throws Exception {
    List<Envelope> sent =
        IntStream.range(0, 12).mapToObj(i -> envelope("acme", i, 700_000)).toList();
    new KinesisEventSink(kinesis, stream).append(sent);
    assertThat(readAll())
        .extracting(
            r -> EnvelopeCodec.decode(r.data().asByteArray(), 0, r.data().asByteArray().length))
        .containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void failsWithAnIoExceptionWhenTheStreamDoesNotExist() {
    KinesisEventSink sink = new KinesisEventSink(kinesis, "no-such-stream");
    assertThatThrownBy(() -> sink.append(List.of(envelope("acme", 1, 0))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("PutRecords to Kinesis stream no-such-stream failed");
  }
}
