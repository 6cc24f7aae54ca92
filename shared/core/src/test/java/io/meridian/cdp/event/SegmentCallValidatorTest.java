package io.meridian.cdp.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SegmentCallValidatorTest {
  private static final Path EXAMPLES = Path.of("../../events/segment-call/examples");
  private static final SegmentCallValidator VALIDATOR = new SegmentCallValidator();

  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void examplesFolderCoversEveryCallType() throws IOException {
    List<String> names =
        examples().stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());

    for (CallType type : CallType.values()) {
      assertThat(names).contains(type.wireName() + ".json");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleValidates(Path example) throws IOException {
    byte[] bytes = Files.readAllBytes(example);
    JsonNode call = Json.MAPPER.readTree(bytes);

    assertThat(VALIDATOR.validate(call, bytes.length)).isEmpty();
    assertThat(call.get("type").asText())
        .isEqualTo(example.getFileName().toString().replace(".json", ""));
  }

  private static Optional<Problem> validate(String json) throws IOException {
    return VALIDATOR.validate(Json.MAPPER.readTree(json), json.getBytes(UTF_8).length);
  }

  private static String keys(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "\"k" + i + "\":" + i)
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String nested(int levels) {
    return "{\"a\":".repeat(levels) + "1" + "}".repeat(levels);
  }

  static Stream<Arguments> invalidCalls() {
    String track = "\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"";
    return Stream.of(
        arguments("{\"userId\":\"u\"}", Reason.MISSING_TYPE, "type"),
        arguments("{\"type\":\"purchase\",\"userId\":\"u\"}", Reason.UNKNOWN_TYPE, "type"),
        arguments("{\"type\":7,\"userId\":\"u\"}", Reason.UNKNOWN_TYPE, "type"),
        arguments("{\"type\":\"track\",\"event\":\"e\"}", Reason.MISSING_IDENTITY, "userId"),
        arguments(
            "{\"type\":\"track\",\"userId\":\"  \",\"anonymousId\":\"\",\"event\":\"e\"}",
            Reason.MISSING_IDENTITY,
            "userId"),
        arguments("{\"type\":\"track\",\"userId\":\"u\"}", Reason.MISSING_FIELD, "event"),
        arguments("{\"type\":\"group\",\"userId\":\"u\"}", Reason.MISSING_FIELD, "groupId"),
        arguments("{\"type\":\"alias\",\"userId\":\"u\"}", Reason.MISSING_FIELD, "previousId"),
        arguments(
            "{\"type\":\"identify\",\"userId\":\"u\",\"traits\":\"vip\"}",
            Reason.INVALID_FIELD_TYPE,
            "traits"),
        arguments(
            "{" + track + ",\"timestamp\":1732406400}", Reason.INVALID_FIELD_TYPE, "timestamp"),
        arguments(
            "{\"type\":\"track\",\"userId\":true,\"event\":\"e\"}",
            Reason.INVALID_FIELD_TYPE,
            "userId"),
        arguments(
            "{" + track + ",\"context\":{\"ip\":1234}}", Reason.INVALID_FIELD_TYPE, "context.ip"),
        arguments("{" + track + ",\"messageId\":\"\"}", Reason.INVALID_VALUE, "messageId"),
        arguments(
            "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"\"}", Reason.INVALID_VALUE, "event"),
        arguments(
            "{" + track + ",\"timestamp\":\"yesterday\"}", Reason.INVALID_TIMESTAMP, "timestamp"),
        arguments(
            "{" + track + ",\"sentAt\":\"2026-11-24T10:00:00\"}",
            Reason.INVALID_TIMESTAMP,
            "sentAt"),
        arguments(
            "{" + track + ",\"originalTimestamp\":\"2026-02-30T10:00:00Z\"}",
            Reason.INVALID_TIMESTAMP,
            "originalTimestamp"),
        arguments(
            "{"
                + track
                + ",\"messageId\":\""
                + "m".repeat(Limits.MAX_MESSAGE_ID_LENGTH + 1)
                + "\"}",
            Reason.MESSAGE_ID_TOO_LONG,
            "messageId"),
        arguments(
            "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"" + "e".repeat(201) + "\"}",
            Reason.FIELD_TOO_LONG,
            "event"),
        arguments(
            "{\"type\":\"track\",\"userId\":\"" + "u".repeat(256) + "\",\"event\":\"e\"}",
            Reason.FIELD_TOO_LONG,
            "userId"),
        arguments(
            "{" + track + ",\"properties\":" + nested(Limits.MAX_DEPTH) + "}",
            Reason.TOO_DEEPLY_NESTED,
            "properties" + ".a".repeat(Limits.MAX_DEPTH - 1)),
        arguments(
            "{" + track + ",\"properties\":" + keys(Limits.MAX_KEYS_PER_OBJECT + 1) + "}",
            Reason.TOO_MANY_PROPERTIES,
            "properties"),
        arguments(
            "{" + track + ",\"context\":{\"traits\":" + keys(Limits.MAX_KEYS_PER_OBJECT + 1) + "}}",
            Reason.TOO_MANY_PROPERTIES,
            "context.traits"));
  }

  @ParameterizedTest(name = "{1} at {2}")
  @MethodSource("invalidCalls")
  void reportsCodeAndFieldAndNamesTheFieldInTheMessage(String json, String code, String field)
      throws IOException {
    Problem problem = validate(json).orElseThrow();

    assertThat(problem.code()).isEqualTo(code);
    assertThat(problem.field()).isEqualTo(field);
    assertThat(problem.message()).contains(field);
  }

  @Test
  void invalidFieldTypeMessageSaysWhatWasExpectedAndWhatCame() throws IOException {
    Problem problem =
        validate("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"timestamp\":12}")
            .orElseThrow();

    assertThat(problem.message()).matches("timestamp must be string or null, not (integer|number)");
  }

  @Test
  void messagesNeverContainFieldValues() throws IOException {
    String secret = "s3cr3t-value";
    List<String> calls =
        List.of(
            "{\"type\":\"" + secret + "\",\"userId\":\"u\"}",
            "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"timestamp\":\""
                + secret
                + "\"}",
            "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"messageId\":\""
                + secret.repeat(20)
                + "\"}");

    for (String call : calls) {
      assertThat(validate(call).orElseThrow().message()).doesNotContain(secret);
    }
  }

  @Test
  void rejectsNonObjects() throws IOException {
    for (String json : List.of("[]", "42", "\"track\"", "null")) {
      Problem problem = validate(json).orElseThrow();
      assertThat(problem.code()).isEqualTo(Reason.NOT_AN_OBJECT);
      assertThat(problem.field()).isEmpty();
      assertThat(problem.message()).contains("object");
    }
    assertThat(VALIDATOR.validate(null, 0).orElseThrow().code()).isEqualTo(Reason.NOT_AN_OBJECT);
  }

  @Test
  void rejectsEventLargerThanTheLimitBySizeAlone() throws IOException {
    JsonNode call = Json.MAPPER.readTree("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}");

    assertThat(VALIDATOR.validate(call, Limits.MAX_EVENT_BYTES)).isEmpty();
    Problem problem = VALIDATOR.validate(call, Limits.MAX_EVENT_BYTES + 1).orElseThrow();

    assertThat(problem.code()).isEqualTo(Reason.EVENT_TOO_LARGE);
    assertThat(problem.field()).isEmpty();
    assertThat(problem.message())
        .contains(Integer.toString(Limits.MAX_EVENT_BYTES + 1))
        .contains(Integer.toString(Limits.MAX_EVENT_BYTES));
  }

  @Test
  void acceptsLimitsExactly() throws IOException {
    String track = "\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"";

    assertThat(validate("{" + track + ",\"properties\":" + nested(Limits.MAX_DEPTH - 1) + "}"))
        .isEmpty();
    assertThat(validate("{" + track + ",\"properties\":" + keys(Limits.MAX_KEYS_PER_OBJECT) + "}"))
        .isEmpty();
    assertThat(
            validate(
                "{"
                    + track
                    + ",\"messageId\":\""
                    + "m".repeat(Limits.MAX_MESSAGE_ID_LENGTH)
                    + "\"}"))
        .isEmpty();
  }

  @Test
  void acceptsNumericIdsAndNullNames() throws IOException {
    assertThat(validate("{\"type\":\"identify\",\"userId\":12345}")).isEmpty();
    assertThat(validate("{\"type\":\"page\",\"anonymousId\":\"a\",\"name\":null}")).isEmpty();
    assertThat(validate("{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"e\"}")).isEmpty();
  }

  @Test
  void parsesTimestampsWithOffsetOnly() {
    assertThat(SegmentCallValidator.parseTimestamp("2026-11-24T10:00:00Z")).isPresent();
    assertThat(SegmentCallValidator.parseTimestamp("2026-11-24T10:00:00.123+01:00")).isPresent();
    assertThat(SegmentCallValidator.parseTimestamp("2026-11-24T10:00:00")).isEmpty();
    assertThat(SegmentCallValidator.parseTimestamp("1732406400")).isEmpty();
  }
}
