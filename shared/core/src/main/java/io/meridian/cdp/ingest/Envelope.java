package io.meridian.cdp.ingest;

import java.time.Instant;
import java.util.Objects;

/**
 * One received call with its receipt metadata: the unit carried by the spool or Kinesis and stored,
 * one per line, in the raw zone.
 *
 * @param tenant tenant the write key belongs to
 * @param source source the write key belongs to
 * @param messageId the caller's messageId, or a deterministic {@code cdp-} id derived from the
 *     payload when the caller sent none
 * @param type the call type from the payload, or implied by the endpoint ({@code /v1/track})
 * @param receivedAt when the API received the request (server clock, UTC)
 * @param requestId id of the HTTP request that carried the call
 * @param batch batch-level fields ({@code context}, {@code integrations}, {@code sentAt}) as JSON
 *     object text, or null for single calls
 * @param payload the call exactly as the caller sent it (the item's text within a batch)
 */
public record Envelope(
    String tenant,
    String source,
    String messageId,
    String type,
    Instant receivedAt,
    String requestId,
    String batch,
    String payload) {
  public Envelope {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(payload, "payload");
  }
}
