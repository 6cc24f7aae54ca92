package io.meridian.cdp.aws;

import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.ingest.EventSink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * A Kinesis data stream as the {@link EventSink} of the ingestion API. Each envelope becomes one
 * record: the data is the envelope's line ({@link EnvelopeCodec#encodeBytes}), the partition key is
 * {@code tenant/messageId}, which spreads a tenant's events over the shards.
 *
 * <p>Envelopes are sent with PutRecords in requests of at most 500 records and 5 MB. PutRecords may
 * store some records of a request and refuse others (throttling, internal errors); only the refused
 * ones are sent again, after an exponential backoff (50 ms doubling, at most 1 s between attempts,
 * 5 attempts in all: under a second of waiting). If records are still refused after that, {@link
 * #append} throws, so that the API answers 503 and the client retries the whole request. The
 * records that were stored by then are stored twice after that retry; the clean stage drops the
 * second copy by messageId. Nothing is ever dropped silently.
 */
public final class KinesisEventSink implements EventSink {
  /** Most records in one PutRecords request. */
  static final int MAX_RECORDS_PER_REQUEST = 500;

  /** Most bytes (data plus partition keys) in one PutRecords request. */
  static final long MAX_BYTES_PER_REQUEST = 5L * 1024 * 1024;

  /** Most bytes (data plus partition key) in one record. */
  static final int MAX_BYTES_PER_RECORD = 1024 * 1024;

  private static final int ATTEMPTS = 5;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  /** Waits between attempts; replaced in tests. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final KinesisClient kinesis;
  private final String streamName;
  private final int attempts;
  private final Sleeper sleeper;

  public KinesisEventSink(KinesisClient kinesis, String streamName) {
    this(kinesis, streamName, ATTEMPTS, d -> Thread.sleep(d.toMillis()));
  }

  KinesisEventSink(KinesisClient kinesis, String streamName, int attempts, Sleeper sleeper) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    this.kinesis = kinesis;
    this.streamName = streamName;
    this.attempts = attempts;
    this.sleeper = sleeper;
  }

  /**
   * Stores {@code envelopes}; checks every record's size before sending any, so an envelope too
   * large for Kinesis fails the call without storing part of it.
   */
  @Override
  public void append(List<Envelope> envelopes) throws IOException {
    List<PutRecordsRequestEntry> records = new ArrayList<>(envelopes.size());
    long[] sizes = new long[envelopes.size()];
    for (Envelope e : envelopes) {
      byte[] data = EnvelopeCodec.encodeBytes(e);
      String partitionKey = e.tenant() + "/" + e.messageId();
      long bytes = data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_BYTES_PER_RECORD) {
        throw new IOException(
            "envelope "
                + e.messageId()
                + " is "
                + bytes
                + " bytes; a Kinesis record holds at most "
                + MAX_BYTES_PER_RECORD);
      }
      sizes[records.size()] = bytes;
      records.add(
          PutRecordsRequestEntry.builder()
              .data(SdkBytes.fromByteArrayUnsafe(data))
              .partitionKey(partitionKey)
              .build());
    }
    int from = 0;
    while (from < records.size()) {
      int to = from;
      long requestBytes = 0;
      while (to < records.size()
          && to - from < MAX_RECORDS_PER_REQUEST
          && requestBytes + sizes[to] <= MAX_BYTES_PER_REQUEST) {
        requestBytes += sizes[to++];
      }
      send(records.subList(from, to));
      from = to;
    }
  }

  /** Sends one request's records, resending refused ones until all are stored or attempts end. */
  private void send(List<PutRecordsRequestEntry> records) throws IOException {
    List<PutRecordsRequestEntry> pending = records;
    for (int attempt = 1; ; attempt++) {
      List<PutRecordsRequestEntry> toSend = pending;
      PutRecordsResponse response;
      try {
        response = kinesis.putRecords(b -> b.streamName(streamName).records(toSend));
      } catch (SdkException e) {
        throw new IOException(
            "PutRecords to Kinesis stream " + streamName + " failed: " + e.getMessage(), e);
      }
      Integer failedCount = response.failedRecordCount();
      if (failedCount == null || failedCount == 0) {
        return;
      }
      List<PutRecordsResultEntry> results = response.records();
      if (results.size() != toSend.size()) {
        throw new IOException(
            "PutRecords answered "
                + results.size()
                + " results for "
                + toSend.size()
                + " records; cannot tell which were stored");
      }
      List<PutRecordsRequestEntry> refused = new ArrayList<>(failedCount);
      Map<String, Integer> errors = new TreeMap<>();
      for (int i = 0; i < results.size(); i++) {
        String code = results.get(i).errorCode();
        if (code != null) {
          refused.add(toSend.get(i));
          errors.merge(code, 1, Integer::sum);
        }
      }
      if (refused.isEmpty()) {
        throw new IOException(
            "PutRecords reported " + failedCount + " failed records but flagged none of them");
      }
      if (attempt == attempts) {
        throw new IOException(
            refused.size()
                + " of "
                + records.size()
                + " records could not be written to Kinesis stream "
                + streamName
                + " after "
                + attempts
                + " attempts "
                + errors);
      }
      backoff(attempt);
      pending = refused;
    }
  }

  private void backoff(int attempt) throws InterruptedIOException {
    long millis =
        Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 20));
    try {
      sleeper.sleep(Duration.ofMillis(millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while retrying PutRecords");
    }
  }
}
