package io.meridian.cdp.activation;

import java.util.List;

/**
 * What one {@link EventPublisher#publish} did.
 *
 * @param events events published
 * @param unmatched events no destination's pattern matched
 * @param destinations one report per destination of the events' tenants, in configuration order
 */
public record PublishReport(int events, int unmatched, List<DestinationReport> destinations) {

  public PublishReport {
    destinations = List.copyOf(destinations);
  }

  /** The report of one destination, if it was part of the publish. */
  public java.util.Optional<DestinationReport> destination(String tenant, String destination) {
    return destinations.stream()
        .filter(d -> d.tenant().equals(tenant) && d.destination().equals(destination))
        .findFirst();
  }

  /** Events delivered, over all destinations. */
  public long delivered() {
    return destinations.stream().mapToLong(DestinationReport::delivered).sum();
  }

  /** Events dead-lettered, over all destinations. */
  public long deadLettered() {
    return destinations.stream().mapToLong(DestinationReport::deadLettered).sum();
  }

  /** Events excluded by consent, over all destinations. */
  public long excludedByConsent() {
    return destinations.stream().mapToLong(DestinationReport::excludedByConsent).sum();
  }
}
