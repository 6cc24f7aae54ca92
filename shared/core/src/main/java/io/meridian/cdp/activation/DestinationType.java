package io.meridian.cdp.activation;

/** What a destination delivers to. */
public enum DestinationType {
  /** HTTPS POST of the mapped payload, signed with HMAC-SHA256, retried, dead-lettered. */
  WEBHOOK,
  /** One JSON line per mapped payload appended to a local file. */
  FILE;

  /** The name used in cdp.yaml. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
