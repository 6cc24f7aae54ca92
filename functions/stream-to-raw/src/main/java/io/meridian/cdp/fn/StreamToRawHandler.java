package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.raw.RawZoneWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kinesis → raw zone. Each batch (one shard, consecutive records) is decoded and written by {@link
 * RawZoneWriter} as gzip JSON Lines under keys named after the batch ({@link KinesisBatch#id}), so
 * a retried batch rewrites the same objects instead of adding new ones.
 *
 * <p>Records whose data is not an envelope cannot be routed to a tenant. They are not dropped, and
 * they do not block the shard either: they are stored whole under {@code _unroutable/raw/} with
 * their shard and sequence number, and counted in the log (without their content).
 *
 * <p>The event source mapping must enable {@code ReportBatchItemFailures}. The writer is
 * all-or-nothing per batch, and Lambda resumes a shard from the lowest sequence number reported as
 * failed; so when the write fails, every record of the batch is reported, starting with the first.
 * Lambda then retries the batch from its first record.
 *
 * <p>Environment, read once at cold start: {@code LAKE_BUCKET}, optionally {@code LAKE_KMS_KEY_ID}
 * (SSE-KMS key for the objects written), {@code AWS_REGION} (set by Lambda).
 */
public final class StreamToRawHandler
    implements RequestHandler<KinesisEvent, StreamsEventResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamToRawHandler.class);

  private final ObjectStore lake;
  private final RawZoneWriter writer;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public StreamToRawHandler() {
    this(
        AwsEnvironment.lake(
            AwsEnvironment.s3(), AwsEnvironment.require(AwsEnvironment.LAKE_BUCKET)),
        Clock.systemUTC());
  }

  StreamToRawHandler(ObjectStore lake, Clock clock) {
    this.lake = lake;
    this.writer = new RawZoneWriter(lake, clock);
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    List<KinesisEventRecord> records = event.getRecords();
    if (records.isEmpty()) {
      return new StreamsEventResponse(List.of());
    }
    KinesisBatch batch = KinesisBatch.of(records);
    try {
      store(batch);
      return new StreamsEventResponse(List.of());
    } catch (IOException | UncheckedIOException e) {
      LOG.error(
          "batch {} ({} records) could not be stored; reporting all of them for retry: {}",
          batch.id(),
          records.size(),
          e.toString());
      return new StreamsEventResponse(
          records.stream()
              .map(r -> new BatchItemFailure(r.getKinesis().getSequenceNumber()))
              .toList());
    }
  }

  private void store(KinesisBatch batch) throws IOException {
    if (!batch.envelopes().isEmpty()) {
      writer.write(batch.envelopes(), batch.id());
    }
    if (!batch.unroutable().isEmpty()) {
      String key = batch.unroutableKey();
      lake.put(key, batch.unroutableObject());
      LOG.warn(
          "batch {}: {} records carry no routable envelope; kept under {}",
          batch.id(),
          batch.unroutable().size(),
          key);
    }
  }
}
