package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** {@link KinesisEventSink}'s chunking and retries, against a scripted Kinesis client. */
class KinesisEventSinkTest {
  private static final Instant RECEIVED_AT = Instant.parse("2026-11-24T10:00:00Z");

  /** Answers PutRecords with {@code answer} and keeps every request. */
  private static final class ScriptedKinesis implements KinesisClient {
    final List<PutRecordsRequest> requests = new ArrayList<>();
    private final Function<PutRecordsRequest, PutRecordsResponse> answer;

    ScriptedKinesis(Function<PutRecordsRequest, PutRecordsResponse> answer) {
      this.answer = answer;
    }

    @Override
    public PutRecordsResponse putRecords(PutRecordsRequest request) {
      requests.add(request);
      return answer.apply(request);
    }

    @Override
    public String serviceName() {
      return "kinesis";
    }

    @Override
    public void close() {}
  }

  private final List<Duration> sleeps = new ArrayList<>();

  private static Envelope envelope(int i, int payloadChars) {
    String payload =
        "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"properties\":{\"pad\":\""
            + "x".repeat(payloadChars)
            + "\"}}";
    return new Envelope("acme", "web", "m-" + i, "track", RECEIVED_AT, "r-1", null, payload);
  }

  private static List<Envelope> envelopes(int n, int payloadChars) {
    return IntStream.range(0, n).mapToObj(i -> envelope(i, payloadChars)).toList();
  }

  private static PutRecordsResponse allStored(PutRecordsRequest r) {
    return PutRecordsResponse.builder()
        .failedRecordCount(0)
        .records(
            r.records().stream()
                .map(e -> PutRecordsResultEntry.builder().shardId("shardId-0").sequenceNumber("1"))
                .map(b -> b.build())
                .toList())
        .build();
  }

  /** Refuses the records whose partition key is in {@code refused}, stores the others. */
  private static PutRecordsResponse refusing(PutRecordsRequest r, List<String> refused) {
    List<PutRecordsResultEntry> results = new ArrayList<>();
    int failed = 0;
    for (PutRecordsRequestEntry e : r.records()) {
      if (refused.contains(e.partitionKey())) {
        failed++;
        results.add(
            PutRecordsResultEntry.builder()
                .errorCode("ProvisionedThroughputExceededException")
                .errorMessage("Rate exceeded for shard shardId-0")
                .build());
      } else {
        results.add(
            PutRecordsResultEntry.builder().shardId("shardId-0").sequenceNumber("1").build());
      }
    }
    return PutRecordsResponse.builder().failedRecordCount(failed).records(results).build();
  }

  private KinesisEventSink sink(KinesisClient kinesis, int attempts) {
    return new KinesisEventSink(kinesis, "cdp-events", attempts, sleeps::add);
  }

  @Test
  void sendsTheEnvelopeLineAsDataAndTenantSlashMessageIdAsPartitionKey() throws Exception {
    ScriptedKinesis kinesis = new ScriptedKinesis(KinesisEventSinkTest::allStored);
    Envelope e = envelope(7, 10);
    sink(kinesis, 5).append(List.of(e));
    assertThat(kinesis.requests).hasSize(1);
    PutRecordsRequest request = kinesis.requests.get(0);
    assertThat(request.streamName()).isEqualTo("cdp-events");
    PutRecordsRequestEntry record = request.records().get(0);
    assertThat(record.partitionKey()).isEqualTo("acme/m-7");
    assertThat(record.data().asByteArray()).isEqualTo(EnvelopeCodec.encodeBytes(e));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void sendsAtMost500RecordsPerRequest() throws Exception {
    ScriptedKinesis kinesis = new ScriptedKinesis(KinesisEventSinkTest::allStored);
    sink(kinesis, 5).append(envelopes(1_201, 10));
    assertThat(kinesis.requests).extracting(r -> r.records().size()).containsExactly(500, 500, 201);
  }

  @Test
  void sendsAtMostFiveMegabytesPerRequest() throws Exception {
    ScriptedKinesis kinesis = new ScriptedKinesis(KinesisEventSinkTest::allStored);
    sink(kinesis, 5).append(envelopes(20, 600_000));
    assertThat(kinesis.requests).hasSizeGreaterThan(1);
    for (PutRecordsRequest r : kinesis.requests) {
      long bytes =
          r.records().stream()
              .mapToLong(e -> e.data().asByteArray().length + e.partitionKey().length())
              .sum();
      assertThat(bytes).isLessThanOrEqualTo(KinesisEventSink.MAX_BYTES_PER_REQUEST);
    }
    assertThat(kinesis.requests.stream().mapToInt(r -> r.records().size()).sum()).isEqualTo(20);
  }

  @Test
  void sendsNothingForNoEnvelopes() throws Exception {
    ScriptedKinesis kinesis = new ScriptedKinesis(KinesisEventSinkTest::allStored);
    sink(kinesis, 5).append(List.of());
    assertThat(kinesis.requests).isEmpty();
  }

  @Test
  void resendsOnlyTheRefusedRecordsAfterABackoff() throws Exception {
    ScriptedKinesis kinesis =
        new ScriptedKinesis(
            r ->
                r.records().size() == 4
                    ? refusing(r, List.of("acme/m-1", "acme/m-3"))
                    : allStored(r));
    sink(kinesis, 5).append(envelopes(4, 10));
    assertThat(kinesis.requests).hasSize(2);
    assertThat(kinesis.requests.get(1).records())
        .extracting(PutRecordsRequestEntry::partitionKey)
        .containsExactly("acme/m-1", "acme/m-3");
    assertThat(sleeps).containsExactly(Duration.ofMillis(50));
  }

  @Test
  void throwsWhenRecordsAreStillRefusedAfterTheLastAttempt() {
    ScriptedKinesis kinesis = new ScriptedKinesis(r -> refusing(r, List.of("acme/m-0")));
    KinesisEventSink sink = sink(kinesis, 5);
    assertThatThrownBy(() -> sink.append(envelopes(3, 10)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "1 of 3 records could not be written to Kinesis stream cdp-events after 5 attempts"
                + " {ProvisionedThroughputExceededException=1}");
    assertThat(kinesis.requests).hasSize(5);
    assertThat(kinesis.requests.subList(1, 5)).allSatisfy(r -> assertThat(r.records()).hasSize(1));
    assertThat(sleeps)
        .containsExactly(
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400));
  }

  @Test
  void backoffDoublesUpToOneSecond() {
    ScriptedKinesis kinesis = new ScriptedKinesis(r -> refusing(r, List.of("acme/m-0")));
    KinesisEventSink sink = sink(kinesis, 8);
    assertThatThrownBy(() -> sink.append(envelopes(1, 10))).isInstanceOf(IOException.class);
    assertThat(sleeps)
        .extracting(Duration::toMillis)
        .containsExactly(50L, 100L, 200L, 400L, 800L, 1000L, 1000L);
  }

  @Test
  void reportsAServiceFailureAsAnIoException() {
    ScriptedKinesis kinesis =
        new ScriptedKinesis(
            r -> {
              throw SdkClientException.create("Unable to execute HTTP request: connect timed out");
            });
    KinesisEventSink sink = sink(kinesis, 5);
    assertThatThrownBy(() -> sink.append(envelopes(2, 10)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("PutRecords to Kinesis stream cdp-events failed")
        .hasMessageContaining("connect timed out");
  }

  @Test
  void refusesAnEnvelopeLargerThanAKinesisRecordBeforeSendingAnything() {
    ScriptedKinesis kinesis = new ScriptedKinesis(KinesisEventSinkTest::allStored);
    KinesisEventSink sink = sink(kinesis, 5);
    List<Envelope> batch = List.of(envelope(0, 10), envelope(1, 1_100_000));
    assertThatThrownBy(() -> sink.append(batch))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("envelope m-1 is")
        .hasMessageContaining("a Kinesis record holds at most 1048576");
    assertThat(kinesis.requests).isEmpty();
  }
}
