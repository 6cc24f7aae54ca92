package io.meridian.cdp.activation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsSegmentCategoryPreferencesAndTraitsWithPurposesLowerCased() throws IOException {
    assertThat(
            Consent.of(
                JSON.readTree("{\"Advertising\": false, \"Analytics\": true, \"Odd\": \"yes\"}"),
                JSON.readTree("{\"email_marketing\": true}")))
        .isEqualTo(Map.of("advertising", false, "analytics", true, "email_marketing", true));
  }

  @Test
  void aRefusalInEitherSourceWins() throws IOException {
    assertThat(
            Consent.of(
                JSON.readTree("{\"advertising\": true}"),
                JSON.readTree("{\"Advertising\": false}")))
        .isEqualTo(Map.of("advertising", false));
    assertThat(
            Consent.of(
                JSON.readTree("{\"advertising\": false}"),
                JSON.readTree("{\"advertising\": true}")))
        .isEqualTo(Map.of("advertising", false));
  }

  @Test
  void missingSourcesGiveAnEmptyMap() throws IOException {
    assertThat(Consent.of(null, JSON.readTree("[true]"), JSON.missingNode())).isEmpty();
  }

  private static ActivationEvent withConsent(String profile, Map<String, Boolean> consent) {
    return MembershipChangeEvents.of(
        "acme",
        "vip",
        null,
        profile,
        "entered",
        java.time.Instant.parse("2026-11-24T10:00:00Z"),
        "run-1",
        Map.of(),
        Map.of(),
        consent);
  }

  @Test
  void countsTheEventsThatRefuseEachPurposeAndOnlyExplicitRefusals() {
    java.util.List<ActivationEvent> events =
        java.util.List.of(
            withConsent("p-1", Map.of("advertising", false, "email", true)),
            withConsent("p-2", Map.of("advertising", false)),
            withConsent("p-3", Map.of()));
    assertThat(Consent.refuses(events.get(0), "Advertising")).isTrue();
    assertThat(Consent.refuses(events.get(2), "advertising")).isFalse();
    assertThat(Consent.refusals(events, java.util.List.of("email", "advertising", "sms")))
        .containsExactly(
            Map.entry("advertising", 2L), Map.entry("email", 0L), Map.entry("sms", 0L));
  }
}
