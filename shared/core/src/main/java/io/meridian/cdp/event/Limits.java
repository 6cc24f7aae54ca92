package io.meridian.cdp.event;

/** Size and shape limits of accepted events (Segment's published limits where it has them). */
public final class Limits {
  /** Largest single event, in UTF-8 bytes. */
  public static final int MAX_EVENT_BYTES = 32 * 1024;

  /** Largest request body (a batch), in bytes, after any Content-Encoding is removed. */
  public static final int MAX_BATCH_BYTES = 500 * 1024;

  /** Most events in one batch. */
  public static final int MAX_BATCH_EVENTS = 2_500;

  /** Longest messageId. */
  public static final int MAX_MESSAGE_ID_LENGTH = 100;

  /** Deepest nesting of objects and arrays inside one event. */
  public static final int MAX_DEPTH = 32;

  /** Most keys in any one object of an event (properties, traits, context, ...). */
  public static final int MAX_KEYS_PER_OBJECT = 1_000;

  private Limits() {}
}
