package io.meridian.cdp.activation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventPublisher} must do, whatever carries the events: matching events reach a
 * destination whose pattern matches, as the Segment Membership Changed envelope with the event's
 * detail, and a republish carries the same {@code detail.event_id}s. Local bus: unit test;
 * EventBridge: against moto server (rule → SQS target).
 */
public abstract class EventPublisherContractTest {
  /** The pattern of the one destination of tenant {@code acme}: entries into {@code vip}. */
  protected static final String VIP_ENTRIES =
      "{\"detail-type\": [\"Segment Membership Changed\"],"
          + " \"detail\": {\"segment\": {\"id\": [\"vip\"]}, \"change\": [\"entered\"]}}";

  /**
   * A publisher whose tenant {@code acme} has one destination with pattern {@link #VIP_ENTRIES}.
   */
  protected abstract EventPublisher publisher() throws Exception;

  /**
   * The envelopes that destination received: waits until at least {@code expected} have arrived
   * (failing after a while), then returns all of them, including any beyond {@code expected}.
   */
  protected abstract List<JsonNode> received(int expected) throws Exception;

  private static ActivationEvent change(String segment, String profile, String change) {
    return MembershipChangeEvents.of(
        "acme",
        segment,
        segment.toUpperCase(java.util.Locale.ROOT),
        profile,
        change,
        Instant.parse("2026-11-24T10:00:00Z"),
        "run-1",
        Map.of("email", profile + "@example.com", "lifetime_revenue", 1250.5),
        Map.of("email", List.of(profile + "@example.com")),
        Map.of("advertising", true));
  }

  @Test
  void deliversOnlyMatchingEventsAsTheContractEnvelope() throws Exception {
    EventPublisher publisher = publisher();
    ActivationEvent a = change("vip", "p-1", "entered");
    ActivationEvent b = change("vip", "p-2", "entered");
    List<ActivationEvent> events =
        List.of(a, change("vip", "p-3", "exited"), change("churn", "p-4", "entered"), b);

    PublishReport report = publisher.publish(events);

    assertThat(report.events()).isEqualTo(4);
    List<JsonNode> received = received(2);
    assertThat(received)
        .extracting(e -> e.get("detail"))
        .containsExactlyInAnyOrder(a.detail(), b.detail());
    for (JsonNode e : received) {
      assertThat(e.get("source").asText()).isEqualTo(MembershipChangeEvents.SOURCE);
      assertThat(e.get("detail-type").asText()).isEqualTo(MembershipChangeEvents.DETAIL_TYPE);
      assertThat(Instant.parse(e.get("time").asText()))
          .isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    }
  }

  @Test
  void aRepublishCarriesTheSameEventIds() throws Exception {
    EventPublisher publisher = publisher();
    List<ActivationEvent> events = List.of(change("vip", "p-1", "entered"));

    publisher.publish(events);
    publisher.publish(List.of(change("vip", "p-1", "entered")));

    assertThat(received(2))
        .extracting(e -> e.at("/detail/event_id").asText())
        .containsExactly(events.get(0).id(), events.get(0).id());
  }
}
