package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.StageMetrics;
import io.meridian.cdp.aws.telemetry.LogContext;
import io.meridian.cdp.aws.telemetry.Metrics;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.raw.RawZoneWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Date;
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
 *
 * <p>Log lines carry the batch id as correlation id (raw-to-clean finds it again in the raw
 * object's key). Metrics (ADR 0034): per raw object written, the accounting of stage {@code raw}
 * ({@code EventsIn}, {@code EventsOut}...); per batch, {@code RecordsIn}, {@code
 * RecordsUnroutable}, {@code ObjectsWritten} and {@code ArrivalLagMillis} (now minus the oldest
 * record's approximate arrival in the stream: how far behind the stream the function is).
 */
public final class StreamToRawHandler
    implements RequestHandler<KinesisEvent, StreamsEventResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamToRawHandler.class);

  private final ObjectStore lake;
  private final RawZoneWriter writer;
  private final Clock clock;

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
    this.clock = clock;
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    List<KinesisEventRecord> records = event.getRecords();
    if (records.isEmpty()) {
      return new StreamsEventResponse(List.of());
    }
    KinesisBatch batch = KinesisBatch.of(records);
    LogContext.begin(context, batch.id());
    try {
      List<StageCounts> written = store(batch);
      written.forEach(StageMetrics::publish);
      Metrics.stage(RawZoneWriter.STAGE)
          .count("RecordsIn", records.size())
          .count("RecordsUnroutable", batch.unroutable().size())
          .count("ObjectsWritten", written.size() + (batch.unroutable().isEmpty() ? 0 : 1))
          .milliseconds("ArrivalLagMillis", lagMillis(records))
          .publish();
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

  /** Now minus the oldest approximate arrival of the batch's records (0 when none says). */
  private long lagMillis(List<KinesisEventRecord> records) {
    long oldest = Long.MAX_VALUE;
    for (KinesisEventRecord r : records) {
      Date arrival = r.getKinesis().getApproximateArrivalTimestamp();
      if (arrival != null) {
        oldest = Math.min(oldest, arrival.getTime());
      }
    }
    return oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest);
  }

  private List<StageCounts> store(KinesisBatch batch) throws IOException {
    List<StageCounts> written = List.of();
    if (!batch.envelopes().isEmpty()) {
      written = writer.write(batch.envelopes(), batch.id());
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
    return written;
  }
}
