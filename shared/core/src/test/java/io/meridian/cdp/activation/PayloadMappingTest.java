package io.meridian.cdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadMappingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ActivationEvent EVENT =
      MembershipChangeEvents.of(
          "acme",
          "vip",
          "VIP",
          "p-1",
          "entered",
          Instant.parse("2026-11-24T10:00:00Z"),
          "run-1",
          Map.of("email", "jane@example.com"),
          Map.of("anonymous_id", List.of("a-1", "a-2")),
          Map.of());

  private static JsonNode map(String yamlTemplate) throws IOException {
    return PayloadMapping.parse(YAML.readTree(yamlTemplate)).apply(EVENT.envelope());
  }

  @Test
  void withoutATemplateTheBodyIsTheWholeEvent() {
    assertThat(PayloadMapping.parse(null).apply(EVENT.envelope())).isEqualTo(EVENT.envelope());
  }

  @Test
  void picksFieldsByPathAndKeepsConstants() throws IOException {
    JsonNode body =
        map(
            """
            event_id: $.id
            kind: $['detail-type']
            email: $.detail.traits.email
            first_device: $.detail.identifiers.anonymous_id[0]
            devices: $.detail.identifiers.anonymous_id
            list_id: 42
            source: meridian
            price: $$9.99
            user:
              id: $.detail.profile_id
              tags: [$.detail.segment.id, fixed]
            """);

    assertThat(body)
        .isEqualTo(
            JSON.readTree(
                """
                {"event_id": "%s", "kind": "Segment Membership Changed",
                 "email": "jane@example.com", "first_device": "a-1", "devices": ["a-1", "a-2"],
                 "list_id": 42, "source": "meridian", "price": "$9.99",
                 "user": {"id": "p-1", "tags": ["vip", "fixed"]}}
                """
                    .formatted(EVENT.id())));
  }

  @Test
  void aPathThatFindsNothingGivesNull() throws IOException {
    JsonNode body =
        map("phone: $.detail.traits.phone\nthird: $.detail.identifiers.anonymous_id[2]");

    assertThat(body.get("phone").isNull()).isTrue();
    assertThat(body.get("third").isNull()).isTrue();
  }

  @Test
  void aSinglePathMakesTheWholeBody() throws IOException {
    assertThat(map("$.detail")).isEqualTo(EVENT.detail());
  }

  @Test
  void rejectsAMalformedPathNamingTheField() {
    assertThatThrownBy(() -> PayloadMapping.parse(YAML.readTree("user:\n  id: $.detail.[0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payload.user.id: path '$.detail.[0' is malformed at character 9");
  }
}
