package io.meridian.cdp.activation;

/**
 * What one destination did with one publish.
 *
 * @param tenant the tenant the destination belongs to
 * @param destination the destination id
 * @param matched events whose pattern matched (including those excluded by consent)
 * @param excludedByConsent matched events not sent because the profile's consent for the
 *     destination's purpose is false
 * @param delivered events the destination accepted (2xx for webhooks, written for files)
 * @param deadLettered events given up on (attempts exhausted, a permanent error, or the deadline)
 *     and written to the destination's dead-letter file
 * @param retries attempts beyond the first, over all events
 */
public record DestinationReport(
    String tenant,
    String destination,
    long matched,
    long excludedByConsent,
    long delivered,
    long deadLettered,
    long retries) {

  /** Events the publisher handed on but that are neither delivered nor dead-lettered. */
  public long pending() {
    return matched - excludedByConsent - delivered - deadLettered;
  }
}
