package io.meridian.cdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MembershipChangeEventsTest {
  private static final Path EXAMPLES = Path.of("../../events/segment-membership-changed/examples");
  private static final String SCHEMA =
      "/events/segment-membership-changed/segment-membership-changed-v1.schema.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema VALIDATOR = schema();
  private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

  private static JsonSchema schema() {
    try (InputStream in = MembershipChangeEventsTest.class.getResourceAsStream(SCHEMA)) {
      JsonMetaSchema meta =
          JsonMetaSchema.builder(JsonMetaSchema.getV202012())
              .keyword(new NonValidationKeyword("x-pii"))
              .build();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(meta))
          .getSchema(in, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void examplesFolderHasAnEnteredAndAnExitedEvent() throws IOException {
    assertThat(examples())
        .map(p -> p.getFileName().toString())
        .contains("entered.json", "exited.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleValidates(Path example) throws IOException {
    JsonNode event = JSON.readTree(example.toFile());

    assertThat(VALIDATOR.validate(event)).isEmpty();
    assertThat(event.at("/detail/change").asText())
        .isEqualTo(example.getFileName().toString().replace(".json", ""));
  }

  @Test
  void builtEventsFollowTheSchema() {
    ActivationEvent event =
        MembershipChangeEvents.of(
            "acme",
            "vip",
            "VIP customers",
            "p-1",
            "entered",
            AT,
            "run-1",
            Map.of("email", "jane@example.com", "birthday", LocalDate.of(1990, 5, 17), "n", 3),
            Map.of("email", List.of("jane@example.com"), "user_id", List.of("u-1")),
            Map.of("advertising", false));

    assertThat(VALIDATOR.validate(event.envelope())).isEmpty();
    assertThat(event.envelope().at("/detail/traits/birthday").asText()).isEqualTo("1990-05-17");
    assertThat(event.envelope().at("/detail/consent/advertising").asBoolean()).isFalse();
    assertThat(event.detail().get("event_id").asText()).isEqualTo(event.id());
    assertThat(event.source()).isEqualTo("meridian.cdp");
    assertThat(event.detailType()).isEqualTo("Segment Membership Changed");
  }

  @Test
  void anEventWithoutTraitsIdentifiersOrConsentStillFollowsTheSchema() {
    ActivationEvent event =
        MembershipChangeEvents.of("acme", "vip", null, "p-1", "exited", AT, "r", null, null, null);

    assertThat(VALIDATOR.validate(event.envelope())).isEmpty();
    assertThat(event.detail().at("/segment/name").asText()).isEqualTo("vip");
  }

  @Test
  void theSameChangeOfTheSameRunHasTheSameId() {
    ActivationEvent first = enteredVip("p-1", "run-1");
    ActivationEvent again = enteredVip("p-1", "run-1");

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(enteredVip("p-1", "run-2").id()).isNotEqualTo(first.id());
    assertThat(enteredVip("p-2", "run-1").id()).isNotEqualTo(first.id());
    assertThat(
            MembershipChangeEvents.of(
                    "acme", "vip", "VIP", "p-1", "exited", AT, "run-1", null, null, null)
                .id())
        .isNotEqualTo(first.id());
  }

  @Test
  void idsDoNotCollideWhenFieldsShiftBetweenEachOther() {
    assertThat(MembershipChangeEvents.eventId("a", "bc", "p", "entered", "r"))
        .isNotEqualTo(MembershipChangeEvents.eventId("a", "b", "cp", "entered", "r"));
  }

  @Test
  void theDetailCannotBeChangedThroughTheEnvelope() {
    ActivationEvent event = enteredVip("p-1", "run-1");

    event.envelope().withObject("/detail").put("profile_id", "other");

    assertThat(event.detail().get("profile_id").asText()).isEqualTo("p-1");
  }

  @Test
  void rejectsAnUnknownChange() {
    assertThatThrownBy(
            () ->
                MembershipChangeEvents.of(
                    "acme", "vip", "VIP", "p-1", "joined", AT, "r", null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("change must be 'entered' or 'exited', not 'joined'");
  }

  @Test
  void rejectsMissingIdsAndTimes() {
    assertThatThrownBy(
            () ->
                MembershipChangeEvents.of(
                    "acme", "vip", "VIP", " ", "entered", AT, "r", null, null, null))
        .hasMessage("profile id must not be empty");
    assertThatThrownBy(
            () ->
                MembershipChangeEvents.of(
                    "acme", "vip", "VIP", "p", "entered", null, "r", null, null, null))
        .hasMessage("changed_at must be given");
    assertThatThrownBy(
            () ->
                MembershipChangeEvents.of(
                    "Acme/..", "vip", "VIP", "p", "entered", AT, "r", null, null, null))
        .hasMessageContaining("tenant id 'Acme/..' is invalid");
  }

  private static ActivationEvent enteredVip(String profile, String run) {
    return MembershipChangeEvents.of(
        "acme", "vip", "VIP", profile, "entered", AT, run, Map.of(), Map.of(), Map.of());
  }
}
