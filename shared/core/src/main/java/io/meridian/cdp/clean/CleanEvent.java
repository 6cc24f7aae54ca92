package io.meridian.cdp.clean;

import java.time.Instant;

/** One row of {@code clean.events}, normalized. JSON columns hold JSON text or null. */
public record CleanEvent(
    String source,
    String messageId,
    String type,
    String event,
    String name,
    String userId,
    String anonymousId,
    String groupId,
    String previousId,
    Instant timestamp,
    Instant originalTimestamp,
    Instant sentAt,
    Instant receivedAt,
    String properties,
    String traits,
    String context,
    String integrations) {

  /** The row in {@link CleanTables#EVENTS} column order. */
  Object[] toRow() {
    return new Object[] {
      source,
      messageId,
      type,
      event,
      name,
      userId,
      anonymousId,
      groupId,
      previousId,
      timestamp,
      originalTimestamp,
      sentAt,
      receivedAt,
      properties,
      traits,
      context,
      integrations
    };
  }
}
