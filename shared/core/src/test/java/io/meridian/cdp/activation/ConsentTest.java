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
}
