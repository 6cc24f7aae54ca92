package io.meridian.cdp.event;

/**
 * Stable reason codes for rejected events. They appear in API responses, in {@code
 * quarantine.records.reason} and in accounting; never rename one (add new ones instead). Documented
 * in docs/TABLES.md.
 */
public final class Reason {
  public static final String NOT_AN_OBJECT = "not_an_object";
  public static final String MISSING_TYPE = "missing_type";
  public static final String UNKNOWN_TYPE = "unknown_type";
  public static final String MISSING_IDENTITY = "missing_identity";
  public static final String MISSING_FIELD = "missing_field";
  public static final String INVALID_FIELD_TYPE = "invalid_field_type";
  public static final String INVALID_VALUE = "invalid_value";
  public static final String INVALID_TIMESTAMP = "invalid_timestamp";
  public static final String MESSAGE_ID_TOO_LONG = "message_id_too_long";
  public static final String FIELD_TOO_LONG = "field_too_long";
  public static final String EVENT_TOO_LARGE = "event_too_large";
  public static final String TOO_DEEPLY_NESTED = "too_deeply_nested";
  public static final String TOO_MANY_PROPERTIES = "too_many_properties";
  public static final String SCHEMA_VIOLATION = "schema_violation";
  public static final String UNREADABLE_RECORD = "unreadable_record";

  private Reason() {}
}
