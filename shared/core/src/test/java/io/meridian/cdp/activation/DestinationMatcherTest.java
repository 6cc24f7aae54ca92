package io.meridian.cdp.activation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Patterns behave as in EventBridge because event-ruler, EventBridge's matcher, evaluates them. */
class DestinationMatcherTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An event of segment vip-gold, entered, lifetime_revenue 1250.5, email set, no phone. */
  private static final ActivationEvent EVENT =
      MembershipChangeEvents.of(
          "acme",
          "vip-gold",
          "VIP gold",
          "p-1",
          "entered",
          Instant.parse("2026-11-24T10:00:00Z"),
          "run-1",
          Map.of("lifetime_revenue", 1250.5, "email", "jane@example.com", "country", "DE"),
          Map.of("email", List.of("jane@example.com")),
          Map.of("advertising", true));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"detail-type": ["Segment Membership Changed"]}                                  | true
          {"detail-type": ["Segment Membership Changed"], "detail": {"change": ["exited"]}} | false
          {"detail": {"segment": {"id": ["vip-gold"]}, "change": ["entered"]}}             | true
          {"detail": {"segment": {"id": [{"prefix": "vip-"}]}}}                            | true
          {"detail": {"segment": {"id": [{"prefix": "gold"}]}}}                            | false
          {"detail": {"segment": {"id": [{"suffix": "-gold"}]}}}                           | true
          {"detail": {"segment": {"id": [{"anything-but": ["vip-gold"]}]}}}                | false
          {"detail": {"segment": {"id": [{"anything-but": {"prefix": "test-"}}]}}}         | true
          {"detail": {"traits": {"lifetime_revenue": [{"numeric": [">=", 1000, "<", 5000]}]}}} | true
          {"detail": {"traits": {"lifetime_revenue": [{"numeric": [">", 2000]}]}}}         | false
          {"detail": {"traits": {"lifetime_revenue": [1250.5]}}}                           | true
          {"detail": {"traits": {"email": [{"exists": true}]}}}                            | true
          {"detail": {"traits": {"phone": [{"exists": true}]}}}                            | false
          {"detail": {"traits": {"phone": [{"exists": false}]}}}                           | true
          {"detail": {"traits": {"country": [{"equals-ignore-case": "de"}]}}}              | true
          {"detail": {"traits": {"email": [{"wildcard": "*@example.com"}]}}}               | true
          {"detail": {"identifiers": {"email": ["jane@example.com"]}}}                      | true
          {"detail": {"consent": {"advertising": [true]}}}                                 | true
          {"$or": [{"detail": {"change": ["exited"]}}, {"detail": {"traits": {"country": ["DE"]}}}]} | true
          {"source": ["other.source"]}                                                     | false
          """)
  void matchesWithEventBridgeSemantics(String pattern, boolean expected) throws IOException {
    DestinationConfig destination = file("d", pattern);

    List<DestinationConfig> matched =
        new DestinationMatcher(List.of(destination)).matching(EVENT.envelope());

    assertThat(!matched.isEmpty()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"detail": {"change": ["entered"]}}
          """)
  void returnsEveryMatchingDestinationInConfigurationOrder(String pattern) throws IOException {
    DestinationMatcher matcher =
        new DestinationMatcher(
            List.of(
                file("c", pattern),
                file("a", "{\"detail\": {\"change\": [\"exited\"]}}"),
                file("b", "{\"source\": [\"meridian.cdp\"]}")));

    assertThat(matcher.matching(EVENT.envelope()))
        .extracting(DestinationConfig::id)
        .containsExactly("c", "b");
  }

  private static DestinationConfig file(String id, String pattern) throws IOException {
    return new DestinationConfig(
        id, "file", JSON.readTree(pattern), null, null, null, null, null, null, null, null);
  }

  @ParameterizedTest(name = "tenant {0}, consent {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          acme  | true    | true
          acme  | absent  | true
          acme  | false   | false
          other | true    | false
          """)
  void theBusPatternAddsTheTenantAndTheConsentCondition(
      String tenant, String consent, boolean expected) throws IOException {
    DestinationConfig ads =
        new DestinationConfig(
            "ads",
            "file",
            JSON.readTree("{\"detail\": {\"change\": [\"entered\"]}}"),
            "advertising",
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    String busPattern = ads.busPattern("acme").toString();
    assertThat(software.amazon.event.ruler.JsonRuleCompiler.check(busPattern)).isNull();
    software.amazon.event.ruler.Machine bus = new software.amazon.event.ruler.Machine();
    bus.addRule("ads", busPattern);
    ActivationEvent event =
        MembershipChangeEvents.of(
            tenant,
            "vip",
            "VIP",
            "p-1",
            "entered",
            Instant.parse("2026-11-24T10:00:00Z"),
            "run-1",
            null,
            null,
            consent.equals("absent") ? Map.of() : Map.of("advertising", Boolean.valueOf(consent)));

    assertThat(!bus.rulesForJSONEvent(event.envelope()).isEmpty()).isEqualTo(expected);
  }
}
