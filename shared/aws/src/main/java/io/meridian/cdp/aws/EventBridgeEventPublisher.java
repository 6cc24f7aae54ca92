package io.meridian.cdp.aws;

import io.meridian.cdp.activation.ActivationEvent;
import io.meridian.cdp.activation.Backoff;
import io.meridian.cdp.activation.DestinationReport;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.PublishReport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * The EventBridge bus {@code cdp-activation} as the activation {@link EventPublisher}. Each event
 * becomes one PutEvents entry (source, detail-type, time, detail); EventBridge assigns the envelope
 * id, so the deterministic id travels as {@code detail.event_id}. Each destination is an
 * EventBridge rule with the destination's pattern plus its tenant and consent condition ({@link
 * io.meridian.cdp.activation.DestinationConfig#busPattern}); matching, delivery, retries and dead
 * letters happen in EventBridge, asynchronously.
 *
 * <p>Entries go in requests of at most 10 entries and 256 KB. PutEvents may accept some entries and
 * refuse others (throttling, internal errors): only the refused ones are sent again, after backoff
 * with full jitter, up to 5 attempts. The report has one line per tenant, destination {@code
 * bus:<name>}: {@code delivered} = entries the bus accepted, {@code deadLettered} = entries still
 * refused (or larger than 256 KB), which are logged by event id.
 */
public final class EventBridgeEventPublisher implements EventPublisher {
  /** Most entries in one PutEvents request. */
  static final int MAX_ENTRIES = 10;

  /** Most bytes in one PutEvents request (and one entry). */
  static final int MAX_BYTES = 256 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(EventBridgeEventPublisher.class);

  private final EventBridgeClient client;
  private final String busName;
  private final int attempts;
  private final Backoff backoff;

  public EventBridgeEventPublisher(EventBridgeClient client, String busName) {
    this(client, busName, 5, new Backoff(50, 1_000));
  }

  EventBridgeEventPublisher(
      EventBridgeClient client, String busName, int attempts, Backoff backoff) {
    this.client = client;
    this.busName = busName;
    this.attempts = attempts;
    this.backoff = backoff;
  }

  @Override
  public PublishReport publish(List<ActivationEvent> events) {
    Map<String, long[]> byTenant = new LinkedHashMap<>(); // matched, accepted, refused, retries
    List<Pending> batch = new ArrayList<>();
    int batchBytes = 0;
    for (ActivationEvent event : events) {
      long[] counts = byTenant.computeIfAbsent(event.tenant(), t -> new long[4]);
      counts[0]++;
      PutEventsRequestEntry entry =
          PutEventsRequestEntry.builder()
              .eventBusName(busName)
              .source(event.source())
              .detailType(event.detailType())
              .time(event.time())
              .detail(event.detail().toString())
              .build();
      int size = size(entry);
      if (size > MAX_BYTES) {
        LOG.warn(
            "activation event {} of tenant {} is {} bytes, over EventBridge's 256 KB; not published",
            event.id(),
            event.tenant(),
            size);
        counts[2]++;
        continue;
      }
      if (batch.size() == MAX_ENTRIES || batchBytes + size > MAX_BYTES) {
        send(batch, byTenant);
        batch = new ArrayList<>();
        batchBytes = 0;
      }
      batch.add(new Pending(event, entry));
      batchBytes += size;
    }
    if (!batch.isEmpty()) {
      send(batch, byTenant);
    }
    List<DestinationReport> reports = new ArrayList<>();
    byTenant.forEach(
        (tenant, c) ->
            reports.add(
                new DestinationReport(tenant, "bus:" + busName, c[0], 0, c[1], c[2], c[3])));
    return new PublishReport(events.size(), 0, reports);
  }

  private void send(List<Pending> batch, Map<String, long[]> byTenant) {
    List<Pending> pending = batch;
    String lastError = null;
    for (int attempt = 1; attempt <= attempts && !pending.isEmpty(); attempt++) {
      if (attempt > 1) {
        for (Pending p : pending) {
          byTenant.get(p.event.tenant())[3]++;
        }
        sleep(backoff.delayMillis(attempt - 1));
      }
      List<PutEventsRequestEntry> entries = pending.stream().map(Pending::entry).toList();
      PutEventsResponse response = client.putEvents(b -> b.entries(entries));
      List<Pending> refused = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        PutEventsResultEntry result = response.entries().get(i);
        if (result.errorCode() == null) {
          byTenant.get(pending.get(i).event.tenant())[1]++;
        } else {
          refused.add(pending.get(i));
          lastError = result.errorCode();
        }
      }
      pending = refused;
    }
    for (Pending p : pending) {
      byTenant.get(p.event.tenant())[2]++;
      LOG.warn(
          "activation event {} of tenant {} refused by EventBridge after {} attempts: {}",
          p.event.id(),
          p.event.tenant(),
          attempts,
          lastError);
    }
  }

  /**
   * The entry size as EventBridge counts it (UTF-8 of source, detail-type, detail, + 14 for time).
   */
  static int size(PutEventsRequestEntry entry) {
    return utf8(entry.source()) + utf8(entry.detailType()) + utf8(entry.detail()) + 14;
  }

  private static int utf8(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing to EventBridge", e);
    }
  }

  private record Pending(ActivationEvent event, PutEventsRequestEntry entry) {}
}
